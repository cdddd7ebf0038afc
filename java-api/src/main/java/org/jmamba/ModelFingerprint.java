package org.jmamba;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufTensorInfo;

/**
 * What a saved state is bound to: the model's hyper-parameters, a digest of its shape (the
 * architecture, the hyper-parameters, and every tensor's name, type and dimensions, in file
 * order) and a digest of its weights.
 *
 * <p>The weights digest is SHA-256 over every tensor's name and a sample of its bytes: the
 * whole tensor when it is at most 64 KiB, otherwise 16 slices of 4 KiB spread evenly from its
 * first byte to its last. That reads at most 64 KiB per tensor (about 19 MiB for Codestral
 * Mamba 7B's 291 tensors, tens of milliseconds from the page cache) where a hash of every byte
 * would read the whole 4–15 GB file on each save and load. Any other set of weights — another
 * seed, a fine-tune, another quantization (which also changes the shape digest) — changes every
 * slice, so it is caught; a few flipped bytes inside a weight file are not what this guards
 * against. It depends only on the content, not on the file's path, size or time, so a state
 * stays usable with a copied or renamed model file, and a model rewritten in place with other
 * weights is refused.
 *
 * @param name the model's {@code general.name}, or its file name; informational only, not compared
 * @param params the hyper-parameters
 * @param tensorCount tensors in the file
 * @param shapeDigest SHA-256 of the shape, 64 hex digits
 * @param weightsDigest SHA-256 of the sampled weights, 64 hex digits
 */
public record ModelFingerprint(String name, Mamba2Params params, int tensorCount, String shapeDigest,
                               String weightsDigest) {
    static final int SAMPLE_BYTES = 4096;
    static final int SAMPLES = 16;

    public ModelFingerprint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(params, "params");
        Objects.requireNonNull(shapeDigest, "shapeDigest");
        Objects.requireNonNull(weightsDigest, "weightsDigest");
    }

    /** The same model: both digests equal (the name does not count). */
    public boolean matches(ModelFingerprint other) {
        return shapeDigest.equals(other.shapeDigest) && weightsDigest.equals(other.weightsDigest);
    }

    /** Computes the fingerprint of an open GGUF file (reads at most 64 KiB of each tensor). */
    static ModelFingerprint of(GgufFile file, Mamba2Params params) {
        MessageDigest shape = sha256(), weights = sha256();
        update(shape, Mamba2Params.ARCH);
        ByteBuffer hp = ByteBuffer.allocate(40).order(ByteOrder.LITTLE_ENDIAN);
        putParams(hp, params);
        shape.update(hp.array());
        for (GgufTensorInfo t : file.tensors()) {
            update(shape, t.name());
            ByteBuffer b = ByteBuffer.allocate(8 + 8 * t.shape().length).order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(t.type().id()).putInt(t.shape().length);
            for (long d : t.shape()) b.putLong(d);
            shape.update(b.array());
            update(weights, t.name());
            sample(weights, file.tensorData(t));
        }
        String name = file.get("general.name").map(v -> {
            try {
                return v.asString();
            } catch (RuntimeException e) {
                return null;
            }
        }).orElse(null);
        if (name == null || name.isBlank()) name = String.valueOf(file.path().getFileName());
        HexFormat hex = HexFormat.of();
        return new ModelFingerprint(name, params, file.tensors().size(), hex.formatHex(shape.digest()),
                hex.formatHex(weights.digest()));
    }

    private static void sample(MessageDigest md, MemorySegment data) {
        long n = data.byteSize();
        if (n <= (long) SAMPLE_BYTES * SAMPLES) {
            md.update(data.toArray(ValueLayout.JAVA_BYTE));
            return;
        }
        long span = n - SAMPLE_BYTES;
        for (int i = 0; i < SAMPLES; i++) {
            long off = span * i / (SAMPLES - 1);
            md.update(data.asSlice(off, SAMPLE_BYTES).toArray(ValueLayout.JAVA_BYTE));
        }
    }

    /** The hyper-parameters as 10 little-endian 32-bit fields (the state file stores them so). */
    static void putParams(ByteBuffer b, Mamba2Params p) {
        b.putInt(p.nVocab()).putInt(p.dModel()).putInt(p.nLayer()).putInt(p.dInner()).putInt(p.dState())
                .putInt(p.nHead()).putInt(p.nGroup()).putInt(p.dConv()).putFloat(p.normEps()).putInt(p.tiedOutput() ? 1 : 0);
    }

    private static void update(MessageDigest md, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        md.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(b.length).array());
        md.update(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError("every JDK has SHA-256", e);
        }
    }

    /** One line for messages: the name, the shape in words, and the digests' first 16 hex digits. */
    @Override
    public String toString() {
        Mamba2Params p = params;
        return "'" + name + "' (" + p.nLayer() + " layers, d_model " + p.dModel() + ", d_inner " + p.dInner()
                + ", d_state " + p.dState() + ", " + p.nHead() + " heads, vocab " + p.nVocab() + ", " + tensorCount
                + " tensors; shape " + shapeDigest.substring(0, 16) + ", weights " + weightsDigest.substring(0, 16) + ")";
    }
}
