package org.jmamba.reference;

/**
 * What llama.cpp's CPU backend does to the input vector of a matrix multiplication before the dot
 * products, depending on the weight type (ggml's {@code vec_dot_type}):
 * <ul>
 *   <li>F32 weights: nothing;</li>
 *   <li>F16 weights: the input is rounded to fp16 (nearest even); BF16 weights: to bf16 (nearest even);</li>
 *   <li>Q4_0, Q5_0, Q8_0 weights: the input is quantized to Q8_0 (blocks of 32, fp16 scale d = amax/127);</li>
 *   <li>Q4_1, Q5_1 weights: to Q8_1 (as Q8_0, plus an fp16 block sum s = fp16(d * sum q) used with the
 *       weights' block minimum);</li>
 *   <li>K-quant weights: to Q8_K (blocks of 256, float scale, q = nearest-even(-127/max * x) with max the
 *       signed value of largest magnitude, clamped to 127).</li>
 * </ul>
 * The integer dot product of the quantized weights with the quantized input equals, up to float
 * rounding, the double dot product of the dequantized weights with the input "rounded" to the values
 * {@code d*q} the quantized input represents; {@link #round} returns those values.
 *
 * <p>Q8_0 and Q8_1 come in three flavours ({@link Q8Variant}): ggml's reference C code, the AVX/AVX2 code
 * llama.cpp runs on x86, and its NEON code on ARM. They differ only for inputs within an ulp of a rounding
 * boundary (the reciprocal scale 1/d and 127/amax can differ by an ulp; ties go different ways), but one
 * such flip moves an activation by a whole quantization step: on the shared tiny Q8_0 model only the x86
 * flavour reproduces llama.cpp's logits to ~1e-7 (llama.cpp computed them on x86), the reference flavour
 * is off by ~1e-2. The choice must match the implementation under test.
 */
public final class ActivationRounding {
    private ActivationRounding() {}

    /** The activation format a weight type's dot product consumes. */
    public enum Scheme { NONE, F16, BF16, Q8_0, Q8_1, Q8_K }

    /** How Q8_0 and Q8_1 compute q. */
    public enum Q8Variant {
        /** ggml-quants.c reference: d = amax/127, id = 1/d, q = roundf(x*id) (halves away from zero). */
        REFERENCE,
        /** ggml-cpu x86 AVX/AVX2: d = amax/127, id = 127/amax, q = round-to-nearest-even(x*id). */
        X86_SIMD,
        /** ggml-cpu ARM NEON: d = amax/127, id = 1/d, q = round-to-nearest-even(x*id). */
        ARM_NEON
    }

    /** ggml's vec_dot_type for weights of type {@code t}, as a rounding scheme. */
    public static Scheme schemeFor(QuantType t) {
        return switch (t) {
            case F32 -> Scheme.NONE;
            case F16 -> Scheme.F16;
            case BF16 -> Scheme.BF16;
            case Q4_0, Q5_0, Q8_0 -> Scheme.Q8_0;
            case Q4_1, Q5_1 -> Scheme.Q8_1;
            case Q2_K, Q3_K, Q4_K, Q5_K, Q6_K -> Scheme.Q8_K;
            case Q8_1, Q8_K -> throw new IllegalArgumentException(t + " is an activation format, not a weight type");
        };
    }

    /**
     * A quantized activation vector: per block, the scale {@code d} the dot product uses (fp16-rounded for
     * Q8_0/Q8_1, float for Q8_K); per value, {@code q}; per block for Q8_1 the stored sum
     * {@code s = fp16(d_unrounded * sum q)}; per 16 values for Q8_K the integer sums {@code bsums}.
     */
    public record Q8Blocks(Scheme scheme, int blockSize, float[] d, byte[] q, float[] s, short[] bsums) {
        /** The values d*q the block format represents (exact floats). */
        public float[] values() {
            float[] v = new float[q.length];
            for (int i = 0; i < q.length; i++) {
                v[i] = d[i / blockSize] * q[i];
            }
            return v;
        }
    }

    /** The values a dot product with weights of type {@code weights} sees instead of {@code x}. */
    public static float[] round(QuantType weights, float[] x, Q8Variant variant) {
        return round(schemeFor(weights), x, variant);
    }

    /** As {@link #round(QuantType, float[], Q8Variant)} for a scheme. */
    public static float[] round(Scheme scheme, float[] x, Q8Variant variant) {
        return switch (scheme) {
            case NONE -> x.clone();
            case F16 -> {
                float[] r = new float[x.length];
                for (int i = 0; i < x.length; i++) r[i] = JavaDequant.roundToFp16(x[i]);
                yield r;
            }
            case BF16 -> {
                float[] r = new float[x.length];
                for (int i = 0; i < x.length; i++) r[i] = JavaDequant.roundToBf16(x[i]);
                yield r;
            }
            case Q8_0 -> quantizeQ8_0(x, variant).values();
            case Q8_1 -> quantizeQ8_1(x, variant).values();
            case Q8_K -> quantizeQ8_K(x).values();
        };
    }

