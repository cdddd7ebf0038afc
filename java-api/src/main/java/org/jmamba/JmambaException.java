package org.jmamba;

/**
 * The root of every exception jmamba throws for a problem it detects: a malformed GGUF file
 * ({@link org.jmamba.gguf.GgufFormatException}), bad tokenizer metadata
 * ({@link org.jmamba.tokenizer.TokenizerFormatException}), a model it cannot run
 * ({@link UnsupportedModelException}, {@link MissingTensorException}, {@link ShapeMismatchException}),
 * a bad saved state ({@link StateFormatException}), memory it cannot get
 * ({@link InsufficientMemoryException}), a model file that shrank under a loaded model
 * ({@link ModelFileChangedException}) or a failure the native library reports ({@link NativeException}). Unchecked; see the package documentation for the rule.
 */
public class JmambaException extends RuntimeException {
    public JmambaException(String message) {
        super(message);
    }

    public JmambaException(String message, Throwable cause) {
        super(message, cause);
    }
}
