package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.jmamba.gguf.GgmlType;
import org.jmamba.reference.ReferenceMamba2;
import org.jmamba.testkit.RandomMamba2;
import org.jmamba.testkit.RandomMamba2.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The native forward against the independent double-precision reference, on random models. */
class ForwardVsReferenceTest {
    /** 150 tokens: in one call they take the chunked scan (two whole chunks of 64 and a partial one). */
    static final int[] TOKENS = java.util.stream.IntStream.range(0, 150)
            .map(i -> i < 12 ? new int[] {1, 270, 5, 77, 5, 5, 260, 12, 99, 150, 2, 31}[i] : (i * 37 + 11) % 277)
            .toArray();

    static Stream<Arguments> f32Shapes() {
        return Stream.of(
                // nVocab, dModel, nLayer, dInner, dState, nHead, nGroup, dConv, tied
                Arguments.of(new Shape(333, 64, 1, 128, 16, 8, 1, 4, false)),     // G 1, P 16, N 16
                Arguments.of(new Shape(301, 64, 2, 128, 32, 4, 2, 4, true)),      // P 32, tied
                Arguments.of(new Shape(320, 128, 3, 256, 64, 4, 1, 4, false)),    // P 64, N 64
                Arguments.of(new Shape(401, 64, 4, 512, 128, 8, 8, 4, false)),    // G 8, N 128, P 64
                Arguments.of(new Shape(277, 96, 2, 192, 16, 12, 4, 3, true)));    // K 3, odd vocab
    }

    @ParameterizedTest
    @MethodSource("f32Shapes")
    void f32ForwardMatchesTheReference(Shape shape) throws Exception {
        Path p = TestModels.write(shape, GgmlType.F32, shape.hashCode());
        compare(p, ReferenceMamba2.Options.EXACT, 1e-4);
    }

    static Stream<Arguments> quantTypes() {
        return Stream.of(GgmlType.F16, GgmlType.BF16, GgmlType.Q8_0, GgmlType.Q4_0, GgmlType.Q4_1, GgmlType.Q5_0,
                GgmlType.Q5_1, GgmlType.Q2_K, GgmlType.Q3_K, GgmlType.Q4_K, GgmlType.Q5_K, GgmlType.Q6_K).map(Arguments::of);
    }