    /**
     * Double-precision convenience for the reference forward: with scheme NONE the input is returned
     * unchanged (still double); otherwise it is first converted to float, as llama.cpp holds activations
     * in float, then rounded.
     */
    public static double[] round(Scheme scheme, double[] x, Q8Variant variant) {
        if (scheme == Scheme.NONE) {
            return x.clone();
        }
        float[] f = new float[x.length];
        for (int i = 0; i < x.length; i++) f[i] = (float) x[i];
        float[] r = round(scheme, f, variant);
        double[] out = new double[r.length];
        for (int i = 0; i < r.length; i++) out[i] = r[i];
        return out;
    }

    // ---------------------------------------------------------------- Q8_0 / Q8_1

    private static void requireBlocks(int n, int block) {
        if (n % block != 0) {
            throw new IllegalArgumentException("length " + n + " is not a multiple of the block size " + block);
        }
    }

    /** C's roundf: nearest integer, halves away from zero. */
    static float roundHalfAway(float v) {
        double a = Math.floor(Math.abs((double) v) + 0.5); // exact in double for any float below 2^52
        return (float) Math.copySign(a, v);
    }

    private static Q8Blocks q8(float[] x, Q8Variant variant, boolean withSum) {
        requireBlocks(x.length, 32);
        int nb = x.length / 32;
        float[] d = new float[nb];
        float[] s = withSum ? new float[nb] : null;
        byte[] q = new byte[x.length];
        for (int ib = 0; ib < nb; ib++) {
            float amax = 0f;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(x[ib * 32 + j]));
            float dd = amax / 127f;
            float id = switch (variant) {
                case REFERENCE, ARM_NEON -> dd != 0f ? 1f / dd : 0f;
                case X86_SIMD -> amax != 0f ? 127f / amax : 0f;
            };
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                float v = x[ib * 32 + j] * id;
                float r = variant == Q8Variant.REFERENCE ? roundHalfAway(v) : (float) Math.rint(v);
                int qi = (int) r;
                q[ib * 32 + j] = (byte) qi;
                sum += qi;
            }
            d[ib] = JavaDequant.roundToFp16(dd);
            if (withSum) {
                s[ib] = JavaDequant.roundToFp16(sum * dd);
            }
        }
        return new Q8Blocks(withSum ? Scheme.Q8_1 : Scheme.Q8_0, 32, d, q, s, null);
    }

    /** Quantizes {@code x} (length a multiple of 32) to Q8_0 as llama.cpp does for Q4_0/Q5_0/Q8_0 weights. */
    public static Q8Blocks quantizeQ8_0(float[] x, Q8Variant variant) {
        return q8(x, variant, false);
    }

    /** Quantizes {@code x} (length a multiple of 32) to Q8_1 as llama.cpp does for Q4_1/Q5_1 weights. */
    public static Q8Blocks quantizeQ8_1(float[] x, Q8Variant variant) {
        return q8(x, variant, true);
    }

    // ---------------------------------------------------------------- Q8_K

    /**
     * Quantizes {@code x} (length a multiple of 256) to Q8_K as ggml's {@code quantize_row_q8_K_ref}
     * (which the x86 build also uses): per block, max = the signed value of largest magnitude (first one
     * wins), iscale = -127/max, q = min(127, nearest-even(iscale*x)), d = 1/iscale; an all-zero block gets
     * d = 0 and q = 0.
     */
    public static Q8Blocks quantizeQ8_K(float[] x) {
        requireBlocks(x.length, 256);
        int nb = x.length / 256;
        float[] d = new float[nb];
        byte[] q = new byte[x.length];
        short[] bsums = new short[nb * 16];
        for (int ib = 0; ib < nb; ib++) {
            float max = 0f, amax = 0f;
            for (int j = 0; j < 256; j++) {
                float ax = Math.abs(x[ib * 256 + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[ib * 256 + j];
                }
            }
            if (amax == 0f) {
                d[ib] = 0f;
                continue; // q and bsums stay zero
            }
            float iscale = -127f / max;
            for (int j = 0; j < 256; j++) {
                int v = (int) Math.rint(iscale * x[ib * 256 + j]);
                q[ib * 256 + j] = (byte) Math.min(127, v);
            }
            for (int g = 0; g < 16; g++) {
                int sum = 0;
                for (int j = 0; j < 16; j++) sum += q[ib * 256 + g * 16 + j];
                bsums[ib * 16 + g] = (short) sum;
            }
            d[ib] = 1f / iscale;
        }
        return new Q8Blocks(Scheme.Q8_K, 256, d, q, null, bsums);
    }
}
