package org.jmamba.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.jmamba.reference.ActivationRounding.Q8Blocks;
import org.jmamba.reference.ActivationRounding.Q8Variant;
import org.jmamba.reference.ActivationRounding.Scheme;
import org.junit.jupiter.api.Test;

class ActivationRoundingTest {

    @Test
    void schemePerWeightType() {
        assertEquals(Scheme.NONE, ActivationRounding.schemeFor(QuantType.F32));
        assertEquals(Scheme.F16, ActivationRounding.schemeFor(QuantType.F16));
        assertEquals(Scheme.BF16, ActivationRounding.schemeFor(QuantType.BF16));
        for (QuantType t : new QuantType[] {QuantType.Q4_0, QuantType.Q5_0, QuantType.Q8_0}) {
            assertEquals(Scheme.Q8_0, ActivationRounding.schemeFor(t), t.name());
        }
        for (QuantType t : new QuantType[] {QuantType.Q4_1, QuantType.Q5_1}) {
            assertEquals(Scheme.Q8_1, ActivationRounding.schemeFor(t), t.name());
        }
        for (QuantType t : new QuantType[] {QuantType.Q2_K, QuantType.Q3_K, QuantType.Q4_K, QuantType.Q5_K, QuantType.Q6_K}) {
            assertEquals(Scheme.Q8_K, ActivationRounding.schemeFor(t), t.name());
        }
    }

    @Test
    void q8_0ByHandWithUnitScale() {
        // amax = 127 -> d = 1 (exact in fp16), id = 1; q = round(x)
        // REFERENCE rounds halves away from zero: -63.5 -> -64, 0.5 -> 1, 2.5 -> 3
        // X86_SIMD and ARM_NEON round halves to even: -63.5 -> -64, 0.5 -> 0, 2.5 -> 2
        float[] x = new float[32];
        x[0] = 127f;
        x[1] = -63.5f;
        x[2] = 0.5f;
        x[3] = 2.5f;
        x[4] = 1.49f;
        Q8Blocks ref = ActivationRounding.quantizeQ8_0(x, Q8Variant.REFERENCE);
        Q8Blocks simd = ActivationRounding.quantizeQ8_0(x, Q8Variant.X86_SIMD);
        Q8Blocks neon = ActivationRounding.quantizeQ8_0(x, Q8Variant.ARM_NEON);
        assertEquals(1f, ref.d()[0]);
        assertArrayEquals(new byte[] {127, -64, 1, 3, 1}, java.util.Arrays.copyOf(ref.q(), 5));
        assertArrayEquals(new byte[] {127, -64, 0, 2, 1}, java.util.Arrays.copyOf(simd.q(), 5));
        assertArrayEquals(new byte[] {127, -64, 0, 2, 1}, java.util.Arrays.copyOf(neon.q(), 5));
        float[] v = ActivationRounding.round(QuantType.Q8_0, x, Q8Variant.REFERENCE);
        assertEquals(-64f, v[1]);
        assertEquals(3f, v[3]);
        assertEquals(0f, v[31]);
    }

    @Test
    void q8_0ScaleIsStoredAsFp16AfterComputingQWithTheFloatScale() {
        // Block of 32 ones: amax = 1, d = 1/127 = 0.0078740157 (float); q = round(1 * 127) = 127.
        // fp16(d): 2^-7 * (1 + m/1024) with m = round((1/127 * 128 - 1) * 1024) = round(8.06) = 8
        //          -> 0.0078125 * 1032/1024 = 0.00787353515625.
        // The value the dot product sees is 127 * 0.00787353515625 = 0.99993896484375, not 1.
        float[] x = new float[32];
        java.util.Arrays.fill(x, 1f);
        Q8Blocks b = ActivationRounding.quantizeQ8_0(x, Q8Variant.REFERENCE);
        assertEquals(0.00787353515625f, b.d()[0]);
        assertEquals(127, b.q()[0]);
        assertEquals(0.99993896484375f, b.values()[5]);
    }

    /**
     * The reciprocal scale: REFERENCE and ARM_NEON multiply by 1/d with d = amax/127 rounded to float, X86_SIMD
     * by 127/amax. For amax = 1.375: d = 0.010826772078871727 (float), 1/d = 92.36363220214844 (float), while
     * 127/1.375 = 92.36363983154297 (float), one ulp apart. x = amax/2 = 0.6875 lands next to the boundary 63.5:
     * 0.6875 * 92.36363220 = 63.499996 -> 63 but 0.6875 * 92.36363983 = 63.500004 -> 64.
     */
    @Test
    void q8_0ReciprocalScaleDiffersBetweenVariants() {
        float[] x = new float[32];
        x[0] = 1.375f;
        x[1] = 0.6875f;
        assertEquals(92.36363220214844f, 1f / (1.375f / 127f));
        assertEquals(92.36363983154297f, 127f / 1.375f);
        assertEquals(63, ActivationRounding.quantizeQ8_0(x, Q8Variant.REFERENCE).q()[1]);
        assertEquals(63, ActivationRounding.quantizeQ8_0(x, Q8Variant.ARM_NEON).q()[1]);
        assertEquals(64, ActivationRounding.quantizeQ8_0(x, Q8Variant.X86_SIMD).q()[1]);
    }

