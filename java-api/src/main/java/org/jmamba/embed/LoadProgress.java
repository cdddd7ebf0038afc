package org.jmamba.embed;

/**
 * How far a background model load has come: {@code bytesRead} of the file's {@code bytesTotal}
 * read so far in {@link Stage#READING}; then {@link Stage#PREPARING} (tensors checked and packed for
 * the kernels) and {@link Stage#DONE}.
 */
public record LoadProgress(Stage stage, long bytesRead, long bytesTotal) {
    /** The steps of a load, in order. */
    public enum Stage { READING, PREPARING, DONE }

    /** The fraction done, 0 to 1; reading counts for 90% of a load, preparing for the rest. */
    public double fraction() {
        return switch (stage) {
            case READING -> bytesTotal == 0 ? 0 : 0.9 * bytesRead / bytesTotal;
            case PREPARING -> 0.9;
            case DONE -> 1;
        };
    }
}
