package org.jmamba.gguf;

import java.util.Locale;
import java.util.Optional;

/**
 * ggml's tensor types, with ggml's numeric ids and block layouts (values per block, bytes per
 * block). Ids that ggml retired (4, 5: Q4_2, Q4_3; 31-33: Q4_0_4_4 and friends; 36-38:
 * IQ4_NL_4_4 and friends) are not types: GGUF files may not use them.
 */
public enum GgmlType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    MXFP4(39, 32, 17),
    NVFP4(40, 64, 36),
    Q1_0(41, 128, 18);

    private static final GgmlType[] BY_ID = new GgmlType[64];

    static {
        for (GgmlType t : values()) {
            BY_ID[t.id] = t;
        }
    }

    private final int id;
    private final int blockSize;
    private final int bytesPerBlock;

    GgmlType(int id, int blockSize, int bytesPerBlock) {
        this.id = id;
        this.blockSize = blockSize;
        this.bytesPerBlock = bytesPerBlock;
    }

    /** ggml's numeric id, as stored in GGUF tensor infos. */
    public int id() {
        return id;
    }

    /** Values per block: 1 for plain number types. */
    public int blockSize() {
        return blockSize;
    }

    /** Bytes one block takes. */
    public int bytesPerBlock() {
        return bytesPerBlock;
    }

    /** True for block-quantized types (every type whose block holds more than one value). */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    /**
     * llama.cpp's {@code LLAMA_FTYPE} number ({@code general.file_type}) of a file whose matrices are
     * all of this type, or -1 where it has none (K-quants map to their _S mix, the closest "all one
     * type" file llama.cpp names).
     */
    public int mostlyFileType() {
        return switch (this) {
            case F32 -> 0;
            case F16 -> 1;
            case Q4_0 -> 2;
            case Q4_1 -> 3;
            case Q8_0 -> 7;
            case Q5_0 -> 8;
            case Q5_1 -> 9;
            case Q2_K -> 10;
            case Q3_K -> 11;
            case Q4_K -> 14;
            case Q5_K -> 16;
            case Q6_K -> 18;
            case BF16 -> 32;
            default -> -1;
        };
    }

    /**
     * Bytes that {@code n} consecutive values take.
     *
     * @throws IllegalArgumentException when n is negative or not a multiple of {@link #blockSize()}
     * @throws ArithmeticException when the byte count does not fit in a long
     */
    public long rowBytes(long n) {
        if (n < 0 || n % blockSize != 0) {
            throw new IllegalArgumentException(
                    name() + ": " + n + " values is not a whole number of blocks of " + blockSize);
        }
        return Math.multiplyExact(n / blockSize, (long) bytesPerBlock);
    }

    /** The type with ggml id {@code id}; IllegalArgumentException for ids that are no type. */
    public static GgmlType fromId(int id) {
        GgmlType t = find(id);
        if (t == null) {
            throw new IllegalArgumentException("unknown ggml type id " + id);
        }
        return t;
    }

    /** The type with ggml id {@code id}, or null. */
    static GgmlType find(long id) {
        return id >= 0 && id < BY_ID.length ? BY_ID[(int) id] : null;
    }

    /** The type named {@code name}, ignoring case ("Q4_K", "q4_k", "bf16"). */
    public static Optional<GgmlType> byName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(valueOf(name.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
