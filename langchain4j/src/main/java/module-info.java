/** LangChain4j chat models over a local jmamba {@code Model}, in-process. */
module org.jmamba.langchain4j {
    requires transitive org.jmamba;
    requires transitive langchain4j.core; // an automatic module: langchain4j-core's jar names none

    exports org.jmamba.langchain4j;
}
