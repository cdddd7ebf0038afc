package org.jmamba.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.gguf.GgmlType;
import org.jmamba.testkit.RandomMamba2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmamba perplexity}, {@code run} without -m and {@code demo} on the trained model. The
 * perplexity is checked against a computation of its own here (each window evaluated whole,
 * log-softmax of the scored half), not against what the command happens to print.
 */
class PerplexityCommandTest {
    static final Pattern FINAL = Pattern.compile("Final estimate: PPL = (\\d+\\.\\d{4}) \\+/- (\\d+\\.\\d{5})");
    @TempDir
    static Path dir;
    static Path model, text;

    @BeforeAll
    static void files() throws Exception {
        model = DefaultModel.resolve();
        Path root = DefaultModel.checkoutRoot();
        String small = Files.readString(root.resolve("models/reference/heldout-small.txt"));
        text = dir.resolve("text.java");
        Files.writeString(text, small.substring(0, 6000));
    }

    static String lastLine(String s) {
        List<String> lines = s.lines().toList();
        return lines.get(lines.size() - 1);
    }

    /** PPL computed directly: windows of ctx, first token BOS, positions ctx/2 .. ctx-2 scored. */
    static double expectedPpl(int ctx) throws Exception {
        try (Model m = Model.load(model)) {
            int[] t = m.tokenizer().encode(Files.readString(text));
            int v = m.params().nVocab();
            double nll = 0;
            int n = 0;
            for (int c = 0; c + ctx <= t.length; c += ctx) {
                int[] w = Arrays.copyOfRange(t, c, c + ctx);
                w[0] = m.tokenizer().bosId();
                try (Session s = m.newSession()) {
                    float[] l = s.evalAll(w);
                    for (int j = ctx / 2; j < ctx - 1; j++) {
                        double max = Double.NEGATIVE_INFINITY, sum = 0;
                        for (int i = 0; i < v; i++) max = Math.max(max, l[j * v + i]);
                        for (int i = 0; i < v; i++) sum += Math.exp(l[j * v + i] - max);
                        nll += max + Math.log(sum) - l[j * v + w[j + 1]];
                        n++;
                    }
                }
            }
            return Math.exp(nll / n);
        }
    }

    @Test
    void perplexityIsLlamaPerplexitysAndEndsWithItsFinalLine() throws Exception {
        var r = CliTest.run("perplexity", "-m", model.toString(), "-f", text.toString(), "-c", "128", "-t", "2");
        assertEquals(0, r.code(), r.err());
        Matcher m = FINAL.matcher(lastLine(r.out()));
        assertTrue(m.matches(), "last line: " + lastLine(r.out()));
        double want = expectedPpl(128);
        assertEquals(want, Double.parseDouble(m.group(1)), 1e-3 * want);
        assertTrue(Double.parseDouble(m.group(2)) > 0);
        assertTrue(r.err().contains("[1]"), "progress line: " + r.err());
        assertTrue(want > 1 && want < 100, "a trained model's perplexity on held-out Java, got " + want);
    }

    @Test
    void aRunAgainstItsOwnSavedLogitsHasNoDivergence() throws Exception {
        Path base = dir.resolve("base.logprobs");
        var saved = CliTest.run("perplexity", "-m", model.toString(), "-f", text.toString(), "-c", "128", "--save-logits", base.toString());
        assertEquals(0, saved.code(), saved.err());
        var r = CliTest.run("perplexity", "-m", model.toString(), "-f", text.toString(), "--kl-divergence-base", base.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("Same top p            : 100.000"), r.out());
        Matcher kl = Pattern.compile("Mean KLD +: (\\S+)").matcher(r.out());
        assertTrue(kl.find(), r.out());
        assertTrue(Double.parseDouble(kl.group(1)) < 1e-6, "KL against itself: " + kl.group(1));
        assertTrue(Pattern.compile("99\\.0% +KLD +: ").matcher(r.out()).find(), r.out());
        assertEquals(lastLine(saved.out()), lastLine(r.out()), "the base's context (128) is taken when -c is not given");
        assertTrue(FINAL.matcher(lastLine(r.out())).matches());
    }

