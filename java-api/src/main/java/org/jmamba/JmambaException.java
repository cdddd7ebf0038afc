package org.jmamba;

/** A failure reported by the native library or a check in front of it; the message names the cause. */
public class JmambaException extends RuntimeException {
    public JmambaException(String message) {
        super(message);
    }

    public JmambaException(String message, Throwable cause) {
        super(message, cause);
    }
}
