package org.jmamba.reference;

/**
 * The ggml tensor types the reference code understands, with their ggml type ids and block geometry,
 * written down from ggml's block layouts (ggml-common.h) independently of {@code org.jmamba.gguf.GgmlType}
 * so that the two can be checked against each other.
 *
 * <p>{@link #Q8_1} and {@link #Q8_K} are activation formats only (never stored in model files);
 * they are listed so their block sizes can be checked too.
 */
public enum QuantType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 2 + 16),
    Q4_1(3, 32, 2 + 2 + 16),
    Q5_0(6, 32, 2 + 4 + 16),
    Q5_1(7, 32, 2 + 2 + 4 + 16),
    Q8_0(8, 32, 2 + 32),
    Q8_1(9, 32, 2 + 2 + 32),
    Q2_K(10, 256, 16 + 64 + 2 + 2),
    Q3_K(11, 256, 32 + 64 + 12 + 2),
    Q4_K(12, 256, 2 + 2 + 12 + 128),
    Q5_K(13, 256, 2 + 2 + 12 + 32 + 128),
    Q6_K(14, 256, 128 + 64 + 16 + 2),
    Q8_K(15, 256, 4 + 256 + 2 * 16),
    BF16(30, 1, 2);

    /** ggml's numeric type id, as stored in GGUF tensor infos. */
    public final int id;
    /** Values per block. */
    public final int blockSize;
    /** Bytes per block. */
    public final int bytesPerBlock;

    QuantType(int id, int blockSize, int bytesPerBlock) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    /** The type with ggml id {@code id}; throws for ids the reference code does not handle. */
    public static QuantType fromId(int id) {
        for (QuantType t : values()) {
            if (t.id == id) {
                return t;
            }
        }
        throw new IllegalArgumentException("ggml type id " + id + " is not handled by the reference code");
    }

    /** Bytes taken by {@code n} consecutive values ({@code n} a multiple of the block size). */
    public long bytesFor(long n) {
        if (n % blockSize != 0) {
            throw new IllegalArgumentException(n + " values is not a whole number of " + this + " blocks of " + blockSize);
        }
        return n / blockSize * bytesPerBlock;
    }

    /** Whether weights of this type are stored as quantized blocks (not plain floats). */
    public boolean isBlockQuantized() {
        return blockSize > 1;
    }
}
