package org.jmamba.cli;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmamba.Model;
import org.jmamba.tokenizer.EncodeOptions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** run's llama.cpp-style flags: where the prompt comes from, seeds, caps, stats, JSON; the library is the oracle. */
class RunCommandTest {
    @TempDir
    static Path dir;
    static Path model;

    @BeforeAll
    static void makeModel() throws Exception {
        model = TinyModel.write(dir, 5);
    }

    static CliTest.Run run(String... args) {
        return CliTest.run(args);
    }

    static CliTest.Run runWithStdin(String stdin, String... args) {
        InputStream old = System.in;
        try {
            System.setIn(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
            return CliTest.run(args);
        } finally {
            System.setIn(old);
        }
    }

    static String[] greedy(String... args) {
        String[] base = {"run", "-m", model.toString(), "-n", "10", "--temp", "0", "--ignore-eos"};
        String[] all = Arrays.copyOf(base, base.length + args.length);
        System.arraycopy(args, 0, all, base.length, args.length);
        return all;
    }

    @Test
    void thePromptFromAFileOrStandardInputIsTheSameAsOnTheCommandLine() throws Exception {
        String prompt = "def fib(n):\n    return n\n";
        CliTest.Run direct = run(greedy("-p", prompt));
        assertEquals(0, direct.code(), direct.err());
        Path file = Files.writeString(dir.resolve("prompt.txt"), prompt);
        CliTest.Run fromFile = run(greedy("-f", file.toString()));
        assertEquals(0, fromFile.code(), fromFile.err());
        assertEquals(direct.out(), fromFile.out());
        CliTest.Run fromStdin = runWithStdin(prompt, greedy("-p", "-"));
        assertEquals(0, fromStdin.code(), fromStdin.err());
        assertEquals(direct.out(), fromStdin.out());
    }

    @Test
    void aPromptStartingWithAtIsAPromptNotAFile() throws Exception {
        Files.writeString(dir.resolve("Override"), "-n\n1\n"); // what @-file expansion would read
        CliTest.Run r = run(greedy("-p", "@Override", "--verbose-prompt"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("prompt: '@Override'"), r.err());
    }

    @Test
    void verbosePromptListsTheTokensTheLibraryEncodes() throws Exception {
        CliTest.Run r = run(greedy("-p", "def main", "--verbose-prompt"));
        assertEquals(0, r.code(), r.err());
        int[] ids;
        try (Model m = Model.load(model)) {
            ids = m.tokenizer().encode("def main", EncodeOptions.PLAIN.withBos());
        }
        assertTrue(r.err().contains("number of tokens in prompt = " + ids.length), r.err());
        Matcher lines = Pattern.compile("(?m)^ *(\\d+) -> '").matcher(r.err());
        int[] shown = lines.results().mapToInt(x -> Integer.parseInt(x.group(1))).toArray();
        assertArrayEquals(ids, shown, r.err());
    }

    @Test
    void seedMinusOneIsRandomAndPrintedSoTheRunCanBeRepeated() {
        String[] args = {"run", "-m", model.toString(), "-p", "x", "-n", "16", "--temp", "1.5", "--top-k", "0", "--ignore-eos", "--seed", "-1"};
        CliTest.Run a = run(args), b = run(args);
        assertEquals(0, a.code(), a.err());
        Matcher seedA = Pattern.compile("seed: (\\d+)").matcher(a.err());
        Matcher seedB = Pattern.compile("seed: (\\d+)").matcher(b.err());
        assertTrue(seedA.find() && seedB.find(), a.err());
        assertNotEquals(seedA.group(1), seedB.group(1), "two random seeds in a row");
        CliTest.Run again = run("run", "-m", model.toString(), "-p", "x", "-n", "16", "--temp", "1.5", "--top-k", "0",
                "--ignore-eos", "-s", seedA.group(1));
        assertEquals(a.out(), again.out(), "the printed seed repeats the run");
        assertFalse(again.err().contains("seed:"), "a given seed is not printed again");
    }

    @Test
    void jsonHasTheStreamedTextTokenCountsAndTimings() throws Exception {
        CliTest.Run text = run(greedy("-p", "def fib"));
        CliTest.Run json = run(greedy("-p", "def fib", "--json"));
        assertEquals(0, json.code(), json.err());
        JsonNode root = new ObjectMapper().readTree(json.out());
        assertEquals(text.out(), root.get("content").asText() + System.lineSeparator());
        assertEquals(10, root.get("tokens_predicted").asInt());
        int promptTokens;
        try (Model m = Model.load(model)) {
            promptTokens = m.tokenizer().encode("def fib", EncodeOptions.PLAIN.withBos()).length;
        }
        assertEquals(promptTokens, root.get("tokens_evaluated").asInt());
        assertEquals("max_tokens", root.get("stop_reason").asText());
        JsonNode t = root.get("timings");
        assertEquals(promptTokens, t.get("prompt_n").asInt());
        assertTrue(t.get("load_ms").asDouble() > 0 && t.get("prompt_ms").asDouble() > 0 && t.get("predicted_ms").asDouble() > 0, t.toString());
    }

    @Test
    void perfLinesLikeLlamaCpp() throws Exception {
        CliTest.Run r = run(greedy("-p", "def fib"));
        int promptTokens;
        try (Model m = Model.load(model)) {
            promptTokens = m.tokenizer().encode("def fib", EncodeOptions.PLAIN.withBos()).length;
        }
        assertTrue(r.err().matches("(?s).*jmamba_perf: +load time = +[0-9.]+ ms\n.*"), r.err());
        assertTrue(r.err().matches("(?s).*prompt eval time = +[0-9.]+ ms / +" + promptTokens + " tokens \\(.*tokens per second\\)\n.*"), r.err());
        assertTrue(r.err().matches("(?s).*eval time = +[0-9.]+ ms / +10 runs .*"), r.err());
        assertTrue(r.err().matches("(?s).*total time = +[0-9.]+ ms / +" + (promptTokens + 10) + " tokens.*"), r.err());
    }

    @Test
    void ctxSizeCapsPromptPlusGeneratedTokens() throws Exception {
        int promptTokens;
        try (Model m = Model.load(model)) {
            promptTokens = m.tokenizer().encode("def fib", EncodeOptions.PLAIN.withBos()).length;
        }
        CliTest.Run r = run("run", "-m", model.toString(), "-p", "def fib", "-n", "-1", "--ignore-eos", "--temp", "0",
                "-c", String.valueOf(promptTokens + 5), "--json");
        assertEquals(0, r.code(), r.err());
        assertEquals(5, new ObjectMapper().readTree(r.out()).get("tokens_predicted").asInt());
        CliTest.Run tooLong = run("run", "-m", model.toString(), "-p", "def fib", "-c", String.valueOf(promptTokens));
        assertNotEquals(0, tooLong.code());
        assertTrue(tooLong.err().contains("-c/--ctx-size " + promptTokens), tooLong.err());
    }

    @Test
    void ctrlCStopsTheGenerationAndStillPrintsTheStats() throws Exception {
        // A process started in the background by a non-interactive shell ignores SIGINT, and so do its
        // children: the JVM then keeps ignoring it (as under nohup), and Ctrl-C cannot be tested here.
        Assumptions.assumeFalse(sigintIgnored(), "skipped: this test JVM ignores SIGINT (started in the background by a"
                + " non-interactive shell?), so the jmamba process it starts would too; run the tests in the foreground");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "org.jmamba.cli.Main", "run", "-m", model.toString(), "-p", "hello", "-n", "-1", "--ignore-eos")
                .redirectError(dir.resolve("ctrl-c.err").toFile())
                .start();
        var stdout = p.getInputStream();
        byte[] first = stdout.readNBytes(200); // generating (-n -1 and --ignore-eos: it never ends by itself)
        assertEquals(200, first.length);
        assertEquals(0, new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor());
        Thread.ofVirtual().start(() -> { // drained aside: a process that ignored the signal must fail the test, not hang it
            try {
                stdout.transferTo(java.io.OutputStream.nullOutputStream());
            } catch (java.io.IOException ignored) {
                // the process was destroyed
            }
        });
        boolean ended = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
        if (!ended) p.destroyForcibly();
        assertTrue(ended, "still running 60 s after SIGINT");
        String err = Files.readString(dir.resolve("ctrl-c.err"));
        assertEquals(130, p.exitValue(), err);
        assertTrue(err.contains("stop: cancelled"), err);
        assertTrue(err.contains("jmamba_perf:        eval time ="), err);
    }

    /** Whether this JVM inherited SIGINT as ignored (Linux: bit 1 of SigIgn in /proc/self/status). */
    private static boolean sigintIgnored() throws java.io.IOException {
        Path status = Path.of("/proc/self/status");
        if (!Files.exists(status)) return false;
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 2) != 0;
        }
        return false;
    }
}
