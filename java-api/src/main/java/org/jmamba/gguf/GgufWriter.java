package org.jmamba.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * Writes a GGUF version 3 file, streaming: declare metadata and tensors first, then hand over each
 * tensor's data in declaration order (whole, or in chunks through a {@link TensorSink}), then
 * {@link #commit()}. Memory stays at one 1 MiB buffer however big the tensors are.
 *
 * <p>Everything goes to a temporary file next to the target; {@link #commit()} checks that every
 * tensor got all its bytes, forces the file to disk and renames it onto the target atomically.
 * {@link #close()} without a commit deletes the temporary file, leaving the target as it was.
 * After a failed write the writer only accepts {@link #close()}; its {@link IOException}s name the
 * target, not the temporary file.
 *
 * <p>The temporary file is {@code .<target name>.<pid>-<random>.tmp}. A JVM that ends without
 * closing the writer (SIGTERM, Ctrl-C, {@code System.exit}) deletes it from a shutdown hook; one
 * killed outright ({@code kill -9}, a crash) cannot, so {@link #create} first deletes the temporary
 * files of the same target whose process is no longer running.
 *
 * <p>Layout as ggml writes it: tensor data follows in declaration order, each tensor at the next
 * multiple of the alignment (default 32, written as {@code general.alignment} when another), with
 * zero padding; a file without tensors ends right after its header.
 *
 * <p>A writer is used by one thread at a time.
 */
public final class GgufWriter implements AutoCloseable {
    static final int BUFFER_BYTES = 1 << 20;

    /** Creates and opens the temporary file (with CREATE_NEW). */
    @FunctionalInterface
    interface ChannelOpener {
        FileChannel open(Path temp) throws IOException;
    }

    private final Path target;
    private final Path temp;
    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    private final MemorySegment bufferSegment = MemorySegment.ofBuffer(buffer);

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<GgufTensorInfo> tensors = new ArrayList<>(); // offsets 0 until the header is written
    private final Map<String, Integer> tensorIndex = new HashMap<>();
    private long alignment = GgufParser.DEFAULT_ALIGNMENT;

    private boolean headerWritten;
    private long[] offsets;   // data offset of each tensor, fixed with the header
    private long dataStart;   // file offset of the data section
    private long position;    // bytes emitted so far, written or buffered
    private int current = -1; // the tensor being written or written last
    private long currentWritten;
    private boolean sinkOpen;
    private Throwable failure;
    private boolean finished; // committed or closed

    private GgufWriter(Path target, Path temp, FileChannel channel) {
        this.target = target;
        this.temp = temp;
        this.channel = channel;
    }

    /** Starts a file that will appear at {@code target} on {@link #commit()}. */
    public static GgufWriter create(Path target) throws IOException {
        return create(target, temp -> FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }

    static GgufWriter create(Path target, ChannelOpener opener) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path folder = absolute.getParent();
        String prefix = "." + absolute.getFileName() + ".";
        removeStaleTemps(folder, prefix);
        for (int attempt = 0; attempt < 100; attempt++) {
            String name = prefix + ProcessHandle.current().pid() + "-"
                    + Long.toHexString(ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX;
            Path temp = folder.resolve(name);
            LIVE_TEMPS.add(temp);
            try {
                return new GgufWriter(target, temp, opener.open(temp));
            } catch (FileAlreadyExistsException e) {
                LIVE_TEMPS.remove(temp); // another name
            } catch (IOException | RuntimeException | Error e) {
                LIVE_TEMPS.remove(temp);
                throw e;
            }
        }
        throw new IOException("could not create a temporary file next to " + target);
    }

    private static final String TEMP_SUFFIX = ".tmp";

    /** The temporary files of writers not yet committed or closed, deleted by a shutdown hook. */
    private static final Set<Path> LIVE_TEMPS = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (Path p : LIVE_TEMPS) {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // the JVM is ending: nothing else to do
                }
            }
        }, "jmamba-gguf-temp-cleanup"));
    }

    /** Deletes {@code <prefix><pid>-<hex>.tmp} files in folder whose process no longer runs (a kill -9 left them). */
    private static void removeStaleTemps(Path folder, String prefix) {
        try (Stream<Path> files = Files.list(folder)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (!n.startsWith(prefix) || !n.endsWith(TEMP_SUFFIX)) continue;
                String middle = n.substring(prefix.length(), n.length() - TEMP_SUFFIX.length());
                int dash = middle.indexOf('-');
                if (dash <= 0) continue;
                long pid;
                try {
                    pid = Long.parseLong(middle.substring(0, dash));
                    Long.parseUnsignedLong(middle.substring(dash + 1), 16);
                } catch (NumberFormatException e) {
                    continue; // not one of ours
                }
                if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) continue;
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            // a folder that cannot be listed or a file that cannot be deleted: opening the temp will say so
        }
    }

    /** The temporary file data goes to until {@link #commit()}. */
    Path tempFile() {
        return temp;
    }

    /**
     * Sets the alignment of the data section and of each tensor's data: a power of two, default
     * 32. Other values are also written as {@code general.alignment}.
     */
    public GgufWriter alignment(int a) {
        checkDeclaring();
        if (a <= 0 || (a & (a - 1)) != 0) {
            throw new IllegalArgumentException("alignment " + a + " is not a power of two");
        }
        alignment = a;
        if (metadata.containsKey(GgufParser.ALIGNMENT_KEY)) {
            metadata.put(GgufParser.ALIGNMENT_KEY, new GgufValue.UInt32(a)); // keeps its place
        }
        return this;
    }

    /**
     * Adds a metadata pair; pairs are written in the order added. The key must be non-empty and
     * new. {@code general.alignment} must be a UINT32 power of two, and sets the alignment.
     */
    public GgufWriter put(String key, GgufValue value) {
        checkDeclaring();
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(value, "value");
        if (key.isEmpty()) {
            throw new IllegalArgumentException("empty metadata key");
        }
        Utf8.requireWellFormed(key, "key");
        if (metadata.containsKey(key)) {
            throw new IllegalArgumentException("duplicate metadata key '" + key + "'");
        }
        if (value instanceof GgufValue.Array a && a.depth() > GgufValue.MAX_ARRAY_DEPTH) {
            throw new IllegalArgumentException("key '" + key + "': arrays nested " + a.depth() + " deep, more than "
                    + GgufValue.MAX_ARRAY_DEPTH);
        }
        if (key.equals(GgufParser.ALIGNMENT_KEY)) {
            if (!(value instanceof GgufValue.UInt32(long a)) || a == 0 || (a & (a - 1)) != 0) {
                throw new IllegalArgumentException("'" + key + "' must be a UINT32 power of two, not " + value);
            }
            alignment = a;
        }
        metadata.put(key, value);
        return this;
    }

    public GgufWriter putString(String key, String value) {
        return put(key, new GgufValue.Str(value));
    }

    public GgufWriter putU8(String key, int value) {
        return put(key, new GgufValue.UInt8(value));
    }

    public GgufWriter putI8(String key, byte value) {
        return put(key, new GgufValue.Int8(value));
    }

    public GgufWriter putU16(String key, int value) {
        return put(key, new GgufValue.UInt16(value));
    }

    public GgufWriter putI16(String key, short value) {
        return put(key, new GgufValue.Int16(value));
    }

    /** A UINT32: {@code value} in 0..2^32-1. */
    public GgufWriter putU32(String key, long value) {
        return put(key, new GgufValue.UInt32(value));
    }

    public GgufWriter putI32(String key, int value) {
        return put(key, new GgufValue.Int32(value));
    }

    /** A UINT64 whose 64 bits are {@code value}'s. */
    public GgufWriter putU64(String key, long value) {
        return put(key, new GgufValue.UInt64(value));
    }

    public GgufWriter putI64(String key, long value) {
        return put(key, new GgufValue.Int64(value));
    }

    public GgufWriter putF32(String key, float value) {
        return put(key, new GgufValue.Float32(value));
    }

    public GgufWriter putF64(String key, double value) {
        return put(key, new GgufValue.Float64(value));
    }

    public GgufWriter putBool(String key, boolean value) {
        return put(key, new GgufValue.Bool(value));
    }

    /** An ARRAY of STRING. */
    public GgufWriter putStringArray(String key, List<String> values) {
        return put(key, GgufValue.Array.ofStrings(values));
    }

    /** An ARRAY of FLOAT32. */
    public GgufWriter putFloatArray(String key, float[] values) {
        return put(key, GgufValue.Array.ofFloats(values));
    }

    /** An ARRAY of INT32. */
    public GgufWriter putIntArray(String key, int[] values) {
        return put(key, GgufValue.Array.ofInts(values));
    }

    /** An ARRAY of INT64. */
    public GgufWriter putLongArray(String key, long[] values) {
        return put(key, GgufValue.Array.ofLongs(values));
    }

    /**
     * Declares a tensor (shape in ggml order, dimension 0 contiguous). Declare every tensor before
     * writing any data; data then goes in declaration order.
     */
    public GgufWriter addTensor(String name, GgmlType type, long... shape) {
        checkDeclaring();
        GgufTensorInfo t = new GgufTensorInfo(name, type, shape, 0); // checks name and shape
        if (tensorIndex.containsKey(name)) {
            throw new IllegalArgumentException("duplicate tensor name '" + name + "'");
        }
        tensorIndex.put(name, tensors.size());
        tensors.add(t);
        return this;
    }

    /** Writes the whole data of the next tensor, {@code name}: exactly its byte size. */
    public void writeTensor(String name, MemorySegment data) throws IOException {
        checkUsable();
        GgufTensorInfo t = declared(name);
        if (data.byteSize() != t.byteSize()) {
            throw new IllegalArgumentException("tensor '" + name + "' takes " + t.byteSize() + " bytes, not "
                    + data.byteSize());
        }
        try (TensorSink sink = beginTensor(name)) {
            sink.write(data);
        }
    }

    /** Starts the data of the next tensor, {@code name}, to be written in chunks. */
    public TensorSink beginTensor(String name) throws IOException {
        checkUsable();
        if (sinkOpen) {
            throw new IllegalStateException("tensor '" + tensors.get(current).name() + "' is still open: close its sink first");
        }
        declared(name);
        int index = tensorIndex.get(name);
        checkCurrentComplete();
        if (index != current + 1) {
            throw new IllegalStateException(index <= current
                    ? "tensor '" + name + "' was already written"
                    : "tensors are written in declaration order: next is '" + tensors.get(current + 1).name()
                            + "', not '" + name + "'");
        }
        writeHeaderOnce();
        guard(() -> putZeros(dataStart + offsets[index] - position));
        current = index;
        currentWritten = 0;
        sinkOpen = true;
        return new TensorSink(this, name, tensors.get(index).byteSize());
    }

    /**
     * Finishes the file: checks every tensor got all its bytes, pads, forces it to disk and renames
     * it onto the target atomically, replacing any file there.
     */
    public void commit() throws IOException {
        checkUsable();
        if (sinkOpen) {
            throw new IllegalStateException("tensor '" + tensors.get(current).name() + "' is still open: close its sink first");
        }
        checkCurrentComplete();
        if (current + 1 < tensors.size()) {
            throw new IllegalStateException("tensor '" + tensors.get(current + 1).name() + "' was never written");
        }
        writeHeaderOnce();
        guard(() -> {
            if (!tensors.isEmpty()) {
                putZeros(alignUp(position) - position);
            }
            flush();
            channel.force(true);
            channel.close();
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        });
        LIVE_TEMPS.remove(temp);
        finished = true;
    }

    /** Without a commit, deletes the temporary file; the target stays as it was. Idempotent. */
    @Override
    public void close() {
        if (finished) {
            return;
        }
        finished = true;
        IOException problem = null;
        try {
            channel.close();
        } catch (IOException e) {
            problem = e;
        }
        try {
            Files.deleteIfExists(temp);
            LIVE_TEMPS.remove(temp);
        } catch (IOException e) {
            if (problem == null) {
                problem = e;
            } else {
                problem.addSuppressed(e);
            }
        }
        if (problem != null) {
            throw new UncheckedIOException("could not remove the temporary file " + temp, problem);
        }
    }

    // ---- called by TensorSink ---------------------------------------------------------------

    void writeData(MemorySegment chunk) throws IOException {
        checkUsable();
        guard(() -> {
            long size = chunk.byteSize();
            for (long done = 0; done < size; ) {
                if (!buffer.hasRemaining()) {
                    flush();
                }
                int n = (int) Math.min(buffer.remaining(), size - done);
                MemorySegment.copy(chunk, done, bufferSegment, buffer.position(), n);
                buffer.position(buffer.position() + n);
                done += n;
            }
            position += size;
        });
        currentWritten += chunk.byteSize();
    }

    void sinkClosed() {
        sinkOpen = false;
    }

    // ---- header ------------------------------------------------------------------------------

    private void writeHeaderOnce() throws IOException {
        if (headerWritten) {
            return;
        }
        long[] at = new long[tensors.size()];
        long end = 0;
        try {
            for (int i = 0; i < at.length; i++) {
                at[i] = end;
                end = alignUp(Math.addExact(end, tensors.get(i).byteSize()));
            }
        } catch (ArithmeticException e) {
            throw new IllegalStateException("the tensors' data would take more than 2^63 bytes");
        }
        if (alignment != GgufParser.DEFAULT_ALIGNMENT && !metadata.containsKey(GgufParser.ALIGNMENT_KEY)) {
            metadata.put(GgufParser.ALIGNMENT_KEY, new GgufValue.UInt32(alignment));
        }
        offsets = at;
        headerWritten = true;
        guard(() -> {
            putU32(GgufParser.MAGIC);
            putU32(3);
            putU64(tensors.size());
            putU64(metadata.size());
            for (Map.Entry<String, GgufValue> kv : metadata.entrySet()) {
                putString(kv.getKey());
                putU32(kv.getValue().type().id());
                putValue(kv.getValue());
            }
            for (int i = 0; i < tensors.size(); i++) {
                GgufTensorInfo t = tensors.get(i);
                putString(t.name());
                putU32(t.nDims());
                for (int d = 0; d < t.nDims(); d++) {
                    putU64(t.dim(d));
                }
                putU32(t.type().id());
                putU64(offsets[i]);
            }
            if (!tensors.isEmpty()) {
                putZeros(alignUp(position) - position);
            }
            dataStart = position;
        });
    }

    private void putValue(GgufValue value) throws IOException {
        switch (value) {
            case GgufValue.UInt8 v -> putU8(v.value());
            case GgufValue.Int8 v -> putU8(v.value());
            case GgufValue.UInt16 v -> putU16(v.value());
            case GgufValue.Int16 v -> putU16(v.value());
            case GgufValue.UInt32 v -> putU32((int) v.value());
            case GgufValue.Int32 v -> putU32(v.value());
            case GgufValue.Float32 v -> putU32(Float.floatToRawIntBits(v.value()));
            case GgufValue.Bool v -> putU8(v.value() ? 1 : 0);
            case GgufValue.Str v -> putString(v.value());
            case GgufValue.UInt64 v -> putU64(v.value());
            case GgufValue.Int64 v -> putU64(v.value());
            case GgufValue.Float64 v -> putU64(Double.doubleToRawLongBits(v.value()));
            case GgufValue.Array a -> {
                putU32(a.elementType().id());
                putU64(a.size());
                for (GgufValue e : a.values()) {
                    putValue(e);
                }
            }
        }
    }

    // ---- buffered output ---------------------------------------------------------------------

    private void putU8(int v) throws IOException {
        room(1);
        buffer.put((byte) v);
        position += 1;
    }

    private void putU16(int v) throws IOException {
        room(2);
        buffer.putShort((short) v);
        position += 2;
    }

    private void putU32(int v) throws IOException {
        room(4);
        buffer.putInt(v);
        position += 4;
    }

    private void putU64(long v) throws IOException {
        room(8);
        buffer.putLong(v);
        position += 8;
    }

    private void putString(String s) throws IOException {
        byte[] bytes = s.getBytes(StandardCharsets.UTF_8); // well-formed: checked when added
        putU64(bytes.length);
        for (int done = 0; done < bytes.length; ) {
            room(1);
            int n = Math.min(buffer.remaining(), bytes.length - done);
            buffer.put(bytes, done, n);
            done += n;
        }
        position += bytes.length;
    }

    private void putZeros(long n) throws IOException {
        for (long i = 0; i < n; i++) {
            putU8(0);
        }
    }

    private void room(int n) throws IOException {
        if (buffer.remaining() < n) {
            flush();
        }
    }

    private void flush() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    // ---- state -------------------------------------------------------------------------------

    @FunctionalInterface
    private interface Io {
        void run() throws IOException;
    }

    /**
     * Runs an I/O step; any failure makes the writer unusable except for close(). An I/O failure is
     * reported against the target (the temporary file's name means nothing to the user).
     */
    private void guard(Io step) throws IOException {
        try {
            step.run();
        } catch (IOException e) {
            String why = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason()
                    : e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
            IOException named = new IOException("writing " + target + ": " + why, e);
            if (failure == null) {
                failure = named;
            }
            throw named;
        } catch (Throwable t) {
            if (failure == null) {
                failure = t;
            }
            throw t;
        }
    }

    private long alignUp(long n) {
        return Math.addExact(n, alignment - 1) / alignment * alignment;
    }

    private GgufTensorInfo declared(String name) {
        Integer i = tensorIndex.get(name);
        if (i == null) {
            throw new IllegalArgumentException("no tensor named '" + name + "' was declared");
        }
        return tensors.get(i);
    }

    private void checkCurrentComplete() {
        if (current >= 0 && currentWritten != tensors.get(current).byteSize()) {
            GgufTensorInfo t = tensors.get(current);
            throw new IllegalStateException("tensor '" + t.name() + "' got " + currentWritten + " of its "
                    + t.byteSize() + " bytes");
        }
    }

    private void checkUsable() {
        if (finished) {
            throw new IllegalStateException("the writer for " + target + " is committed or closed");
        }
        if (failure != null) {
            throw new IllegalStateException("an earlier write to " + target + " failed; close the writer", failure);
        }
    }

    private void checkDeclaring() {
        checkUsable();
        if (headerWritten) {
            throw new IllegalStateException("metadata and tensors must be declared before any tensor data is written");
        }
    }
}
