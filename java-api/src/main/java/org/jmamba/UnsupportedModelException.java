package org.jmamba;

/** The file is a valid GGUF but not a model jmamba can run: another architecture, bad hyper-parameters, a type it cannot compute. */
public class UnsupportedModelException extends JmambaException {
    public UnsupportedModelException(String message) {
        super(message);
    }
}
