package org.jmamba.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.jmamba.gguf.GgmlType;
import org.jmamba.reference.ActivationRounding.Q8Variant;
import org.jmamba.reference.ReferenceMamba2.GroupMapping;
import org.jmamba.reference.ReferenceMamba2.Options;
import org.jmamba.reference.ReferenceMamba2.Weights;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Checks the oracle itself against llama.cpp: the logits llama.cpp computed for the tiny random
 * mamba2 models in the shared test data (d_model 64, 2 layers, d_inner 128, N 16, H 8, G 2,
 * vocab 320), from a zero state, one batch of 16 tokens.
 */
class ReferenceMamba2ConformanceTest {

    private static final int N_TOKENS = 16, N_VOCAB = 320;

    private static Path dir;
    private static String missing; // why the data could not be used, or null
    private static int[] tokens;
    private static Weights f32, q8;
    private static float[][] f32Logits, q8Logits;

    @BeforeAll
    static void load() throws IOException {
        String prop = System.getProperty("jmamba.testdata");
        dir = prop == null ? null : Path.of(prop);
        if (dir == null || !Files.isRegularFile(dir.resolve("mamba2-tiny-f32.gguf"))) {
            missing = "llama.cpp test data not found (system property jmamba.testdata = " + prop
                    + "; expected mamba2-tiny-*.gguf there)";
            System.err.println("[reference] " + missing);
            return;
        }
        tokens = Arrays.stream(Files.readString(dir.resolve("mamba2-tiny.tokens")).trim().split(","))
                .map(String::trim).mapToInt(Integer::parseInt).toArray();
        assertEquals(N_TOKENS, tokens.length);
        f32 = ReferenceWeightsLoader.load(dir.resolve("mamba2-tiny-f32.gguf"));
        q8 = ReferenceWeightsLoader.load(dir.resolve("mamba2-tiny-q8_0.gguf"));
        f32Logits = readLogits(dir.resolve("mamba2-tiny-f32.logits"));
        q8Logits = readLogits(dir.resolve("mamba2-tiny-q8_0.logits"));
    }

    @BeforeEach
    void requireData() {
        org.jmamba.TestModels.requireTestdata(missing == null, missing);
    }

