package org.jmamba.reference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * Plain-Java dequantization of ggml tensor rows, written from ggml's block layouts and
 * independently of the project's C code, so it can serve as an oracle for the C dequantizers.
 *
 * <p>Every stored value decodes to {@code a*q - b} where {@code a} and {@code b} are exact floats
 * (an fp16 scale times a small integer sub-scale never needs more than 24 bits) and {@code q} is a
 * small integer. Two results are offered:
 * <ul>
 *   <li>{@link #toFloat}: {@code a*q - b} evaluated in float arithmetic in ggml's order, i.e. what
 *       ggml's scalar {@code dequantize_row_*} produce (an implementation that fuses the multiply
 *       and subtract may differ by one ulp on the types with a min: Q2_K, Q4_K, Q5_K, Q4_1, Q5_1);</li>
 *   <li>{@link #toDouble}: the same expression in double, which is exact for every realistic block
 *       and is what an integer dot product effectively multiplies with.</li>
 * </ul>
 * Input bytes are little-endian, as in GGUF files.
 */
public final class JavaDequant {
    private JavaDequant() {}

    private static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfInt LE_INT =
            ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    private static final ValueLayout.OfFloat LE_FLOAT =
            ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Receives element {@code i} of a row as the triple whose value is {@code a*q - b}. */
    @FunctionalInterface
    interface Sink {
        void put(int i, float a, int q, float b);
    }

    // ---------------------------------------------------------------- public API

    /** Dequantizes {@code n} values of type {@code t} starting at byte {@code offset} of {@code src}, in float as ggml does. */
    public static float[] toFloat(QuantType t, MemorySegment src, long offset, int n) {
        float[] out = new float[n];
        decode(t, src, offset, n, (i, a, q, b) -> out[i] = a * q - b);
        return out;
    }

    /** As {@link #toFloat(QuantType, MemorySegment, long, int)} from a byte array. */
    public static float[] toFloat(QuantType t, byte[] src, int offset, int n) {
        return toFloat(t, MemorySegment.ofArray(src), offset, n);
    }

    /** Dequantizes {@code n} values into doubles, evaluating {@code a*q - b} in double (exact for realistic blocks). */
    public static double[] toDouble(QuantType t, MemorySegment src, long offset, int n) {
        double[] out = new double[n];
        decode(t, src, offset, n, (i, a, q, b) -> out[i] = (double) a * q - (double) b);
        return out;
    }

    /** As {@link #toDouble(QuantType, MemorySegment, long, int)} from a byte array. */
    public static double[] toDouble(QuantType t, byte[] src, int offset, int n) {
        return toDouble(t, MemorySegment.ofArray(src), offset, n);
    }

    /**
     * The per-block minimum {@code m} of each 32-value block of a Q4_1 or Q5_1 row (value = d*q + m),
     * needed to reproduce ggml's Q4_1/Q5_1 x Q8_1 dot product exactly (see {@link ActivationRounding}).
     */
    public static double[] blockMins(QuantType t, MemorySegment src, long offset, int n) {
        if (t != QuantType.Q4_1 && t != QuantType.Q5_1) {
            throw new IllegalArgumentException("block minimums exist only for Q4_1 and Q5_1, not " + t);
        }
        t.bytesFor(n);
        double[] mins = new double[n / 32];
        for (int ib = 0; ib < mins.length; ib++) {
            mins[ib] = fp16(src, offset + (long) ib * t.bytesPerBlock + 2);
        }
        return mins;
    }

    // ---------------------------------------------------------------- scalar formats

    /** IEEE half (binary16) bits to float (exact). */
    public static float fp16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** Float to IEEE half bits, round to nearest even, as ggml's GGML_FP32_TO_FP16 (and F16C) do. */
    public static short floatToFp16(float f) {
        return Float.floatToFloat16(f);
    }

    /** Rounds a float to the nearest fp16 value and back. */
    public static float roundToFp16(float f) {
        return Float.float16ToFloat(Float.floatToFloat16(f));
    }

    /** bfloat16 bits to float (exact: the top 16 bits of a float). */
    public static float bf16ToFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    /**
     * Float to bfloat16 bits as ggml's {@code ggml_compute_fp32_to_bf16}: round to nearest even on the
     * dropped 16 bits; a NaN keeps its top bits and is forced quiet.
     */
    public static short floatToBf16(float f) {
        int u = Float.floatToRawIntBits(f);
        if ((u & 0x7fffffff) > 0x7f800000) {
            return (short) ((u >>> 16) | 64);
        }
        return (short) ((u + (0x7fff + ((u >>> 16) & 1))) >>> 16);
    }

    /** Rounds a float to the nearest bf16 value and back. */
    public static float roundToBf16(float f) {
        return bf16ToFloat(floatToBf16(f));
    }

    // ---------------------------------------------------------------- decoding

    private static float fp16(MemorySegment s, long at) {
        return Float.float16ToFloat(s.get(LE_SHORT, at));
    }

    private static int u8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
    }

    private static int s8(MemorySegment s, long at) {
        return s.get(ValueLayout.JAVA_BYTE, at);
    }

    static void decode(QuantType t, MemorySegment s, long off, int n, Sink out) {
        long need = t.bytesFor(n);
        if (off < 0 || off + need > s.byteSize()) {
            throw new IndexOutOfBoundsException(
                    n + " values of " + t + " need " + need + " bytes at " + off + ", segment has " + s.byteSize());
        }
        int nb = n / t.blockSize;
        switch (t) {
            case F32 -> {
                for (int i = 0; i < n; i++) out.put(i, s.get(LE_FLOAT, off + 4L * i), 1, 0f);
            }
            case F16 -> {
                for (int i = 0; i < n; i++) out.put(i, fp16(s, off + 2L * i), 1, 0f);
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) out.put(i, bf16ToFloat(s.get(LE_SHORT, off + 2L * i)), 1, 0f);
            }
            case Q4_0 -> {
                // { fp16 d; u8 qs[16] }: value j (< 16) is the low nibble of qs[j], value j+16 the high nibble; minus 8.
                for (int ib = 0; ib < nb; ib++) {
                    long b = off + (long) ib * t.bytesPerBlock;
                    float d = fp16(s, b);
                    int base = ib * 32;
                    for (int j = 0; j < 16; j++) {
                        int v = u8(s, b + 2 + j);
                        out.put(base + j, d, (v & 0xF) - 8, 0f);
                        out.put(base + j + 16, d, (v >>> 4) - 8, 0f);
                    }
                }
            }
            case Q4_1 -> {
                // { fp16 d; fp16 m; u8 qs[16] }: value = d*q + m.
                for (int ib = 0; ib < nb; ib++) {
                    long b = off + (long) ib * t.bytesPerBlock;
                    float d = fp16(s, b);
                    float m = fp16(s, b + 2);
                    int base = ib * 32;
                    for (int j = 0; j < 16; j++) {
                        int v = u8(s, b + 4 + j);
                        out.put(base + j, d, v & 0xF, -m);
                        out.put(base + j + 16, d, v >>> 4, -m);
                    }
                }
            }
            case Q5_0 -> {
                // { fp16 d; u8 qh[4] (32 high bits, LE); u8 qs[16] }: q = nibble | (bit j of qh) << 4, minus 16.
                for (int ib = 0; ib < nb; ib++) {
                    long b = off + (long) ib * t.bytesPerBlock;
                    float d = fp16(s, b);
                    int qh = s.get(LE_INT, b + 2);
                    int base = ib * 32;
                    for (int j = 0; j < 16; j++) {
                        int v = u8(s, b + 6 + j);
                        int lo = (v & 0xF) | (((qh >>> j) & 1) << 4);
                        int hi = (v >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                        out.put(base + j, d, lo - 16, 0f);
                        out.put(base + j + 16, d, hi - 16, 0f);
                    }
                }
            }
            case Q5_1 -> {
                // { fp16 d; fp16 m; u8 qh[4]; u8 qs[16] }: value = d*q + m, q in [0, 31].
                for (int ib = 0; ib < nb; ib++) {
                    long b = off + (long) ib * t.bytesPerBlock;
                    float d = fp16(s, b);
                    float m = fp16(s, b + 2);
                    int qh = s.get(LE_INT, b + 4);
                    int base = ib * 32;
                    for (int j = 0; j < 16; j++) {
                        int v = u8(s, b + 8 + j);
                        int lo = (v & 0xF) | (((qh >>> j) & 1) << 4);
                        int hi = (v >>> 4) | (((qh >>> (j + 16)) & 1) << 4);
                        out.put(base + j, d, lo, -m);
                        out.put(base + j + 16, d, hi, -m);
                    }
                }
            }
            case Q8_0 -> {
                // { fp16 d; i8 qs[32] }.
                for (int ib = 0; ib < nb; ib++) {
                    long b = off + (long) ib * t.bytesPerBlock;
                    float d = fp16(s, b);
                    for (int j = 0; j < 32; j++) out.put(ib * 32 + j, d, s8(s, b + 2 + j), 0f);
                }
            }
            case Q8_1 -> {
                // { fp16 d; fp16 s (= d * sum q, unused here); i8 qs[32] }.
                for (int ib = 0; ib < nb; ib++) {
                    long b = off + (long) ib * t.bytesPerBlock;
                    float d = fp16(s, b);
                    for (int j = 0; j < 32; j++) out.put(ib * 32 + j, d, s8(s, b + 4 + j), 0f);
                }
            }
            case Q2_K -> decodeQ2K(s, off, nb, out);
            case Q3_K -> decodeQ3K(s, off, nb, out);
            case Q4_K -> decodeQ4K5K(s, off, nb, out, false);
            case Q5_K -> decodeQ4K5K(s, off, nb, out, true);
            case Q6_K -> decodeQ6K(s, off, nb, out);
            case Q8_K -> {
                // { f32 d; i8 qs[256]; i16 bsums[16] }.
                for (int ib = 0; ib < nb; ib++) {
                    long b = off + (long) ib * t.bytesPerBlock;
                    float d = s.get(LE_FLOAT, b);
                    for (int j = 0; j < 256; j++) out.put(ib * 256 + j, d, s8(s, b + 4 + j), 0f);
                }
            }
        }
    }

    /**
     * Q2_K: { u8 scales[16]; u8 qs[64]; fp16 d; fp16 dmin }. Sixteen sub-blocks of 16 values; sub-block
     * k has scale (scales[k] & 15) * d and min (scales[k] >> 4) * dmin. The 256 values come in two halves
     * of 128; half h uses qs[32h .. 32h+32); within a half, the 2-bit field at shift 2s of byte qs[32h + l]
     * holds value 128h + 32s + l.
     */
    private static void decodeQ2K(MemorySegment s, long off, int nb, Sink out) {
        for (int ib = 0; ib < nb; ib++) {
            long b = off + (long) ib * QuantType.Q2_K.bytesPerBlock;
            float d = fp16(s, b + 80);
            float dmin = fp16(s, b + 82);
            int base = ib * 256;
            for (int v = 0; v < 256; v++) {
                int half = v / 128, r = v % 128, shift = r / 32, l = r % 32;
                int q = (u8(s, b + 16 + 32 * half + l) >>> (2 * shift)) & 3;
                int sc = u8(s, b + v / 16);
                out.put(base + v, d * (sc & 0xF), q, dmin * (sc >>> 4));
            }
        }
    }

    /**
     * Q3_K: { u8 hmask[32]; u8 qs[64]; u8 scales[12]; fp16 d }. Low two bits of value v as in Q2_K;
     * the third bit is bit (v / 32) of hmask[v % 32], and a CLEAR bit means "subtract 4" (q in [-4, 3]).
     * Sixteen 6-bit signed scales (offset 32): the low 4 bits of scale k are nibble (k / 8) of byte k % 8,
     * the high 2 bits are bits 2*(k / 4) of byte 8 + k % 4.
     */
    private static void decodeQ3K(MemorySegment s, long off, int nb, Sink out) {
        for (int ib = 0; ib < nb; ib++) {
            long b = off + (long) ib * QuantType.Q3_K.bytesPerBlock;
            float d = fp16(s, b + 108);
            int[] scale = new int[16];
            for (int k = 0; k < 16; k++) {
                int low = (u8(s, b + 96 + k % 8) >>> (4 * (k / 8))) & 0xF;
                int high = (u8(s, b + 96 + 8 + k % 4) >>> (2 * (k / 4))) & 3;
                scale[k] = (low | (high << 4)) - 32;
            }
            int base = ib * 256;
            for (int v = 0; v < 256; v++) {
                int half = v / 128, r = v % 128, shift = r / 32, l = r % 32;
                int q = (u8(s, b + 32 + 32 * half + l) >>> (2 * shift)) & 3;
                boolean hbit = ((u8(s, b + v % 32) >>> (v / 32)) & 1) != 0;
                out.put(base + v, d * scale[v / 16], q - (hbit ? 0 : 4), 0f);
            }
        }
    }

    /**
     * The 6-bit (scale, min) pair {@code j} (0..7) of a Q4_K/Q5_K 12-byte scale array: pairs 0..3 are the low
     * 6 bits of bytes j and j+4; pairs 4..7 take their low 4 bits from the nibbles of byte j+4 and their
     * high 2 bits from the top bits of bytes j-4 (scale) and j (min).
     */
    static int[] scaleMinK4(MemorySegment s, long scalesAt, int j) {
        if (j < 4) {
            return new int[] {u8(s, scalesAt + j) & 63, u8(s, scalesAt + j + 4) & 63};
        }
        int sc = (u8(s, scalesAt + j + 4) & 0xF) | ((u8(s, scalesAt + j - 4) >>> 6) << 4);
        int m = (u8(s, scalesAt + j + 4) >>> 4) | ((u8(s, scalesAt + j) >>> 6) << 4);
        return new int[] {sc, m};
    }

    /**
     * Q4_K: { fp16 d; fp16 dmin; u8 scales[12]; u8 qs[128] }; Q5_K adds u8 qh[32] before qs. Eight
     * sub-blocks of 32; sub-block 2c uses the low nibbles of qs[32c .. 32c+32), sub-block 2c+1 the high
     * nibbles. Q5_K's fifth bit of value v is bit (v / 32) of qh[v % 32].
     */
    private static void decodeQ4K5K(MemorySegment s, long off, int nb, Sink out, boolean five) {
        QuantType t = five ? QuantType.Q5_K : QuantType.Q4_K;
        long qsAt = five ? 4 + 12 + 32 : 4 + 12;
        for (int ib = 0; ib < nb; ib++) {
            long b = off + (long) ib * t.bytesPerBlock;
            float d = fp16(s, b);
            float dmin = fp16(s, b + 2);
            int base = ib * 256;
            for (int sub = 0; sub < 8; sub++) {
                int[] sm = scaleMinK4(s, b + 4, sub);
                float a = d * sm[0];
                float mb = dmin * sm[1];
                int chunk = sub / 2;
                for (int l = 0; l < 32; l++) {
                    int byteV = u8(s, b + qsAt + 32 * chunk + l);
                    int q = (sub % 2 == 0) ? (byteV & 0xF) : (byteV >>> 4);
                    int v = 32 * sub + l;
                    if (five && ((u8(s, b + 4 + 12 + l) >>> sub) & 1) != 0) {
                        q += 16;
                    }
                    out.put(base + v, a, q, mb);
                }
            }
        }
    }

    /**
     * Q6_K: { u8 ql[128]; u8 qh[64]; i8 scales[16]; fp16 d }. Two halves of 128 values; half h uses
     * ql[64h .. 64h+64) and qh[32h .. 32h+32). Within a half, value 32s + l (s = 0..3, l = 0..31) takes its
     * low 4 bits from ql[l] (s = 0: low nibble, s = 2: high nibble) or ql[l+32] (s = 1: low, s = 3: high),
     * and its high 2 bits from bits 2s..2s+1 of qh[l]; q = (6-bit value) - 32. Value v is scaled by
     * d * scales[v / 16] (signed), multiplied in that order.
     */
    private static void decodeQ6K(MemorySegment s, long off, int nb, Sink out) {
        for (int ib = 0; ib < nb; ib++) {
            long b = off + (long) ib * QuantType.Q6_K.bytesPerBlock;
            float d = fp16(s, b + 208);
            int base = ib * 256;
            for (int v = 0; v < 256; v++) {
                int half = v / 128, r = v % 128, sIdx = r / 32, l = r % 32;
                int qlByte = u8(s, b + 64 * half + l + 32 * (sIdx % 2));
                int low = (sIdx < 2) ? (qlByte & 0xF) : (qlByte >>> 4);
                int high = (u8(s, b + 128 + 32 * half + l) >>> (2 * sIdx)) & 3;
                int q = (low | (high << 4)) - 32;
                int sc = s8(s, b + 192 + v / 16);
                out.put(base + v, d * sc, q, 0f);
            }
        }
    }
}
