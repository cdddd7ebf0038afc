package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Our forward reproduces llama.cpp's logits on its own tiny mamba2 files (../shared/testdata). */
class LlamaCppConformanceTest {

    @ParameterizedTest
    @CsvSource({"mamba2-tiny-f32, 1e-5", "mamba2-tiny-q8_0, 1e-5"})
    void logitsMatchLlamaCpp(String name, double tolerance) throws Exception {
        Path dir = TestModels.testdata();
        assumeTrue(dir != null && Files.isDirectory(dir), "no ../shared/testdata: llama.cpp conformance data absent");
        int[] tokens = Arrays.stream(Files.readString(dir.resolve("mamba2-tiny.tokens")).strip().split(","))
                .mapToInt(s -> Integer.parseInt(s.strip())).toArray();
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(dir.resolve(name + ".logits"))).order(ByteOrder.LITTLE_ENDIAN);
        float[] want = new float[b.remaining() / 4];
        b.asFloatBuffer().get(want);
        for (int batch : new int[] {tokens.length, 1}) {
            try (Model m = Model.load(dir.resolve(name + ".gguf")); Session s = m.newSession()) {
                assertEquals(tokens.length * m.params().nVocab(), want.length);
                float[] got = new float[want.length];
                for (int i = 0; i < tokens.length; i += batch) {
                    float[] part = s.evalAll(Arrays.copyOfRange(tokens, i, Math.min(tokens.length, i + batch)));
                    System.arraycopy(part, 0, got, i * m.params().nVocab(), part.length);
                }
                double err = 0, norm = 0;
                for (int i = 0; i < want.length; i++) {
                    err += (got[i] - want[i]) * (double) (got[i] - want[i]);
                    norm += want[i] * (double) want[i];
                }
                double rel = Math.sqrt(err / norm);
                assertTrue(rel <= tolerance, name + " batch " + batch + ": relative L2 " + rel + " > " + tolerance);
            }
        }
    }
}
