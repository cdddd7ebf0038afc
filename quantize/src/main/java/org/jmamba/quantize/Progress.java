package org.jmamba.quantize;

/**
 * Progress of a quantize or convert run, reported tensor by tensor and in bytes of input processed.
 * Called from the thread that runs the job.
 */
public interface Progress {
    /** The job starts: {@code tensors} tensors, {@code totalBytes} bytes of input to process. */
    void start(String what, int tensors, long totalBytes);

    /** Tensor {@code index} (0-based) starts. */
    void tensor(int index, String name);

    /** {@code doneBytes} of the total are processed. */
    void advance(long doneBytes);

    /** The job ended, successfully or not. */
    void finish();

    /** Reports nothing. */
    Progress NONE = new Progress() {
        @Override public void start(String what, int tensors, long totalBytes) {}
        @Override public void tensor(int index, String name) {}
        @Override public void advance(long doneBytes) {}
        @Override public void finish() {}
    };
}
