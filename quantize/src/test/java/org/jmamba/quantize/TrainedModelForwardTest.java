package org.jmamba.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.testkit.TrainedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Our forward on the trained model against the PyTorch reference (models/train/mamba2.py, float64,
 * from the weights the committed F16 file holds): logits-batched.f32 from the chunked SSD form over
 * a held-out snippet, logits-stepped.f32 from the recurrent form. The F16 file widened to F32
 * (exactly: every F16 value is an F32 value) must match within the bound the random-model tests use
 * (ForwardVsReferenceTest: max |diff| <= 1e-4 of the logits' spread at each position), evaluated
 * in one batch and token by token; the F16 file itself (activations rounded to fp16 before its
 * matrix products, as llama.cpp does) stays within its pinned relative error.
 */
class TrainedModelForwardTest {
    @TempDir
    static Path dir;
    static Path f32;
    static int[] tokens;
    static float[] batched, stepped;
    static int nVocab;

    @BeforeAll
    static void load() throws Exception {
        f32 = dir.resolve("trained-f32.gguf");
        Quantizer.quantize(TrainedModel.gguf(), f32, Quantizer.Options.of(FileType.F32), Progress.NONE);
        tokens = TrainedModel.ids(Files.readString(TrainedModel.reference("logits-tokens.txt")));
        try (Model m = Model.load(f32)) {
            nVocab = m.params().nVocab();
        }
        batched = TrainedModel.floats("logits-batched.f32", nVocab);
        stepped = TrainedModel.floats("logits-stepped.f32", nVocab);
        assertEquals(tokens.length, batched.length / nVocab, "one row of reference logits per snippet token");
    }

    /** Worst over positions of max |diff| / std of the reference row. */
    static double worst(float[] got, float[] want, int rows) {
        double worst = 0;
        for (int t = 0; t < rows; t++) {
            double mean = 0, var = 0, max = 0;
            for (int i = 0; i < nVocab; i++) mean += want[t * nVocab + i] / (double) nVocab;
            for (int i = 0; i < nVocab; i++) var += Math.pow(want[t * nVocab + i] - mean, 2) / nVocab;
            for (int i = 0; i < nVocab; i++) max = Math.max(max, Math.abs(got[t * nVocab + i] - want[t * nVocab + i]));
            worst = Math.max(worst, max / Math.sqrt(var));
        }
        return worst;
    }

    static float[] oneByOne(Path model, int n) throws Exception {
        float[] out = new float[n * nVocab];
        try (Model m = Model.load(model); Session s = m.newSession()) {
            for (int t = 0; t < n; t++) System.arraycopy(s.evalAll(tokens[t]), 0, out, t * nVocab, nVocab);
        }
        return out;
    }

    @Test
    void f32ForwardInOneBatchMatchesPyTorch() throws Exception {
        try (Model m = Model.load(f32); Session s = m.newSession()) {
            float[] got = s.evalAll(tokens);
            double w = worst(got, batched, tokens.length);
            System.out.printf(Locale.ROOT, "trained F32, one batch of %d vs PyTorch chunked: max |diff| / std = %.3g%n", tokens.length, w);
            assertTrue(w <= 1e-4, "max |diff| " + w + " of the std > 1e-4");
        }
    }

    @Test
    void f32ForwardTokenByTokenMatchesPyTorch() throws Exception {
        float[] got = oneByOne(f32, tokens.length);
        int nStep = stepped.length / nVocab;
        double ws = worst(got, stepped, nStep), wb = worst(got, batched, tokens.length);
        System.out.printf(Locale.ROOT, "trained F32, token by token vs PyTorch recurrent (%d) %.3g, vs chunked (%d) %.3g%n",
                nStep, ws, tokens.length, wb);
        assertTrue(ws <= 1e-4, "vs the recurrent reference: " + ws);
        assertTrue(wb <= 1e-4, "vs the chunked reference: " + wb);
    }

    @Test
    void f16ForwardStaysCloseToPyTorch() throws Exception {
        float[] got;
        try (Model m = Model.load(TrainedModel.gguf()); Session s = m.newSession()) {
            got = s.evalAll(tokens);
        }
        double err = 0, norm = 0;
        for (int i = 0; i < got.length; i++) {
            err += Math.pow(got[i] - batched[i], 2);
            norm += Math.pow(batched[i], 2);
        }
        double rel = Math.sqrt(err / norm);
        double w = worst(got, batched, tokens.length);
        System.out.printf(Locale.ROOT, "trained F16 vs PyTorch: relative L2 %.3g, worst max |diff| / std %.3g%n", rel, w);
        assertTrue(rel <= 2e-3, "relative L2 " + rel);
        assertTrue(w <= 5e-2, "max |diff| / std " + w);
    }
}
