package org.jmamba;

import java.nio.file.Path;

/**
 * A state saved from one model was given to another: a model of another shape, or of the same
 * shape with other weights. Such a state would load and silently produce garbage, so it is
 * refused; the message names both models' fingerprints.
 */
public final class StateModelMismatchException extends StateFormatException {
    private final transient ModelFingerprint saved;
    private final transient ModelFingerprint model;

    public StateModelMismatchException(Path file, ModelFingerprint saved, ModelFingerprint model) {
        super(file, describe(saved, model));
        this.saved = saved;
        this.model = model;
    }

    private static String describe(ModelFingerprint saved, ModelFingerprint model) {
        String what = saved.shapeDigest().equals(model.shapeDigest())
                ? "a model of the same shape with other weights" : "a model of another shape";
        return "the state was saved from " + what + ": saved from " + saved + ", this model is " + model;
    }

    /** The fingerprint stored with the state. */
    public ModelFingerprint savedFrom() {
        return saved;
    }

    /** The fingerprint of the model it was given to. */
    public ModelFingerprint model() {
        return model;
    }
}
