package org.jmamba;

/**
 * The file a model was loaded from shrank while the model was open (for example, another file
 * was copied over it): its weights are no longer all there, and evaluating would read pages that
 * no longer exist. Close the model and load the file again; load with
 * {@link Model.Options#withCopiedWeights} to be immune to changes of the file.
 */
public class ModelFileChangedException extends JmambaException {
    public ModelFileChangedException(String message) {
        super(message);
    }
}
