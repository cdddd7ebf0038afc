package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Our forward reproduces llama.cpp's logits on its own tiny mamba2 files (../shared/testdata): 16
 * tokens, and 300 tokens (past the forward's 256-token micro-batch and across several 64-token
 * chunks of the scan) at every position, in one call and token by token.
 */
class LlamaCppConformanceTest {

    static int[] tokens(String file) throws IOException {
        return Arrays.stream(Files.readString(TestModels.testdataFile(file)).strip().split(","))
                .mapToInt(s -> Integer.parseInt(s.strip())).toArray();
    }

    static float[] logits(String file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(TestModels.testdataFile(file))).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    /** All logits of {@code tokens} from a zero state, fed {@code batch} tokens per call. */
    static float[] run(Path model, int[] tokens, int batch) throws IOException {
        try (Model m = Model.load(model); Session s = m.newSession()) {
            int v = m.params().nVocab();
            float[] got = new float[tokens.length * v];
            for (int i = 0; i < tokens.length; i += batch) {
                float[] part = s.evalAll(Arrays.copyOfRange(tokens, i, Math.min(tokens.length, i + batch)));
                System.arraycopy(part, 0, got, i * v, part.length);
            }
            return got;
        }
    }

    /** The worst position's relative L2 distance, and where. */
    static double[] worstPosition(float[] got, float[] want, int v) {
        double worst = 0;
        int at = 0;
        for (int t = 0; t < want.length / v; t++) {
            double err = 0, norm = 0;
            for (int i = t * v; i < (t + 1) * v; i++) {
                err += (got[i] - want[i]) * (double) (got[i] - want[i]);
                norm += want[i] * (double) want[i];
            }
            double rel = Math.sqrt(err / norm);
            if (!(rel <= worst)) {
                worst = rel;
                at = t;
            }
        }
        return new double[] {worst, at};
    }

    @ParameterizedTest
    @CsvSource({"mamba2-tiny-f32, 1e-5", "mamba2-tiny-q8_0, 1e-5"})
    void logitsMatchLlamaCpp(String name, double tolerance) throws Exception {
        int[] tokens = tokens("mamba2-tiny.tokens");
        float[] want = logits(name + ".logits");
        Path model = TestModels.testdataFile(name + ".gguf");
        for (int batch : new int[] {tokens.length, 1}) {
            float[] got = run(model, tokens, batch);
            assertEquals(want.length, got.length);
            double err = 0, norm = 0;
            for (int i = 0; i < want.length; i++) {
                err += (got[i] - want[i]) * (double) (got[i] - want[i]);
                norm += want[i] * (double) want[i];
            }
            double rel = Math.sqrt(err / norm);
            assertTrue(rel <= tolerance, name + " batch " + batch + ": relative L2 " + rel + " > " + tolerance);
        }
    }

    /**
     * 300 tokens, every position, one call and one token per call. Bounds 1.3x the worst position
     * measured (x86-64, AVX-512 VNNI + AMX: F32 7.63e-7, Q8_0 7.83e-8, both in one call and token
     * by token).
     */
    @ParameterizedTest
    @CsvSource({"mamba2-tiny-f32, 9.9e-7", "mamba2-tiny-q8_0, 1.02e-7"})
    void longLogitsMatchLlamaCppAtEveryPosition(String name, double bound) throws Exception {
        int[] tokens = tokens("mamba2-tiny-long.tokens");
        assertEquals(300, tokens.length);
        float[] want = logits(name + "-long.logits");
        Path model = TestModels.testdataFile(name + ".gguf");
        for (int batch : new int[] {tokens.length, 1}) {
            float[] got = run(model, tokens, batch);
            assertEquals(want.length, got.length);
            double[] w = worstPosition(got, want, want.length / tokens.length);
            System.out.printf(Locale.ROOT, "%s, %d tokens per call: worst position %d, relative L2 %.3g%n",
                    name, batch, (int) w[1], w[0]);
            assertTrue(w[0] <= bound, name + ", " + batch + " tokens per call: position " + (int) w[1]
                    + " differs from llama.cpp by " + w[0] + " relative L2 (bound " + bound + ")");
        }
    }
}
