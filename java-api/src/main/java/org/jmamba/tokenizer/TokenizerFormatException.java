package org.jmamba.tokenizer;

import org.jmamba.JmambaException;

/**
 * Thrown when tokenizer metadata is missing, has the wrong type or is inconsistent (for example
 * {@code tokenizer.ggml.scores} shorter than {@code tokenizer.ggml.tokens}). The message names the offending key.
 */
public final class TokenizerFormatException extends JmambaException {
    private static final long serialVersionUID = 1L;

    private final String key;

    public TokenizerFormatException(String key, String message) {
        super(key == null ? message : key + ": " + message);
        this.key = key;
    }

    public TokenizerFormatException(String key, String message, Throwable cause) {
        super(key == null ? message : key + ": " + message, cause);
        this.key = key;
    }

    /** The metadata key the problem was found in, or {@code null} when it concerns no single key. */
    public String key() {
        return key;
    }
}
