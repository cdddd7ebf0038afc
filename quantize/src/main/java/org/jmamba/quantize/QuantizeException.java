package org.jmamba.quantize;

import org.jmamba.JmambaException;

/** A quantize or convert job refused or failed; the message says why, in terms of the input. */
public class QuantizeException extends JmambaException {
    public QuantizeException(String message) {
        super(message);
    }

    public QuantizeException(String message, Throwable cause) {
        super(message, cause);
    }
}
