package org.jmamba;

/** A tensor's shape disagrees with the model's hyper-parameters. */
public class ShapeMismatchException extends UnsupportedModelException {
    public ShapeMismatchException(String message) {
        super(message);
    }
}
