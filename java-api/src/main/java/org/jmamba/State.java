package org.jmamba;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * A saved sequence state: a copy of a session's conv and SSM state (off-heap, owned by this
 * object's arena) and its position. Restores only into sessions of a model with the same shape.
 */
public final class State implements AutoCloseable {
    private static final int MAGIC = 0x54534d4a; // "JMST" little-endian
    private static final int VERSION = 1;
    private static final int HEADER_BYTES = 64;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment data;
    private final Mamba2Params shape;
    private final long position;

    private State(Mamba2Params shape, long position, long bytes) {
        this.shape = shape;
        this.position = position;
        this.data = arena.allocate(bytes, 64);
    }

    static State copyOf(Model model, MemorySegment state, long position) {
        State s = new State(model.params(), position, state.byteSize());
        MemorySegment.copy(state, 0, s.data, 0, state.byteSize());
        return s;
    }

    MemorySegment segment() {
        return data;
    }

    public long position() {
        return position;
    }

    public long byteSize() {
        return data.byteSize();
    }

    void checkFits(Model model) {
        if (!sameShape(shape, model.params())) {
            throw new IllegalArgumentException("this state belongs to a model of another shape (" + shape
                    + "), not " + model.params());
        }
    }

    private static boolean sameShape(Mamba2Params a, Mamba2Params b) {
        return a.nLayer() == b.nLayer() && a.dInner() == b.dInner() && a.dState() == b.dState()
                && a.nHead() == b.nHead() && a.nGroup() == b.nGroup() && a.dConv() == b.dConv()
                && a.dModel() == b.dModel() && a.nVocab() == b.nVocab();
    }

    /** Writes the state to path through a temporary file renamed at the end. */
    public void save(Path path) throws IOException {
        Path dir = path.toAbsolutePath().getParent();
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            h.putInt(MAGIC).putInt(VERSION).putLong(position).putLong(data.byteSize());
            for (int v : shapeInts(shape)) h.putInt(v);
            h.clear();
            while (h.hasRemaining()) ch.write(h);
            ByteBuffer body = data.asByteBuffer();
            while (body.hasRemaining()) ch.write(body);
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
        try {
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Reads a state saved by {@link #save} for a model of the given shape.
     *
     * @throws StateFormatException when the file is not a jmamba state file, has another version,
     *     is truncated or of the wrong size, or was saved from a model of another shape
     * @throws IOException when the file cannot be read
     */
    public static State load(Path path, Model model) throws IOException {
        Objects.requireNonNull(model, "model");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (h.hasRemaining()) {
                if (ch.read(h) < 0) throw new StateFormatException(path, "truncated state header");
            }
            h.flip();
            if (h.getInt() != MAGIC) throw new StateFormatException(path, "not a jmamba state file");
            int version = h.getInt();
            if (version != VERSION) throw new StateFormatException(path, "state file version " + version + " is not supported");
            long position = h.getLong();
            long bytes = h.getLong();
            int[] saved = new int[8];
            for (int i = 0; i < saved.length; i++) saved[i] = h.getInt();
            if (!java.util.Arrays.equals(saved, shapeInts(model.params())) || bytes != model.stateBytes()) {
                throw new StateFormatException(path, "the state was saved from a model of another shape");
            }
            if (position < 0) throw new StateFormatException(path, "negative position " + position);
            if (ch.size() != HEADER_BYTES + bytes) {
                throw new StateFormatException(path, "size " + ch.size() + " does not match the state size " + (HEADER_BYTES + bytes));
            }
            State s = new State(model.params(), position, bytes);
            ByteBuffer body = s.data.asByteBuffer();
            while (body.hasRemaining()) {
                if (ch.read(body) < 0) {
                    s.close();
                    throw new StateFormatException(path, "truncated state data");
                }
            }
            return s;
        }
    }

    private static int[] shapeInts(Mamba2Params p) {
        return new int[] {p.nVocab(), p.dModel(), p.nLayer(), p.dInner(), p.dState(), p.nHead(), p.nGroup(), p.dConv()};
    }

    /** The state's floats, for inspection. */
    public float[] toFloatArray() {
        return data.toArray(ValueLayout.JAVA_FLOAT);
    }

    @Override
    public void close() {
        arena.close();
    }
}
