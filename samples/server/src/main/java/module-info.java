/** {@code jmamba serve}: an OpenAI-compatible HTTP server over the batched decode loop, and its load generator. */
module org.jmamba.server {
    requires org.jmamba;
    requires io.javalin;
    requires jakarta.servlet;
    requires com.fasterxml.jackson.databind;
    requires info.picocli;
    requires java.net.http;
    requires jdk.management;

    exports org.jmamba.server;
    exports org.jmamba.server.cache;
    exports org.jmamba.server.bench;

    opens org.jmamba.server to info.picocli;
    opens org.jmamba.server.bench to info.picocli;
    opens org.jmamba.server.openai to com.fasterxml.jackson.databind;
}
