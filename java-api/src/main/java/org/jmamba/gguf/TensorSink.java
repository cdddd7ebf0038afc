package org.jmamba.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Receives one tensor's data in chunks (for example a quantizer writing row by row), from
 * {@link GgufWriter#beginTensor}. Write exactly the tensor's byte size, then {@link #finish()} or
 * {@link #close()} it; a tensor left short makes the next tensor and {@link GgufWriter#commit()}
 * fail. Not thread-safe, like the writer.
 */
public final class TensorSink implements AutoCloseable {
    private final GgufWriter writer;
    private final String name;
    private final long byteSize;
    private long written;
    private boolean closed;

    TensorSink(GgufWriter writer, String name, long byteSize) {
        this.writer = writer;
        this.name = name;
        this.byteSize = byteSize;
    }

    /**
     * Appends {@code chunk} to the tensor's data.
     *
     * @throws IllegalArgumentException when the chunk would take the tensor past its byte size
     *     (nothing is written then)
     * @throws IOException when writing fails; the writer is then unusable
     */
    public void write(MemorySegment chunk) throws IOException {
        if (closed) {
            throw new IllegalStateException("tensor '" + name + "': sink is closed");
        }
        if (chunk.byteSize() > byteSize - written) {
            throw new IllegalArgumentException("tensor '" + name + "': a chunk of " + chunk.byteSize()
                    + " bytes after " + written + " would pass its size of " + byteSize + " bytes");
        }
        writer.writeData(chunk);
        written += chunk.byteSize();
    }

    public String name() {
        return name;
    }

    /** The tensor's size in bytes. */
    public long byteSize() {
        return byteSize;
    }

    public long written() {
        return written;
    }

    public long remaining() {
        return byteSize - written;
    }

    /**
     * Ends this tensor's data, checking it is complete.
     *
     * @throws IllegalStateException when fewer than {@link #byteSize()} bytes were written (the
     *     sink stays open then)
     */
    public void finish() {
        if (!closed && written != byteSize) {
            throw new IllegalStateException("tensor '" + name + "': only " + written + " of its " + byteSize
                    + " bytes were written");
        }
        close();
    }

    /**
     * Ends this tensor's data without checking (for try-with-resources); a short tensor makes the
     * next tensor and {@link GgufWriter#commit()} fail.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            writer.sinkClosed();
        }
    }
}
