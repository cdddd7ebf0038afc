package org.jmamba;

/** A tensor the model needs is not in the file. */
public class MissingTensorException extends UnsupportedModelException {
    public MissingTensorException(String message) {
        super(message);
    }
}
