package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.jmamba.gguf.GgmlType;
import org.jmamba.reference.ReferenceMamba2;
import org.jmamba.testmodel.RandomMamba2;
import org.jmamba.testmodel.RandomMamba2.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The native forward against the independent double-precision reference, on random models. */
class ForwardVsReferenceTest {
    static final int[] TOKENS = {1, 270, 5, 77, 5, 5, 260, 12, 99, 150, 2, 31};

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

    /** Quantized weights: the same dequantized weights and the same input rounding give the same logits. */
    @ParameterizedTest
    @MethodSource("quantTypes")
    void quantizedForwardMatchesTheReferenceWithRoundedInputs(GgmlType type) throws Exception {
        assumeTrue(Kernels.canCompute(type), "the library cannot compute " + type + " yet");
        Shape shape = new Shape(300, 256, 2, 512, 32, 8, 2, 4, false);
        Path p = TestModels.write(new RandomMamba2.Spec(shape, type, 11));
        compare(p, ReferenceMamba2.Options.ROUNDED, 1e-4);
    }

    /** Without input rounding the reference differs only by quantization noise, even through 24 layers. */
    @ParameterizedTest
    @MethodSource("quantTypes")
    void quantizedForwardStaysCloseToUnroundedReference(GgmlType type) throws Exception {
        assumeTrue(Kernels.canCompute(type), "the library cannot compute " + type + " yet");
        Shape shape = new Shape(300, 256, 24, 512, 32, 8, 1, 4, false);
        Path p = TestModels.write(new RandomMamba2.Spec(shape, type, 5));
        ReferenceMamba2 ref = ReferenceMamba2.load(p, ReferenceMamba2.Options.EXACT);
        try (Model m = Model.load(p); Session s = m.newSession()) {
            double err = 0, norm = 0;
            for (int t : new int[] {1, 17, 42, 99, 7}) {
                double[] want = ref.step(t);
                float[] got = s.eval(t).toArray(ValueLayout.JAVA_FLOAT);
                for (int i = 0; i < want.length; i++) {
                    err += (got[i] - want[i]) * (got[i] - want[i]);
                    norm += want[i] * want[i];
                }
            }
            double rel = Math.sqrt(err / norm);
            assertTrue(rel <= 0.05, type + ": relative L2 error " + rel + " > 5%");
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
