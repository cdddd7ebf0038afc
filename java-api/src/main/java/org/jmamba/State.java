package org.jmamba;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.CRC32C;

/**
 * A saved sequence state: a copy of a session's conv and SSM state (off-heap, owned by this
 * object's arena), its position, and — when the session knew them — the token ids that led to it
 * and the logits for the next token. A state is bound to the model it came from: it restores
 * only into sessions of that model, or of another load of the same weights (same
 * {@link ModelFingerprint}).
 *
 * <p>{@link #save} writes the file format described in {@code docs/state-format.md} (version
 * {@value #FORMAT_VERSION}): a 256-byte header with the model's fingerprint and a CRC-32C of the
 * header and of the body, then the token ids, the logits and the state. {@link #load} refuses,
 * with a {@link StateFormatException} naming the file and the problem, a file that is not a state
 * file, has another format version, is truncated, fails a checksum, or (a
 * {@link StateModelMismatchException}) was saved from another model.
 */
public final class State implements AutoCloseable {
    /** The format version {@link #save} writes and {@link #load} reads. */
    public static final int FORMAT_VERSION = 2;
    /** The largest position a state file may hold (2^48 tokens: far beyond any real sequence). */
    public static final long MAX_POSITION = 1L << 48;

    static final int MAGIC = 0x54534d4a; // "JMST" little-endian
    static final int HEADER_BYTES = 256;
    static final int FLAG_TOKENS = 1, FLAG_LOGITS = 2;
    private static final int NAME_OFFSET = 148, NAME_BYTES = 100, BODY_CRC_OFFSET = 248, HEADER_CRC_OFFSET = 252;
    private static final int IO_CHUNK = 1 << 24;

    private final Arena arena = Arena.ofShared();
    private final MemorySegment data;
    private final Mamba2Params shape;
    private final Model origin; // the model instance a snapshot came from; null when loaded from a file
    private final ModelFingerprint fingerprint;
    private final long position;
    private final int[] tokens; // null when unknown
    private final float[] logits; // null when unknown

    private State(Mamba2Params shape, Model origin, ModelFingerprint fingerprint, long position, long bytes,
                  int[] tokens, float[] logits) {
        this.shape = shape;
        this.origin = origin;
        this.fingerprint = fingerprint;
        this.position = position;
        this.tokens = tokens;
        this.logits = logits;
        this.data = arena.allocate(bytes, 64);
    }

    /** A copy of a session's state; tokens (the position's token ids) and logits may be null. */
    static State copyOf(Model model, MemorySegment state, long position, int[] tokens, float[] logits) {
        if (tokens != null && tokens.length != position) throw new IllegalArgumentException("tokens do not match the position");
        // the fingerprint now (computed once per model), so that the state still saves after the model is closed
        State s = new State(model.params(), model, model.fingerprint(), position, state.byteSize(), tokens, logits);
        MemorySegment.copy(state, 0, s.data, 0, state.byteSize());
        return s;
    }

    /** A copy this object does not share. */
    State copy() {
        State s = new State(shape, origin, fingerprint, position, data.byteSize(), tokens, logits);
        MemorySegment.copy(data, 0, s.data, 0, data.byteSize());
        return s;
    }

    /**
     * A copy without the token ids (e.g. to save a state without the text that led to it); a
     * session restored from it knows no history before its position.
     */
    public State withoutTokens() {
        State s = new State(shape, origin, fingerprint, position, data.byteSize(), null, logits);
        MemorySegment.copy(data, 0, s.data, 0, data.byteSize());
        return s;
    }

    MemorySegment segment() {
        return data;
    }

    /** Tokens evaluated to reach this state. */
    public long position() {
        return position;
    }

    /** Bytes of the conv and SSM state. */
    public long byteSize() {
        return data.byteSize();
    }

    /** The token ids that led to this state (all {@link #position()} of them), when they are known. */
    public Optional<int[]> tokens() {
        return tokens == null ? Optional.empty() : Optional.of(tokens.clone());
    }

    int[] tokensOrNull() {
        return tokens;
    }

    /** The next token's logits, when the state was taken right after they were computed. */
    public Optional<float[]> logits() {
        return logits == null ? Optional.empty() : Optional.of(logits.clone());
    }

    float[] logitsOrNull() {
        return logits;
    }