    @Test
    void q8_0AllZeroBlockAndSecondBlockIndependent() {
        float[] x = new float[64];
        x[40] = -2f; // block 1: amax = 2, d = 2/127, q[40] = -127
        x[41] = 0.75f; // 0.75 * 127/2 = 47.625 -> 48
        Q8Blocks b = ActivationRounding.quantizeQ8_0(x, Q8Variant.REFERENCE);
        assertEquals(0f, b.d()[0]);
        for (int i = 0; i < 32; i++) assertEquals(0, b.q()[i]);
        assertEquals(-127, b.q()[40]);
        assertEquals(48, b.q()[41]);
        assertEquals(JavaDequant.roundToFp16(2f / 127f), b.d()[1]);
    }

    @Test
    void q8_1BlockSumUsesTheUnroundedScaleAndIsStoredAsFp16() {
        // 32 ones: q = 127 each, sum = 4064; s = fp16(4064 * (1/127 as float)) = fp16(32.000000x) = 32,
        // whereas fp16(d) * sum = 0.00787353515625 * 4064 = 31.998046875.
        float[] x = new float[32];
        java.util.Arrays.fill(x, 1f);
        Q8Blocks b = ActivationRounding.quantizeQ8_1(x, Q8Variant.REFERENCE);
        assertEquals(32f, b.s()[0]);
        assertEquals(31.998046875f, b.d()[0] * 4064);
        // with d = 1: [127, 1, 1, 0...] -> sum 129, s = 129
        float[] y = new float[32];
        y[0] = 127f;
        y[1] = 1f;
        y[2] = 1f;
        assertEquals(129f, ActivationRounding.quantizeQ8_1(y, Q8Variant.X86_SIMD).s()[0]);
    }

    @Test
    void q8_KByHand() {
        // max is the signed value of largest magnitude, the first one on ties: x[0] = -127 beats x[2] = 127.
        // iscale = -127 / -127 = 1; q = nearest-even(x): 63.5 -> 64, 2.5 -> 2, -0.5 -> 0, 127 -> 127; d = 1.
        float[] x = new float[256];
        x[0] = -127f;
        x[1] = 63.5f;
        x[2] = 127f;
        x[3] = 2.5f;
        x[20] = -0.5f;
        x[21] = 3.5f;
        Q8Blocks b = ActivationRounding.quantizeQ8_K(x);
        assertEquals(1f, b.d()[0]);
        assertEquals(-127, b.q()[0]);
        assertEquals(64, b.q()[1]);
        assertEquals(127, b.q()[2]);
        assertEquals(2, b.q()[3]);
        assertEquals(0, b.q()[20]);
        assertEquals(4, b.q()[21]);
        // bsums: group 0 = -127 + 64 + 127 + 2 = 66; group 1 = 0 + 4 = 4
        assertEquals(66, b.bsums()[0]);
        assertEquals(4, b.bsums()[1]);
        assertEquals(0, b.bsums()[2]);
        assertEquals(63.5f, x[1]);
        assertEquals(64f, b.values()[1]);
    }

    @Test
    void q8_KPositiveMaxFlipsNothingButTheSignOfD() {
        float[] x = new float[256];
        x[7] = 4f;
        x[8] = -1f;
        Q8Blocks b = ActivationRounding.quantizeQ8_K(x);
        // iscale = -127/4 = -31.75: q[7] = -127, q[8] = 31.75 -> 32; d = -4/127
        assertEquals(-127, b.q()[7]);
        assertEquals(32, b.q()[8]);
        assertTrue(b.d()[0] < 0);
        assertEquals(4f, b.values()[7], 1e-6f);
        assertEquals(-32 * 4f / 127f, b.values()[8], 1e-6f);
        // all-zero block: d = 0, all q = 0
        Q8Blocks z = ActivationRounding.quantizeQ8_K(new float[256]);
        assertEquals(0f, z.d()[0]);
    }

