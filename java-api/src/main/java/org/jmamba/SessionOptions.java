package org.jmamba;

/**
 * How a {@link Session} keeps checkpoints: copies of its state at chosen positions, from which
 * {@link Session#rewind} and {@link Session#evalSequence} restart instead of re-reading the whole
 * history.
 *
 * <p>A session takes a checkpoint at every multiple of {@code checkpointSpacing} tokens that an
 * eval or feed call reaches (a long call is evaluated in pieces split there, each piece still one
 * batch), and at every {@link Session#checkpoint()}. Each checkpoint holds the state and the
 * next token's logits ({@link Model#stateBytes()} + 4 × n_vocab bytes). When the next one would
 * pass {@code checkpointBudgetBytes}, an older one is dropped so that the ones kept are spaced
 * about logarithmically back from the newest: dense near the end of the history, sparse near its
 * start. Automatic checkpoints are dropped before explicit ones.
 *
 * @param checkpointBudgetBytes bytes the checkpoints may hold; 0 (the default) keeps none, and
 *     rewinding then re-evaluates the history from its start
 * @param checkpointSpacing tokens between automatic checkpoints (default {@value #DEFAULT_SPACING})
 */
public record SessionOptions(long checkpointBudgetBytes, int checkpointSpacing) {
    public static final int DEFAULT_SPACING = 256;

    public SessionOptions {
        if (checkpointBudgetBytes < 0) {
            throw new IllegalArgumentException("checkpoint budget " + checkpointBudgetBytes + " must be >= 0 bytes");
        }
        if (checkpointSpacing < 1) {
            throw new IllegalArgumentException("checkpoint spacing " + checkpointSpacing + " must be >= 1 token");
        }
    }

    /** No checkpoints; spacing {@value #DEFAULT_SPACING}. */
    public static SessionOptions defaults() {
        return new SessionOptions(0, DEFAULT_SPACING);
    }

    public SessionOptions withCheckpointBudget(long bytes) {
        return new SessionOptions(bytes, checkpointSpacing);
    }

    /** A budget of {@code n} checkpoints of {@code model}'s state and logits. */
    public SessionOptions withCheckpoints(Model model, int n) {
        if (n < 0) throw new IllegalArgumentException("checkpoint count " + n + " must be >= 0");
        return withCheckpointBudget(n * Checkpoints.bytesPerCheckpoint(model.params()));
    }

    public SessionOptions withCheckpointSpacing(int tokens) {
        return new SessionOptions(checkpointBudgetBytes, tokens);
    }
}