    /** Bytes this object holds: state, token ids and logits. */
    public long memoryBytes() {
        return data.byteSize() + (tokens == null ? 0 : 4L * tokens.length) + (logits == null ? 0 : 4L * logits.length);
    }

    /** The fingerprint of the model this state belongs to. */
    public ModelFingerprint fingerprint() {
        return fingerprint;
    }

    /** Whether this state may be restored into a session of {@code model}. */
    boolean belongsTo(Model model) {
        return origin == model || fingerprint.matches(model.fingerprint());
    }

    void checkFits(Model model) {
        if (!belongsTo(model)) throw new StateModelMismatchException(null, fingerprint(), model.fingerprint());
    }

    /**
     * Writes the state to {@code path} through a temporary file in the same folder, renamed over
     * the target at the end: the target is never half-written, and no temporary file is left
     * behind when writing fails.
     *
     * @throws IOException naming {@code path} when it cannot be written
     */
    public void save(Path path) throws IOException {
        Objects.requireNonNull(path, "path");
        ModelFingerprint fp = fingerprint();
        ByteBuffer tokenBytes = tokens == null ? null : littleEndian(4L * tokens.length);
        if (tokenBytes != null) tokenBytes.asIntBuffer().put(tokens);
        ByteBuffer logitBytes = logits == null ? null : littleEndian(4L * logits.length);
        if (logitBytes != null) logitBytes.asFloatBuffer().put(logits);
        CRC32C crc = new CRC32C();
        if (tokenBytes != null) crc.update(tokenBytes.duplicate());
        if (logitBytes != null) crc.update(logitBytes.duplicate());
        for (long off = 0; off < data.byteSize(); off += IO_CHUNK) {
            crc.update(data.asSlice(off, Math.min(IO_CHUNK, data.byteSize() - off)).asByteBuffer());
        }
        ByteBuffer h = header(fp, (int) crc.getValue());

        Path dir = path.toAbsolutePath().getParent();
        Path tmp;
        try {
            tmp = Files.createTempFile(dir, "." + path.getFileName(), ".tmp");
        } catch (IOException e) {
            throw new IOException(path + ": cannot write the state file (" + describe(e) + ")", e);
        }
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                writeFully(ch, h);
                if (tokenBytes != null) writeFully(ch, tokenBytes);
                if (logitBytes != null) writeFully(ch, logitBytes);
                for (long off = 0; off < data.byteSize(); off += IO_CHUNK) {
                    writeFully(ch, data.asSlice(off, Math.min(IO_CHUNK, data.byteSize() - off)).asByteBuffer());
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, path, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(tmp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            if (e instanceof IOException io) throw new IOException(path + ": cannot write the state file (" + describe(io) + ")", io);
            throw e;
        }
    }

    /** What went wrong, without the temporary file's name (a FileSystemException's message holds it). */
    private static String describe(IOException e) {
        String m = e instanceof java.nio.file.FileSystemException f && f.getReason() != null ? f.getReason() : e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    private ByteBuffer header(ModelFingerprint fp, int bodyCrc) {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        int flags = (tokens != null ? FLAG_TOKENS : 0) | (logits != null ? FLAG_LOGITS : 0);
        h.putInt(MAGIC).putInt(FORMAT_VERSION).putInt(HEADER_BYTES).putInt(flags);
        h.putLong(position).putLong(data.byteSize());
        h.position(40); // 32..39 reserved, zero
        HexFormat hex = HexFormat.of();
        h.put(hex.parseHex(fp.shapeDigest())).put(hex.parseHex(fp.weightsDigest()));
        ModelFingerprint.putParams(h, fp.params());
        h.putInt(fp.tensorCount());
        byte[] name = truncatedUtf8(fp.name(), NAME_BYTES);
        h.put(NAME_OFFSET, name);
        h.putInt(BODY_CRC_OFFSET, bodyCrc);
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, HEADER_CRC_OFFSET);
        h.putInt(HEADER_CRC_OFFSET, (int) crc.getValue());
        h.clear();
        return h;
    }

    private static byte[] truncatedUtf8(String s, int max) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length <= max) return b;
        int n = max;
        while (n > 0 && (b[n] & 0xC0) == 0x80) n--; // do not cut a character in two
        return Arrays.copyOf(b, n);
    }

    private static ByteBuffer littleEndian(long bytes) {
        if (bytes > Integer.MAX_VALUE) throw new IllegalArgumentException(bytes + " bytes do not fit one buffer");
        return ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static void writeFully(FileChannel ch, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) ch.write(b);
    }

    /**
     * What a state file's header says, checked (magic, version, header checksum, sizes against
     * the file's size) but without reading the body.
     *
     * @param fingerprint the model it was saved from
     * @param position tokens evaluated to reach the state
     * @param stateBytes bytes of the conv and SSM state
     * @param tokens the token ids when the file holds them (read only when asked for), else null
     * @param hasLogits whether the file holds the next token's logits
     */
    public record FileInfo(Path path, ModelFingerprint fingerprint, long position, long stateBytes, int[] tokens,
                           boolean hasLogits) {
        public Optional<int[]> tokenIds() {
            return Optional.ofNullable(tokens).map(int[]::clone);
        }
    }

    /** Reads and checks a state file's header, and its token ids when {@code withTokens}. */
    public static FileInfo readInfo(Path path, boolean withTokens) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Header h = Header.read(path, ch);
            int[] tokens = null;
            if (withTokens && h.hasTokens()) {
                ByteBuffer b = littleEndian(4 * h.position);
                readFully(path, ch, b, HEADER_BYTES);
                tokens = new int[(int) h.position];
                b.flip().asIntBuffer().get(tokens);
            }
            return new FileInfo(path, h.fingerprint, h.position, h.stateBytes, tokens, h.hasLogits());
        }
    }

    /** A checked header. */
    private record Header(ModelFingerprint fingerprint, int flags, long position, long stateBytes, int bodyCrc,
                          long bodyBytes) {
        boolean hasTokens() {
            return (flags & FLAG_TOKENS) != 0;
        }

        boolean hasLogits() {
            return (flags & FLAG_LOGITS) != 0;
        }

        static Header read(Path path, FileChannel ch) throws IOException {
            long size = ch.size();
            ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            while (h.hasRemaining() && ch.read(h, h.position()) > 0) { /* read what there is */ }
            int got = h.position();
            h.flip();
            if (got < 4 || h.getInt(0) != MAGIC) {
                throw new StateFormatException(path, "not a jmamba state file (" + (got < 4 ? size + " bytes" : "no JMST magic") + ")");
            }
            if (got < 8) throw new StateFormatException(path, "truncated: " + size + " bytes, less than a state file header");
            int version = h.getInt(4);
            if (version != FORMAT_VERSION) {
                String why = version == 1
                        ? "state file format version 1 (written before states were bound to their model) is no longer read"
                        : "state file format version " + Integer.toUnsignedString(version) + " is not supported";
                throw new StateFormatException(path, why + "; this jmamba reads version " + FORMAT_VERSION
                        + ": save the state again from its model");
            }
            if (got < HEADER_BYTES) {
                throw new StateFormatException(path, "truncated: " + size + " bytes, less than the " + HEADER_BYTES + "-byte header");
            }
            CRC32C crc = new CRC32C();
            crc.update(h.array(), 0, HEADER_CRC_OFFSET);
            if ((int) crc.getValue() != h.getInt(HEADER_CRC_OFFSET)) {
                throw new StateFormatException(path, "corrupted: the header's checksum does not match");
            }
            int headerBytes = h.getInt(8), flags = h.getInt(12);
            long position = h.getLong(16), stateBytes = h.getLong(24);
            if (headerBytes != HEADER_BYTES) throw new StateFormatException(path, "header size " + headerBytes + " is not " + HEADER_BYTES);
            if ((flags & ~(FLAG_TOKENS | FLAG_LOGITS)) != 0) {
                throw new StateFormatException(path, "unknown flags 0x" + Integer.toHexString(flags));
            }
            if (position < 0 || position > MAX_POSITION) {
                throw new StateFormatException(path, "position " + Long.toUnsignedString(position) + " is outside [0, 2^48]");
            }
            byte[] shapeDigest = new byte[32], weightsDigest = new byte[32];
            h.get(40, shapeDigest).get(72, weightsDigest);
            Mamba2Params params;
            try {
                params = new Mamba2Params(h.getInt(104), h.getInt(108), h.getInt(112), h.getInt(116), h.getInt(120),
                        h.getInt(124), h.getInt(128), h.getInt(132), h.getFloat(136), h.getInt(140) != 0);
            } catch (IllegalArgumentException e) {
                throw new StateFormatException(path, "invalid hyper-parameters: " + e.getMessage());
            }
            if (stateBytes != params.stateBytes()) {
                throw new StateFormatException(path, "state size " + stateBytes + " does not match its hyper-parameters ("
                        + params.stateBytes() + ")");
            }
            byte[] name = new byte[NAME_BYTES];
            h.get(NAME_OFFSET, name);
            int len = 0;
            while (len < NAME_BYTES && name[len] != 0) len++;
            HexFormat hex = HexFormat.of();
            ModelFingerprint fp = new ModelFingerprint(new String(name, 0, len, StandardCharsets.UTF_8), params,
                    h.getInt(144), hex.formatHex(shapeDigest), hex.formatHex(weightsDigest));
            long body = ((flags & FLAG_TOKENS) != 0 ? 4 * position : 0)
                    + ((flags & FLAG_LOGITS) != 0 ? 4L * params.nVocab() : 0) + stateBytes;
            if (size != HEADER_BYTES + body) {
                throw new StateFormatException(path, (size < HEADER_BYTES + body ? "truncated: " : "trailing bytes: ")
                        + size + " bytes, the header says " + (HEADER_BYTES + body));
            }
            if ((flags & FLAG_TOKENS) != 0 && 4 * position > Integer.MAX_VALUE) {
                throw new StateFormatException(path, position + " token ids are more than this reader holds in memory");
            }
            return new Header(fp, flags, position, stateBytes, h.getInt(BODY_CRC_OFFSET), body);
        }
    }

    private static void readFully(Path path, FileChannel ch, ByteBuffer b, long at) throws IOException {
        while (b.hasRemaining()) {
            int n = ch.read(b, at);
            if (n < 0) throw new StateFormatException(path, "truncated while reading the body");
            at += n;
        }
    }

    /**
     * Reads a state saved by {@link #save}, for {@code model}.
     *
     * @throws StateModelMismatchException when it was saved from another model (both fingerprints named)
     * @throws StateFormatException when the file is not a state file, has another format version,
     *     is truncated, or fails a checksum (the file is corrupted)
     * @throws IOException when the file cannot be read
     */
    public static State load(Path path, Model model) throws IOException {
        Objects.requireNonNull(model, "model");
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            Header h = Header.read(path, ch);
            if (!h.fingerprint.matches(model.fingerprint())) {
                throw new StateModelMismatchException(path, h.fingerprint, model.fingerprint());
            }
            long at = HEADER_BYTES;
            CRC32C crc = new CRC32C();
            int[] tokens = null;
            if (h.hasTokens()) {
                ByteBuffer b = littleEndian(4 * h.position);
                readFully(path, ch, b, at);
                at += b.capacity();
                b.flip();
                crc.update(b.duplicate());
                tokens = new int[(int) h.position];
                b.asIntBuffer().get(tokens);
            }
            float[] logits = null;
            if (h.hasLogits()) {
                ByteBuffer b = littleEndian(4L * model.params().nVocab());
                readFully(path, ch, b, at);
                at += b.capacity();
                b.flip();
                crc.update(b.duplicate());
                logits = new float[model.params().nVocab()];
                b.asFloatBuffer().get(logits);
            }
            State s = new State(model.params(), null, h.fingerprint, h.position, h.stateBytes, tokens, logits);
            try {
                for (long off = 0; off < h.stateBytes; off += IO_CHUNK) {
                    ByteBuffer b = s.data.asSlice(off, Math.min(IO_CHUNK, h.stateBytes - off)).asByteBuffer();
                    readFully(path, ch, b, at + off);
                    b.flip();
                    crc.update(b);
                }
                if ((int) crc.getValue() != h.bodyCrc) {
                    throw new StateFormatException(path, "corrupted: the body's checksum does not match");
                }
                if (tokens != null) {
                    int vocab = model.params().nVocab();
                    for (int i = 0; i < tokens.length; i++) {
                        if (tokens[i] < 0 || tokens[i] >= vocab) {
                            throw new StateFormatException(path, "token id " + tokens[i] + " at " + i + " is outside the vocabulary");
                        }
                    }
                }
                return s;
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
    }

    /** The state's floats, for inspection. */
    public float[] toFloatArray() {
        return data.toArray(ValueLayout.JAVA_FLOAT);
    }

    @Override
    public void close() {
        if (arena.scope().isAlive()) arena.close();
    }
}
