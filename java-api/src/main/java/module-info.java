/**
 * jmamba: Mamba-2 language models run locally. See {@link org.jmamba} for where to start.
 * Native code runs through {@code org.jmamba.bindings}, the module to grant native access to.
 */
module org.jmamba {
    requires org.jmamba.bindings;

    exports org.jmamba;
    exports org.jmamba.gguf;
    exports org.jmamba.tokenizer;
    exports org.jmamba.sampling;
    exports org.jmamba.generate;
    exports org.jmamba.chat;
    exports org.jmamba.embed;
}
