package org.jmamba.quantize;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.jmamba.Model;
import org.jmamba.eval.LogProbsFile;
import org.jmamba.eval.Perplexity;
import org.jmamba.testkit.TrainedModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Quantizing the trained model, judged as llama.cpp users judge it: perplexity on held-out Java
 * (models/reference/heldout-small.txt, windows of 256) against the F16 file, the KL divergence of
 * the next-token distributions from F16's, and top-1 agreement. The bounds were pinned from
 * measured values with a margin (models/README.md gives the figures); the PyTorch perplexity of
 * the same text (pytorch-perplexity.json) checks the F16 run itself.
 */
class TrainedModelQuantizationTest {
    static final int CTX = 256;
    @TempDir
    static Path dir;
    static int[] tokens;
    static Perplexity.Result f16;
    static Path base;

    @BeforeAll
    static void baseRun() throws Exception {
        base = dir.resolve("f16.logprobs");
        try (Model m = Model.load(TrainedModel.gguf())) {
            tokens = m.tokenizer().encode(Files.readString(TrainedModel.reference("heldout-small.txt")));
            f16 = Perplexity.run(m, tokens, CTX, null, base, null);
        }
        System.out.printf(Locale.ROOT, "trained F16 on heldout-small.txt: %d tokens, %s%n", tokens.length, f16.finalEstimate());
    }

    @Test
    void f16PerplexityIsPyTorchs() throws Exception {
        String json = Files.readString(TrainedModel.reference("pytorch-perplexity.json"));
        var m = java.util.regex.Pattern.compile("\"heldout-small.txt\": \\{[^}]*\"tokens\": (\\d+)[^}]*\"ppl_f16_weights\": ([0-9.eE+-]+)")
                .matcher(json);
        assertTrue(m.find(), "pytorch-perplexity.json has the small text's figures");
        assertEquals(Integer.parseInt(m.group(1)), tokens.length, "jmamba and sentencepiece tokenize the text alike");
        double torch = Double.parseDouble(m.group(2));
        System.out.printf(Locale.ROOT, "PyTorch (the F16 file's weights) PPL %.4f, jmamba F16 %.4f%n", torch, f16.ppl());
        assertEquals(torch, f16.ppl(), 1e-3 * torch, "F16 perplexity within 0.1% of PyTorch's on the same weights");
    }

    Perplexity.Divergence check(FileType type, double maxPplRatio, double maxKl, double maxKlP99, double minTop1) throws Exception {
        Path q = dir.resolve("trained-" + type + ".gguf");
        Quantizer.quantize(TrainedModel.gguf(), q, Quantizer.Options.of(type), Progress.NONE);
        Perplexity.Result r;
        try (Model m = Model.load(q); LogProbsFile.Reader b = new LogProbsFile.Reader(base)) {
            r = Perplexity.run(m, tokens, CTX, b, null, null);
        }
        Perplexity.Divergence d = r.divergence().orElseThrow();
        System.out.printf(Locale.ROOT, "trained %s: PPL %.4f (F16 %.4f, ratio %.5f), mean KL %.6f, KL p99 %.6f, top-1 %.2f%%%n",
                type, r.ppl(), f16.ppl(), d.pplRatio(), d.klMean(), d.klP99(), 100 * d.top1());
        assertEquals(f16.ppl(), d.basePpl(), 1e-3 * f16.ppl(), "the saved base reproduces F16's perplexity");
        assertTrue(Math.abs(d.pplRatio() - 1) <= maxPplRatio, type + ": PPL ratio " + d.pplRatio());
        assertTrue(d.klMean() <= maxKl, type + ": mean KL " + d.klMean());
        assertTrue(d.klP99() <= maxKlP99, type + ": KL p99 " + d.klP99());
        assertTrue(d.top1() >= minTop1, type + ": top-1 agreement " + d.top1());
        return d;
    }

    @Test
    void q8_0StaysWithinOnePercentOfF16() throws Exception {
        check(FileType.Q8_0, 0.01, 1e-3, 5e-3, 0.97);
    }

    @Test
    void q4_K_MStaysWithinFivePercentOfF16() throws Exception {
        check(FileType.Q4_K_M, 0.05, 0.02, 0.1, 0.90);
    }
}