    /**
     * Every matmul of a quantized model, native against the reference on the same float inputs: the
     * same dequantized weights and the same input rounding give the same products (the rounding
     * decisions are identical here because both sides start from identical floats).
     */
    @ParameterizedTest
    @MethodSource("quantTypes")
    void quantizedMatmulsMatchTheReferenceWithRoundedInputs(GgmlType type) throws Exception {
        assumeTrue(Kernels.canCompute(type), "the library cannot compute " + type + " yet");
        Shape shape = new Shape(300, 256, 1, 512, 32, 8, 2, 4, false);
        Path p = TestModels.write(new RandomMamba2.Spec(shape, type, 11));
        var weights = org.jmamba.reference.ReferenceWeightsLoader.load(p);
        try (var f = org.jmamba.gguf.GgufFile.open(p); Kernels k = new Kernels(2); var arena = java.lang.foreign.Arena.ofConfined()) {
            for (String name : new String[] {"blk.0.ssm_in.weight", "blk.0.ssm_out.weight", "output.weight"}) {
                var info = f.tensor(name).orElseThrow();
                var m = switch (name) {
                    case "blk.0.ssm_in.weight" -> weights.layers().get(0).ssmIn();
                    case "blk.0.ssm_out.weight" -> weights.layers().get(0).ssmOut();
                    default -> weights.output();
                };
                int cols = 3, n = m.cols(), rows = m.rows();
                java.util.SplittableRandom r = new java.util.SplittableRandom(name.hashCode());
                float[] x = new float[cols * n];
                for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextGaussian() * (1 + (i % 7)));
                var xs = arena.allocateFrom(ValueLayout.JAVA_FLOAT, x);
                var ys = arena.allocate((long) cols * rows * Float.BYTES);
                k.matmul(type, f.tensorData(info), n, rows, xs, cols, ys);
                for (int c = 0; c < cols; c++) {
                    double[] xc = new double[n];
                    for (int i = 0; i < n; i++) xc[i] = x[c * n + i];
                    double[] want = m.mul(xc, true, org.jmamba.reference.ActivationRounding.Q8Variant.X86_SIMD);
                    double worst = 0, scale = 0;
                    for (int i = 0; i < rows; i++) {
                        worst = Math.max(worst, Math.abs(ys.getAtIndex(ValueLayout.JAVA_FLOAT, (long) c * rows + i) - want[i]));
                        scale = Math.max(scale, Math.abs(want[i]));
                    }
                    assertTrue(worst <= 1e-5 * scale, type + " " + name + " column " + c + ": max |diff| " + worst
                            + " > 1e-5 * max |y| " + scale);
                }
            }
        }
    }

    /**
     * The whole quantized forward against the reference with the same input rounding. Native floats and
     * reference doubles differ in their last bits, and an activation that sits on a rounding boundary
     * of its 8-bit (or 16-bit) format can then round one step apart on the two sides; one such step
     * moves the logits by up to about 1e-2 of their spread. The bound allows a few of those and no more.
     */
    @ParameterizedTest
    @MethodSource("quantTypes")
    void quantizedForwardMatchesTheReferenceWithRoundedInputs(GgmlType type) throws Exception {
        assumeTrue(Kernels.canCompute(type), "the library cannot compute " + type + " yet");
        Shape shape = new Shape(300, 256, 2, 512, 32, 8, 2, 4, false);
        Path p = TestModels.write(new RandomMamba2.Spec(shape, type, 11));
        compare(p, ReferenceMamba2.Options.ROUNDED, 5e-2);
        double rel = relativeL2(p, ReferenceMamba2.Options.ROUNDED, 2);
        assertTrue(rel <= 2e-3, type + ": relative L2 error " + rel + " against the rounded reference");
    }

    /** Without input rounding the reference differs only by quantization noise, even through 24 layers. */
    @ParameterizedTest
    @MethodSource("quantTypes")
    void quantizedForwardStaysCloseToUnroundedReference(GgmlType type) throws Exception {
        assumeTrue(Kernels.canCompute(type), "the library cannot compute " + type + " yet");
        Shape shape = new Shape(300, 256, 24, 512, 32, 8, 1, 4, false);
        Path p = TestModels.write(new RandomMamba2.Spec(shape, type, 5));
        double rel = relativeL2(p, ReferenceMamba2.Options.EXACT, 1);
        assertTrue(rel <= 0.05, type + ": relative L2 error " + rel + " > 5%");
    }

    /** Relative L2 distance of the native logits from the reference's over a few tokens. */
    static double relativeL2(Path p, ReferenceMamba2.Options options, int threads) throws Exception {
        ReferenceMamba2 ref = ReferenceMamba2.load(p, options);
        try (Model m = Model.load(p, Model.Options.defaults().withThreads(threads)); Session s = m.newSession()) {
            double err = 0, norm = 0;
            for (int t : new int[] {1, 17, 42, 99, 7}) {
                double[] want = ref.step(t);
                float[] got = s.eval(t).toArray();
                for (int i = 0; i < want.length; i++) {
                    err += (got[i] - want[i]) * (got[i] - want[i]);
                    norm += want[i] * want[i];
                }
            }
            return Math.sqrt(err / norm);
        }
    }

    static void compare(Path model, ReferenceMamba2.Options options, double tol) throws Exception {
        ReferenceMamba2 ref = ReferenceMamba2.load(model, options);
        try (Model m = Model.load(model); Session s = m.newSession()) {
            int v = m.params().nVocab();
            float[] all = s.evalAll(TOKENS);
            for (int t = 0; t < TOKENS.length; t++) {
                double[] want = ref.step(TOKENS[t] % v);
                double mean = 0, var = 0, maxDiff = 0;
                for (double x : want) mean += x / v;
                for (double x : want) var += (x - mean) * (x - mean) / v;
                for (int i = 0; i < v; i++) maxDiff = Math.max(maxDiff, Math.abs(all[t * v + i] - want[i]));
                double bound = tol * Math.sqrt(var);
                assertTrue(maxDiff <= bound, model.getFileName() + " position " + t + ": max |diff| " + maxDiff
                        + " > " + tol + " * std " + Math.sqrt(var));
            }
        }
    }
}
