/** Converting checkpoints (safetensors) to GGUF and quantizing GGUF files. */
module org.jmamba.quantize {
    requires transitive org.jmamba;
    requires com.fasterxml.jackson.databind;

    exports org.jmamba.quantize;
}
