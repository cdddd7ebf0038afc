package org.jmamba.cli;

import static org.junit.jupiter.api.Assertions.*;
import org.jmamba.tokenizer.EncodeOptions;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.gguf.GgmlType;
import org.jmamba.testkit.RandomMamba2;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line through picocli, output captured; expected values come from the library or the test data. */
class CliTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void makeModel() throws Exception {
        model = dir.resolve("tiny.gguf");
        RandomMamba2.write(model, new RandomMamba2.Spec(new RandomMamba2.Shape(512, 64, 2, 128, 16, 8, 2, 4, false), GgmlType.Q8_0, 3));
    }

    record Run(int code, String out, String err) {}

    static Run run(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            var cl = Main.commandLine();
            cl.setOut(new java.io.PrintWriter(System.out, true));
            cl.setErr(new java.io.PrintWriter(System.err, true));
            int code = cl.execute(args);
            return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static float[] readFloats(Path p) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[b.remaining() / 4];
        b.asFloatBuffer().get(f);
        return f;
    }

    @Test
    void evalWritesEveryRowOfLogitsInInputOrder() throws Exception {
        int[] ids = {1, 40, 300, 7, 7, 511};
        Path out = dir.resolve("logits.bin");
        Run r = run("eval", "-m", model.toString(), "--tokens", "1,40,300,7,7,511", "--logits-out", out.toString(), "-t", "2");
        assertEquals(0, r.code(), r.err());
        float[] got = readFloats(out);
        try (Model m = Model.load(model); Session s = m.newSession()) {
            assertArrayEquals(s.evalAll(ids), got, 0f);
        }
        Path one = dir.resolve("logits1.bin");
        Files.writeString(dir.resolve("ids.txt"), "1 40 300\n7 7 511\n");
        assertEquals(0, run("eval", "-m", model.toString(), "--tokens-file", dir.resolve("ids.txt").toString(),
                "--logits-out", one.toString(), "--batch", "1").code());
        float[] single = readFloats(one);
        double max = 0, scale = 0;
        for (int i = 0; i < got.length; i++) {
            max = Math.max(max, Math.abs(got[i] - single[i]));
            scale = Math.max(scale, Math.abs(got[i]));
        }
        assertTrue(max <= 1e-5 * scale, "--batch 1 differs from one batch by " + max);
    }

    @Test
    void evalRefusesIdsOutsideTheVocabularyAndLeavesNoFile() {
        Path out = dir.resolve("bad.bin");
        Run r = run("eval", "-m", model.toString(), "--tokens", "1,2,512", "--logits-out", out.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("512"), r.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void tokenizeMatchesLlamaCppVectors() throws Exception {
        String td = System.getProperty("jmamba.testdata");
        boolean present = td != null && Files.isDirectory(Path.of(td));
        // scripts/test.sh requires the shared data: there its absence fails instead of skipping
        if (!present && "1".equals(System.getenv("JMAMBA_REQUIRE_TESTDATA")))
            fail("no ../shared/testdata (jmamba.testdata = " + td + "), and JMAMBA_REQUIRE_TESTDATA=1");
        assumeTrue(present, "no ../shared/testdata");
        Path vocab = Path.of(td, "ggml-vocab-llama-spm.gguf");
        List<String> inputs = Arrays.asList(Files.readString(Path.of(td, "ggml-vocab-llama-spm.gguf.inp"))
                .split("\n__ggml_vocab_test__\n", -1));
        List<String> outputs = Files.readAllLines(Path.of(td, "ggml-vocab-llama-spm.gguf.out"));
        for (int i : new int[] {3, 10, 20}) {
            String text = inputs.get(i);
            if (text.isEmpty() || text.startsWith("-")) continue; // picocli would read it as an option
            Run r = run("tokenize", "-m", vocab.toString(), "-p", text, "--no-bos");
            assertEquals(0, r.code(), r.err());
            String want = "[" + outputs.get(i).strip().replace(" ", ",") + "]";
            assertEquals(want, r.out().strip(), "input " + i + ": '" + text + "'");
        }
    }

    @Test
    void tokenizeAddsBosUnlessToldNot() {
        String with = run("tokenize", "-m", model.toString(), "-p", "def").out().strip();
        String without = run("tokenize", "-m", model.toString(), "-p", "def", "--no-bos").out().strip();
        assertTrue(with.startsWith("[1,"), with);
        assertEquals(with, "[1," + without.substring(1));
    }

    @Test
    void infoShowsTheDerivedFiguresAndValidJson() throws Exception {
        Run text = run("info", "-m", model.toString());
        assertEquals(0, text.code(), text.err());
        assertTrue(text.out().contains("architecture:  mamba2"), text.out());
        assertTrue(text.out().contains("n_head 8 (ssm.time_step_rank), head_dim 16, conv_dim 192"), text.out());
        Run json = run("info", "-m", model.toString(), "--json");
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertEquals("mamba2", root.get("architecture").asText());
        assertEquals(8, root.get("mamba2").get("n_head").asInt());
        assertEquals(16, root.get("mamba2").get("head_dim").asInt());
        long stateBytes = 2L * ((4 - 1) * 192 + 128 * 16) * 4;
        assertEquals(stateBytes, root.get("mamba2").get("state_bytes").asLong());
        assertEquals(512, root.get("metadata").get("tokenizer.ggml.tokens").get("length").asInt());
        assertEquals(2 * 9 + 3, root.get("tensors").size());
    }

    @Test
    void benchRunsWithTheKernelSetsItIsGivenAndPrintsJson() throws Exception {
        for (String features : new String[] {"none", "avx2,fma,f16c", "neon,dotprod"}) {
            Run r = run("bench", "-m", model.toString(), "-p", "8", "-n", "4", "-r", "1", "-t", "1", "--json",
                    "--cpu-features", features);
            assertEquals(0, r.code(), features + ": " + r.err());
            List<String> tests = new java.util.ArrayList<>();
            for (String line : r.out().strip().split("\n")) tests.add(new ObjectMapper().readTree(line).get("test").asText());
            assertEquals(List.of("pp8", "tg4"), tests, r.out());
        }
        Run bad = run("bench", "-m", model.toString(), "--cpu-features", "avx2,sse9");
        assertNotEquals(0, bad.code());
        assertTrue(bad.err().contains("sse9") && bad.err().contains("amx-int8"), bad.err());
    }

    @Test
    void infoOnAHostileFileFailsWithTheFormatError() throws Exception {
        Path bad = dir.resolve("bad.gguf");
        Files.write(bad, new byte[] {'G', 'G', 'U', 'F', 3, 0, 0, 0, -1, -1, -1, -1, -1, -1, -1, 63});
        Run r = run("info", "-m", bad.toString());
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("bad.gguf"), r.err());
    }

    @Test
    void greedyRunStreamsTheSameTextAsTheLibrary() throws Exception {
        Run r = run("run", "-m", model.toString(), "-p", "def fib", "-n", "12", "--temp", "0", "--ignore-eos");
        assertEquals(0, r.code(), r.err());
        String expected;
        try (Model m = Model.load(model); Session s = m.newSession()) {
            var g = new org.jmamba.generate.Generator(s, m.tokenizer());
            StringBuilder sb = new StringBuilder();
            var opts = new org.jmamba.generate.GenerationOptions(12, org.jmamba.sampling.SamplerConfig.greedy(), List.of(), false);
            g.generate(m.tokenizer().encode("def fib", EncodeOptions.PLAIN.withBos()), opts, sb::append);
            expected = sb.toString();
        }
        assertEquals(expected + System.lineSeparator(), r.out());
        assertTrue(r.err().contains("generated 12 tokens"), r.err());
    }

    @Test
    void unknownModelFileIsAClearError() {
        Run r = run("run", "-m", dir.resolve("missing.gguf").toString(), "-p", "x");
        assertNotEquals(0, r.code());
        assertTrue(r.err().contains("missing.gguf"), r.err());
    }
}
