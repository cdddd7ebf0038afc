package org.jmamba.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;
import java.util.SplittableRandom;
import org.jmamba.Kernels;
import org.jmamba.gguf.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every type the quantizer writes, through the native kernels: quantize random rows, dequantize,
 * and bound the relative RMS error (Gaussian rows of growing scale; the bounds sit a little above
 * what ggml's reference rounding gives on such data). Also checks the output size and that the multi-threaded quantizer
 * gives the same bytes as a single thread.
 */
class KernelRoundTripTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "F16,  0.0005", "BF16, 0.004",
        "Q8_0, 0.008", "Q5_1, 0.055", "Q5_0, 0.06", "Q4_1, 0.11", "Q4_0, 0.12",
        "Q6_K, 0.025", "Q5_K, 0.05", "Q4_K, 0.1", "Q3_K, 0.2", "Q2_K, 0.4",
    })
    void roundTrip(GgmlType type, double bound) {
        assumeTrue(TestUtil.canQuantize(type), "the native library does not quantize " + type + " yet");
        int rows = 24, perRow = 1024;
        float[] x = new float[rows * perRow];
        SplittableRandom r = new SplittableRandom(7 + type.ordinal());
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * (1 + i / perRow));
        byte[] q1, q2;
        try (Kernels one = new Kernels(1); Kernels two = new Kernels(2)) {
            q1 = one.quantize(type, x, rows, perRow);
            q2 = two.quantize(type, x, rows, perRow);
        }
        assertEquals(type.rowBytes(perRow) * rows, q1.length);
        assertArrayEquals(q1, q2, "threads change the bytes");
        float[] y;
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            y = Kernels.dequantize(type, a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, q1), x.length);
        }
        double worst = 0;
        for (int row = 0; row < rows; row++) {
            double num = 0, den = 0;
            for (int i = row * perRow; i < (row + 1) * perRow; i++) {
                num += (x[i] - y[i]) * (double) (x[i] - y[i]);
                den += x[i] * (double) x[i];
            }
            worst = Math.max(worst, Math.sqrt(num / den));
        }
        System.out.printf(Locale.ROOT, "round trip %-5s worst row relative RMS error %.5f (bound %.4f), %.3f bits/weight%n",
                type, worst, bound, q1.length * 8.0 / x.length);
        assertTrue(worst < bound, type + ": relative RMS error " + worst + " >= " + bound);
    }
}
