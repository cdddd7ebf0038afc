package org.jmamba.quantize;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jmamba.gguf.GgmlType;

/**
 * The target types of the quantizer, named as llama.cpp's quantizer names them, with llama.cpp's
 * {@code LLAMA_FTYPE} numbers (written as {@code general.file_type}) and the ggml type most tensors
 * get. {@code Q3_K}, {@code Q4_K} and {@code Q5_K} are, as in llama.cpp, other names of the
 * {@code _M} mixes.
 */
public enum FileType {
    F32(0, GgmlType.F32),
    F16(1, GgmlType.F16),
    BF16(32, GgmlType.BF16),
    Q4_0(2, GgmlType.Q4_0),
    Q4_1(3, GgmlType.Q4_1),
    Q8_0(7, GgmlType.Q8_0),
    Q5_0(8, GgmlType.Q5_0),
    Q5_1(9, GgmlType.Q5_1),
    Q2_K(10, GgmlType.Q2_K),
    Q3_K_S(11, GgmlType.Q3_K),
    Q3_K_M(12, GgmlType.Q3_K),
    Q3_K_L(13, GgmlType.Q3_K),
    Q4_K_S(14, GgmlType.Q4_K),
    Q4_K_M(15, GgmlType.Q4_K),
    Q5_K_S(16, GgmlType.Q5_K),
    Q5_K_M(17, GgmlType.Q5_K),
    Q6_K(18, GgmlType.Q6_K);

    private final int llamaFtype;
    private final GgmlType defaultType;

    FileType(int llamaFtype, GgmlType defaultType) {
        this.llamaFtype = llamaFtype;
        this.defaultType = defaultType;
    }

    /** llama.cpp's {@code LLAMA_FTYPE} number, the value of {@code general.file_type}. */
    public int llamaFtype() {
        return llamaFtype;
    }

    /** The type the quantizable tensors get unless a rule says otherwise. */
    public GgmlType defaultType() {
        return defaultType;
    }

    /** The type named {@code name} (any case), including the aliases Q3_K, Q4_K and Q5_K. */
    public static Optional<FileType> byName(String name) {
        if (name == null) return Optional.empty();
        String n = name.strip().toUpperCase(Locale.ROOT);
        switch (n) {
            case "Q3_K": return Optional.of(Q3_K_M);
            case "Q4_K": return Optional.of(Q4_K_M);
            case "Q5_K": return Optional.of(Q5_K_M);
            default:
                try {
                    return Optional.of(valueOf(n));
                } catch (IllegalArgumentException e) {
                    return Optional.empty();
                }
        }
    }

    /** The type with llama.cpp's number {@code ftype}, if it is one of ours. */
    public static Optional<FileType> byLlamaFtype(long ftype) {
        return Arrays.stream(values()).filter(t -> t.llamaFtype == ftype).findFirst();
    }

    /** Every accepted name, for messages and help. */
    public static String names() {
        return Arrays.stream(values()).map(Enum::name).collect(Collectors.joining(", ")) + " (Q3_K, Q4_K, Q5_K: the _M mixes)";
    }
}
