package org.jmamba;

/** The native library reported a failure; the message is the library's own, after what was being done. */
public class NativeException extends JmambaException {
    public NativeException(String message) {
        super(message);
    }
}