    private static float[][] readLogits(Path p) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(N_TOKENS * N_VOCAB * 4, b.capacity(), p + " size");
        float[][] out = new float[N_TOKENS][N_VOCAB];
        for (float[] row : out) for (int v = 0; v < N_VOCAB; v++) row[v] = b.getFloat();
        return out;
    }

    /** Agreement figures between our logits and llama.cpp's. */
    record Agreement(double maxAbs, double refStd, double relL2) {
        @Override
        public String toString() {
            return String.format("max|diff| = %.3e (%.3e x std %.4f), relative L2 = %.3e",
                    maxAbs, maxAbs / refStd, refStd, relL2);
        }
    }

    private static Agreement run(Weights w, Options o, float[][] ref) {
        ReferenceMamba2 m = new ReferenceMamba2(w, o);
        double maxAbs = 0, num = 0, den = 0, sum = 0, sum2 = 0;
        for (int t = 0; t < N_TOKENS; t++) {
            double[] logits = m.step(tokens[t]);
            for (int v = 0; v < N_VOCAB; v++) {
                double r = ref[t][v], d = logits[v] - r;
                maxAbs = Math.max(maxAbs, Math.abs(d));
                num += d * d;
                den += r * r;
                sum += r;
                sum2 += r * r;
            }
        }
        int n = N_TOKENS * N_VOCAB;
        double mean = sum / n;
        return new Agreement(maxAbs, Math.sqrt(sum2 / n - mean * mean), Math.sqrt(num / den));
    }

    @Test
    void hyperParametersOfTheTinyModel() {
        ReferenceMamba2.Config c = f32.config();
        assertEquals(new ReferenceMamba2.Config(64, 2, 4, 128, 16, 8, 2, c.eps(), 320), c);
        assertSame(f32.tokenEmbd(), f32.output(), "tied output");
        assertEquals(QuantType.Q8_0, q8.layers().get(0).ssmIn().type());
        assertEquals(QuantType.Q8_0, q8.tokenEmbd().type());
        assertNotNull(f32.layers().get(1).ssmNorm());
    }

    @Test
    void f32ModelMatchesLlamaCppWithoutRounding() {
        Agreement a = run(f32, Options.EXACT, f32Logits);
        System.out.println("[reference] F32, exact:            " + a);
        assertTrue(a.maxAbs() <= 1e-4 * a.refStd(), "F32: " + a);
        assertTrue(a.relL2() <= 1e-5, "F32: " + a);
    }

    @Test
    void roundingIsANoOpForF32Weights() {
        ReferenceMamba2 exact = new ReferenceMamba2(f32, Options.EXACT);
        ReferenceMamba2 rounded = new ReferenceMamba2(f32, Options.ROUNDED);
        for (int t : tokens) assertArrayEquals(exact.step(t), rounded.step(t));
    }

    /**
     * llama.cpp computed the Q8_0 logits on x86, where the activation is quantized with id = 127/amax and
     * round-to-nearest-even: only that flavour reproduces them to ~1e-7. The reference-C flavour (id = 1/d,
     * halves away from zero) flips at least one activation by a quantization step and lands near 1e-2, which is
     * how sensitive this tiny model is; keeping f32 inputs gives the README's ~1.6%.
     */
    @Test
    void q8ModelMatchesLlamaCppWhenInputsAreRoundedToQ8_0() {
        Agreement x86 = run(q8, Options.ROUNDED, q8Logits);
        Agreement ref = run(q8, Options.rounded(Q8Variant.REFERENCE), q8Logits);
        Agreement neon = run(q8, Options.rounded(Q8Variant.ARM_NEON), q8Logits);
        Agreement plain = run(q8, Options.EXACT, q8Logits);
        System.out.println("[reference] Q8_0, rounded (x86):   " + x86);
        System.out.println("[reference] Q8_0, rounded (ref C): " + ref);
        System.out.println("[reference] Q8_0, rounded (NEON):  " + neon);
        System.out.println("[reference] Q8_0, not rounded:     " + plain);
        assertEquals(Q8Variant.X86_SIMD, Options.ROUNDED.q8Variant());
        assertTrue(x86.relL2() <= 1e-6, "Q8_0 rounded (x86): " + x86);
        assertTrue(x86.maxAbs() <= 1e-5 * x86.refStd(), "Q8_0 rounded (x86): " + x86);
        // the README's ~1.6% for a forward that keeps f32 inputs
        assertTrue(plain.relL2() > 5e-3 && plain.relL2() < 5e-2, "Q8_0 not rounded: " + plain);
        assertTrue(x86.relL2() * 1000 < plain.relL2(), "rounding should bring us much closer: " + x86 + " vs " + plain);
        // the other flavours still round, just not bit-for-bit like the x86 build
        assertTrue(ref.relL2() < plain.relL2() && neon.relL2() < plain.relL2(), ref + " / " + neon + " vs " + plain);
    }

    /**
     * With G = 2 and H = 8, heads 0-3 read group 0 and heads 4-7 group 1 (g = h / (H/G)); dealing the heads
     * out round-robin (g = h % G) must not reproduce llama.cpp.
     */
    @Test
    void headsReadTheirGroupInBlocks() {
        Agreement blocked = run(f32, Options.EXACT, f32Logits);
        Agreement interleaved = run(f32, new Options(false, Q8Variant.REFERENCE, GroupMapping.INTERLEAVED), f32Logits);
        System.out.println("[reference] F32, g = h % G (wrong): " + interleaved);
        assertTrue(interleaved.relL2() > 1000 * blocked.relL2(), "blocked " + blocked + ", interleaved " + interleaved);
    }

    @Test
    void resetRestartsFromAZeroState() {
        ReferenceMamba2 m = new ReferenceMamba2(f32);
        double[][] first = new double[3][];
        for (int t = 0; t < 3; t++) first[t] = m.step(tokens[t]);
        assertTrue(Arrays.stream(m.ssmState(0)).anyMatch(v -> v != 0));
        m.reset();
        assertTrue(Arrays.stream(m.ssmState(1)).allMatch(v -> v == 0));
        assertTrue(Arrays.stream(m.convState(1)).allMatch(v -> v == 0));
        for (int t = 0; t < 3; t++) assertArrayEquals(first[t], m.step(tokens[t]));
    }

    /** The Q8_0 file is llama.cpp's quantization of the F32 file: each weight within half a step of the original. */
    @Test
    void q8_0WeightsAreWithinHalfAStepOfTheF32Weights() {
        Matrix a = f32.layers().get(0).ssmIn(), b = q8.layers().get(0).ssmIn();
        double worst = 0;
        for (int blk = 0; blk < a.w().length / 32; blk++) {
            double amax = 0;
            for (int j = 0; j < 32; j++) amax = Math.max(amax, Math.abs(a.w()[blk * 32 + j]));
            double step = JavaDequant.roundToFp16((float) (amax / 127));
            for (int j = 0; j < 32; j++) {
                double err = Math.abs(a.w()[blk * 32 + j] - b.w()[blk * 32 + j]);
                // half a step, plus the fp16 rounding of the step times |q| <= 127
                assertTrue(err <= 0.5 * step + 127 * step * 0x1p-11 + 1e-12, "block " + blk + " value " + j);
                worst = Math.max(worst, err / step);
            }
        }
        assertTrue(worst > 0.25, "quantization error should be visible, worst " + worst + " steps");
    }

    /** Our independent block geometry agrees with the GGUF reader's for every type both know. */
    @Test
    void blockGeometryAgreesWithTheGgufReader() {
        for (QuantType t : QuantType.values()) {
            GgmlType g = GgmlType.fromId(t.id);
            assertEquals(t.name(), g.name(), "name of id " + t.id);
            assertEquals(t.blockSize, g.blockSize(), t.name());
            assertEquals(t.bytesPerBlock, g.bytesPerBlock(), t.name());
        }
    }
}