    @Test
    void f16AndBf16Rounding() {
        float[] x = {1f + (float) Math.scalb(1.0, -11), 1.00390625f, 1f / 3f};
        float[] h = ActivationRounding.round(QuantType.F16, x, Q8Variant.REFERENCE);
        float[] b = ActivationRounding.round(QuantType.BF16, x, Q8Variant.REFERENCE);
        assertEquals(1f, h[0]);                           // fp16 tie -> even
        assertEquals(1f, b[1]);                           // bf16 tie -> even
        assertEquals(0.333251953125f, h[2]);              // 1/3 in fp16: 0x3555
        assertEquals(0.333984375f, b[2]);                 // 1/3 in bf16: 0x3EAB
        assertArrayEquals(x, ActivationRounding.round(QuantType.F32, x, Q8Variant.REFERENCE));
    }

    /**
     * The point of the rounding: ggml's integer dot product of Q8_0 weights with the Q8_0-quantized input,
     * sum_b d_w[b] * d_x[b] * sum_j qw[j] * qx[j], equals the double dot of the dequantized weights with the
     * rounded input.
     */
    @Test
    void integerDotEqualsDoubleDotWithRoundedInputQ8_0() {
        Random r = new Random(7);
        int n = 128;
        byte[] qw = new byte[n];
        float[] dw = new float[n / 32];
        double[] w = new double[n];
        for (int b = 0; b < n / 32; b++) {
            dw[b] = JavaDequant.roundToFp16(0.01f + r.nextFloat() * 0.02f);
            for (int j = 0; j < 32; j++) {
                qw[b * 32 + j] = (byte) (r.nextInt(255) - 127);
                w[b * 32 + j] = (double) dw[b] * qw[b * 32 + j];
            }
        }
        double[] x = new double[n];
        for (int i = 0; i < n; i++) x[i] = r.nextGaussian();
        float[] xf = new float[n];
        for (int i = 0; i < n; i++) xf[i] = (float) x[i];
        Q8Blocks qx = ActivationRounding.quantizeQ8_0(xf, Q8Variant.REFERENCE);
        double integerDot = 0;
        for (int b = 0; b < n / 32; b++) {
            long sumi = 0;
            for (int j = 0; j < 32; j++) sumi += (long) qw[b * 32 + j] * qx.q()[b * 32 + j];
            integerDot += (double) dw[b] * qx.d()[b] * sumi;
        }
        double viaMatrix = Matrix.of(QuantType.Q8_0, 1, n, w).mul(x, true, Q8Variant.REFERENCE)[0];
        double unrounded = Matrix.of(QuantType.Q8_0, 1, n, w).mul(x, false, Q8Variant.REFERENCE)[0];
        assertEquals(integerDot, viaMatrix, 1e-12 * Math.abs(integerDot));
        assertNotEquals(integerDot, unrounded, 1e-9 * Math.abs(integerDot));
    }

    /**
     * Q4_1 x Q8_1: ggml computes sum_b (d_w d_x sum_j qw qx + m_b * s_b) with s_b the fp16 block sum; the
     * {@link Matrix} path with block minimums reproduces that, the plain rounded path differs by the fp16
     * rounding of s.
     */
    @Test
    void q4_1DotUsesTheStoredBlockSum() {
        Random r = new Random(8);
        int n = 64;
        float[] dw = new float[2], mw = new float[2];
        int[] qw = new int[n];
        double[] w = new double[n];
        for (int b = 0; b < 2; b++) {
            dw[b] = JavaDequant.roundToFp16(0.05f + 0.01f * b);
            mw[b] = JavaDequant.roundToFp16(-0.4f - 0.1f * b);
            for (int j = 0; j < 32; j++) {
                qw[b * 32 + j] = r.nextInt(16);
                w[b * 32 + j] = (double) qw[b * 32 + j] * dw[b] + mw[b];
            }
        }
        double[] x = new double[n];
        float[] xf = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = 0.5 + r.nextDouble(); // all positive: the min terms do not cancel
            xf[i] = (float) x[i];
        }
        Q8Blocks qx = ActivationRounding.quantizeQ8_1(xf, Q8Variant.REFERENCE);
        double ggml = 0;
        for (int b = 0; b < 2; b++) {
            long sumi = 0;
            for (int j = 0; j < 32; j++) sumi += (long) qw[b * 32 + j] * qx.q()[b * 32 + j];
            ggml += (double) dw[b] * qx.d()[b] * sumi + (double) mw[b] * qx.s()[b];
        }
        double[] mins = {mw[0], mw[1]};
        double exact = new Matrix(QuantType.Q4_1, 1, n, w, mins).mul(x, true, Q8Variant.REFERENCE)[0];
        double plain = Matrix.of(QuantType.Q4_1, 1, n, w).mul(x, true, Q8Variant.REFERENCE)[0];
        assertEquals(ggml, exact, 1e-12 * Math.abs(ggml));
        assertTrue(Math.abs(plain - ggml) > 1e-9 * Math.abs(ggml), "fp16 block sum should be visible");
    }
}
