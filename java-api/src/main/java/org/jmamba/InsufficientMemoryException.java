package org.jmamba;

/**
 * Memory for a model or session is not available: what a session would need exceeds
 * {@link Model.Options#maxSessionBytes()} (checked before anything is allocated), or the native
 * library or the operating system could not allocate it. The message says how many bytes were
 * asked for, and for what.
 */
public class InsufficientMemoryException extends JmambaException {
    public InsufficientMemoryException(String message) {
        super(message);
    }

    public InsufficientMemoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