    static void fails(String why, String... args) {
        var r = CliTest.run(args);
        assertNotEquals(0, r.code(), String.join(" ", args));
        assertTrue(r.err().contains(why), "expected '" + why + "' in: " + r.err());
        assertFalse(r.err().contains("Exception"), r.err());
    }

    @Test
    void badInputGetsAClearMessage() throws Exception {
        Path empty = Files.write(dir.resolve("empty.txt"), new byte[0]);
        fails("is empty", "perplexity", "-m", model.toString(), "-f", empty.toString());
        Path latin1 = Files.write(dir.resolve("latin1.txt"), "caf\u00e9 au lait".getBytes(StandardCharsets.ISO_8859_1));
        fails("is not UTF-8 text: invalid byte 0xE9 at offset 3", "perplexity", "-m", model.toString(), "-f", latin1.toString());
        Path tiny = Files.writeString(dir.resolve("tiny.txt"), "int x = 1;\n");
        fails("fewer than one window of 512", "perplexity", "-m", model.toString(), "-f", tiny.toString());
        fails("no such file", "perplexity", "-m", model.toString(), "-f", dir.resolve("absent.txt").toString());

        Path base = dir.resolve("bad-base.logprobs");
        assertEquals(0, CliTest.run("perplexity", "-m", model.toString(), "-f", text.toString(), "-c", "64",
                "--save-logits", base.toString()).code());
        fails("saved with a context of 64", "perplexity", "-m", model.toString(), "-f", text.toString(), "-c", "128",
                "--kl-divergence-base", base.toString());
        Path other = Files.writeString(dir.resolve("other.java"), Files.readString(text).replace("public", "private"));
        fails("another text", "perplexity", "-m", model.toString(), "-f", other.toString(), "--kl-divergence-base", base.toString());
        Path random = dir.resolve("random.gguf");
        RandomMamba2.write(random, new RandomMamba2.Spec(new RandomMamba2.Shape(512, 64, 1, 128, 16, 8, 1, 4, false), GgmlType.F32, 1));
        fails("vocabulary", "perplexity", "-m", random.toString(), "-f", text.toString(), "--kl-divergence-base", base.toString());
        byte[] all = Files.readAllBytes(base);
        Path cut = Files.write(dir.resolve("cut.logprobs"), Arrays.copyOf(all, all.length - 100));
        fails("truncated", "perplexity", "-m", model.toString(), "-f", text.toString(), "--kl-divergence-base", cut.toString());
        fails("not saved by jmamba perplexity", "perplexity", "-m", model.toString(), "-f", text.toString(),
                "--kl-divergence-base", text.toString());
        fails("the context must be at least 8 tokens, got 1", "perplexity", "-m", model.toString(), "-f", text.toString(), "-c", "1");
    }

    @Test
    void runWithoutAModelUsesTheTrainedOneAndSaysSo() {
        var r = CliTest.run("run", "-p", "public static int gcd(", "-n", "24", "--seed", "1", "-t", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("no -m given, using the default model " + model), r.err());
        assertFalse(r.out().isBlank());
    }

    @Test
    void aMissingDefaultModelSaysWhereItShouldBe() {
        var e = assertThrows(IllegalArgumentException.class, () -> DefaultModel.resolve(dir));
        assertTrue(e.getMessage().contains("it should be at " + dir.resolve(DefaultModel.FILE)), e.getMessage());
    }

    @Test
    void demoWritesJavaFromTheTrainedModel() {
        var r = CliTest.run("demo", "-n", "40", "-t", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("model:     " + model), r.out());
        assertTrue(r.out().contains("public static int gcd(int a, int b) {"), r.out());
        assertTrue(r.out().contains("gave the identical continuation"), r.out());
    }
}
