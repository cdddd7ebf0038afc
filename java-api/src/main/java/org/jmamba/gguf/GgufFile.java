package org.jmamba.gguf;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A GGUF file (version 2 or 3), memory-mapped once and checked completely when opened: after
 * {@link #open} succeeded, every metadata value is parsed and every tensor's data lies inside the
 * file, so nothing read later can fail on a malformed file.
 *
 * <p>Tensor data is never copied: {@link #tensorData} returns read-only slices of the mapping,
 * which stay valid until {@link #close()} unmaps the file. Closing is idempotent; using a slice
 * after it throws {@link IllegalStateException}.
 *
 * <p>Rules beyond the byte layout, as ggml applies them: keys are non-empty and unique; strings
 * are valid UTF-8; bools are 0 or 1; {@code general.alignment}, when present, is a UINT32 power
 * of two; tensor names are unique and at most 63 bytes; tensors have 1 to 4 dimensions, each 0 or
 * more, dimension 0 a multiple of the type's block size; tensor data offsets are multiples of the
 * alignment. Where ggml also requires the tensors to follow each other in file order with only
 * alignment padding between them, this reader only requires that their data lies inside the file
 * and that no two overlap. Arrays may nest up to {@link GgufValue#MAX_ARRAY_DEPTH} deep.
 *
 * <p>The typed getters ({@link #getInt}, {@link #getStringArray}, ...) throw
 * {@link GgufFormatException} for a missing key (pointing at the start of the metadata section)
 * or a value they cannot convert (pointing at the value's type field), naming the key, the type
 * expected and the type found. Their variants with a default return it only for a missing key.
 *
 * <p>An open GgufFile is immutable and may be shared between threads.
 */
public final class GgufFile implements AutoCloseable {
    private final Path path;
    private final Arena arena; // null for an image the caller owns
    private final MemorySegment segment;
    private final GgufParser.Header header;
    private volatile boolean closed;

    private GgufFile(Path path, Arena arena, MemorySegment segment) {
        this.path = path;
        this.arena = arena;
        this.segment = segment;
        this.header = GgufParser.parse(path, segment);
    }

    /**
     * Maps {@code path} read-only into a shared arena this object owns, and checks it.
     *
     * @throws GgufFormatException when the file breaks the format
     * @throws IOException when it cannot be read
     */
    public static GgufFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment mapping = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), arena);
            return new GgufFile(path, arena, mapping);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Reads {@code path} whole into memory this object owns (no mapping), and checks it: the
     * result does not depend on the file any more, so it may be changed, truncated or deleted.
     *
     * @throws GgufFormatException when the file breaks the format
     * @throws IOException when it cannot be read, or it changed size while being read
     */
    public static GgufFile read(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = channel.size();
            MemorySegment image = arena.allocate(Math.max(1, size), 64).asSlice(0, size);
            for (long done = 0; done < size; ) {
                java.nio.ByteBuffer chunk = image.asSlice(done, Math.min(size - done, 1 << 30)).asByteBuffer();
                while (chunk.hasRemaining()) {
                    if (channel.read(chunk, done + chunk.position()) < 0) {
                        throw new IOException(path + ": the file shrank below " + size + " bytes while being read");
                    }
                }
                done += chunk.capacity();
            }
            return new GgufFile(path, arena, image.asReadOnly());
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /** Parses an image in memory that the caller keeps alive; {@code name} names it in messages. */
    static GgufFile ofImage(Path name, MemorySegment image) {
        return new GgufFile(name, null, image.asReadOnly());
    }

    public Path path() {
        return path;
    }

    /** The format version: 2 or 3. */
    public int version() {
        return header.version();
    }

    /** Alignment of the data section and of every tensor's data, in bytes. */
    public long alignment() {
        return header.alignment();
    }

    /** Where the data section starts in the file. */
    public long dataOffset() {
        return header.dataOffset();
    }

    public long fileSize() {
        return segment.byteSize();
    }

    /** All metadata, in file order (unmodifiable). */
    public Map<String, GgufValue> metadata() {
        return header.metadata();
    }

    public Optional<GgufValue> get(String key) {
        return Optional.ofNullable(header.metadata().get(key));
    }

    /** Converts one value; ClassCastException and ArithmeticException mean the value does not fit. */
    @FunctionalInterface
    private interface Conversion<T> {
        T apply(GgufValue v);
    }

    private <T> T typed(String key, String expected, Conversion<T> conversion) {
        GgufValue v = header.metadata().get(key);
        if (v == null) {
            throw new GgufFormatException(path, GgufParser.METADATA_START,
                    "key '" + key + "' is missing (expected " + expected + ")");
        }
        return convert(key, expected, v, conversion);
    }

    private <T> T typed(String key, String expected, T dflt, Conversion<T> conversion) {
        GgufValue v = header.metadata().get(key);
        return v == null ? dflt : convert(key, expected, v, conversion);
    }

    private <T> T convert(String key, String expected, GgufValue v, Conversion<T> conversion) {
        try {
            return conversion.apply(v);
        } catch (ClassCastException | ArithmeticException e) {
            String found = v instanceof GgufValue.Array a ? "ARRAY of " + a.elementType() : v.type().toString();
            throw new GgufFormatException(path, header.valueOffsets().get(key),
                    "key '" + key + "': expected " + expected + ", found " + found + " (" + e.getMessage() + ")");
        }
    }

    private static final String INTEGER = "an integer";
    private static final String NUMBER = "a number";

    /** A STRING value. */
    public String getString(String key) {
        return typed(key, "STRING", GgufValue::asString);
    }

    public String getString(String key, String dflt) {
        return typed(key, "STRING", dflt, GgufValue::asString);
    }

    /** An integer value of any width that fits in a long. */
    public long getLong(String key) {
        return typed(key, INTEGER, GgufValue::asLong);
    }

    public long getLong(String key, long dflt) {
        return typed(key, INTEGER, dflt, GgufValue::asLong);
    }

    /** An integer value of any width that fits in an int. */
    public int getInt(String key) {
        return typed(key, INTEGER, GgufValue::asInt);
    }

    public int getInt(String key, int dflt) {
        return typed(key, INTEGER, dflt, GgufValue::asInt);
    }

    /** Any number, as float. */
    public float getFloat(String key) {
        return typed(key, NUMBER, GgufValue::asFloat);
    }

    public float getFloat(String key, float dflt) {
        return typed(key, NUMBER, dflt, GgufValue::asFloat);
    }

    /** Any number, as double. */
    public double getDouble(String key) {
        return typed(key, NUMBER, GgufValue::asDouble);
    }

    public double getDouble(String key, double dflt) {
        return typed(key, NUMBER, dflt, GgufValue::asDouble);
    }

    /** A BOOL value. */
    public boolean getBoolean(String key) {
        return typed(key, "BOOL", GgufValue::asBoolean);
    }

    public boolean getBoolean(String key, boolean dflt) {
        return typed(key, "BOOL", dflt, GgufValue::asBoolean);
    }

    /** An ARRAY of any element type. */
    public GgufValue.Array getArray(String key) {
        return typed(key, "ARRAY", GgufValue::asArray);
    }

    /** An ARRAY of STRING. */
    public String[] getStringArray(String key) {
        return typed(key, "ARRAY of STRING", v -> v.asArray().asStringArray());
    }

    /** An ARRAY of any number type, as floats. */
    public float[] getFloatArray(String key) {
        return typed(key, "ARRAY of numbers", v -> v.asArray().asFloatArray());
    }

    /** An ARRAY of any integer type whose elements fit in an int. */
    public int[] getIntArray(String key) {
        return typed(key, "ARRAY of integers", v -> v.asArray().asIntArray());
    }

    /** An ARRAY of any integer type whose elements fit in a long. */
    public long[] getLongArray(String key) {
        return typed(key, "ARRAY of integers", v -> v.asArray().asLongArray());
    }

    /** {@code general.architecture}, e.g. "mamba2". */
    public String architecture() {
        return getString("general.architecture");
    }

    /** All tensors, in file order. */
    public List<GgufTensorInfo> tensors() {
        return header.tensors();
    }

    public Optional<GgufTensorInfo> tensor(String name) {
        return Optional.ofNullable(header.tensorsByName().get(name));
    }

    /**
     * The bytes of tensor {@code t} (one of this file's tensors): a read-only slice of the mapping,
     * aligned to {@link #alignment()} within the file, valid until {@link #close()}.
     */
    public MemorySegment tensorData(GgufTensorInfo t) {
        checkOpen();
        if (!t.equals(header.tensorsByName().get(t.name()))) {
            throw new IllegalArgumentException(path + ": " + t + " is not a tensor of this file");
        }
        return segment.asSlice(header.dataOffset() + t.offset(), t.byteSize());
    }

    /** The whole file, read-only, valid until {@link #close()}. */
    public MemorySegment segment() {
        checkOpen();
        return segment;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** Unmaps the file. Slices handed out before become unusable. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (arena != null) {
            arena.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(path + ": the GGUF file is closed");
        }
    }

    @Override
    public String toString() {
        return "GgufFile[" + path + ", v" + version() + ", " + header.metadata().size() + " keys, "
                + header.tensors().size() + " tensors]";
    }
}
