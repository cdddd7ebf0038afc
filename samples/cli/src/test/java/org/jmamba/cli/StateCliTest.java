package org.jmamba.cli;

import static org.jmamba.cli.CliTest.run;
import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.State;
import org.jmamba.gguf.GgmlType;
import org.jmamba.testkit.RandomMamba2;
import org.jmamba.tokenizer.EncodeOptions;
import org.jmamba.tokenizer.Tokenizer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ingest, run/chat --state and --save-state, run --prompt-cache: outputs compared with plain runs. */
class StateCliTest {
    @TempDir
    static Path dir;
    static Path model, otherModel, repo;
    static final String[] GREEDY = {"-n", "12", "--temp", "0", "--ignore-eos", "-t", "2"};

    @BeforeAll
    static void setUp() throws Exception {
        var shape = new RandomMamba2.Shape(512, 64, 2, 128, 16, 8, 2, 4, false);
        model = dir.resolve("tiny.gguf");
        RandomMamba2.write(model, new RandomMamba2.Spec(shape, GgmlType.Q8_0, 3));
        otherModel = dir.resolve("other.gguf"); // the same shape, other weights
        RandomMamba2.write(otherModel, new RandomMamba2.Spec(shape, GgmlType.Q8_0, 4));
        repo = dir.resolve("repo");
        Files.createDirectories(repo.resolve("src"));
        Files.createDirectories(repo.resolve("build"));
        Files.writeString(repo.resolve(".gitignore"), "build/\n*.log\n");
        Files.writeString(repo.resolve("src/fib.py"), "def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n");
        Files.writeString(repo.resolve("src/main.c"), "int main(void) { return 0; }");
        Files.writeString(repo.resolve("build/out.txt"), "generated\n");
        Files.writeString(repo.resolve("debug.log"), "noise\n");
        Files.write(repo.resolve("src/blob.bin"), new byte[] {1, 2, 0, 3, (byte) 0xff});
    }

    static String[] args(String... first) {
        String[] a = Arrays.copyOf(first, first.length + GREEDY.length);
        System.arraycopy(GREEDY, 0, a, first.length, GREEDY.length);
        return a;
    }

    /** The prompt ingest builds for the repo, written out by hand from the documented format. */
    static String repoPrompt() {
        String p = repo.normalize().toString();
        return "File: " + p + "/.gitignore\nbuild/\n*.log\n\n"
                + "File: " + p + "/src/fib.py\ndef fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n\n"
                + "File: " + p + "/src/main.c\nint main(void) { return 0; }\n\n";
    }

    @Test
    void ingestThenRunFromTheStateGivesTheSameGreedyOutputAsOneRunWithTheWholePrompt() throws Exception {
        Path state = dir.resolve("repo.jmstate");
        CliTest.Run ingest = run("ingest", "-m", model.toString(), repo.toString(), "-o", state.toString(), "-t", "2");
        assertEquals(0, ingest.code(), ingest.err());
        assertTrue(ingest.err().contains("3 files (1 binary and 2 ignored skipped)"), ingest.err());
        try (Model m = Model.load(model); State st = State.load(state, m)) {
            Tokenizer tok = m.tokenizer();
            assertArrayEquals(tok.encode(repoPrompt(), EncodeOptions.PLAIN.withBos(tok.addBosDefault())), st.tokens().orElseThrow());
        }
        CliTest.Run fromState = run(args("run", "-m", model.toString(), "--state", state.toString()));
        CliTest.Run whole = run(args("run", "-m", model.toString(), "-p", repoPrompt()));
        assertEquals(0, fromState.code(), fromState.err());
        assertEquals(0, whole.code(), whole.err());
        assertFalse(whole.out().isBlank());
        assertEquals(whole.out(), fromState.out());
        assertTrue(fromState.err().contains("prompt 0 tokens"), fromState.err());
        assertFalse(Files.exists(dir.resolve("repo.jmstate.partial")));
    }

    @Test
    void anInterruptedIngestResumesAndNotWithAnotherModel() throws Exception {
        Path out = dir.resolve("resumed.jmstate");
        Path partial = dir.resolve("resumed.jmstate.partial");
        int[] ids;
        try (Model m = Model.load(model); Session s = m.newSession()) { // what an interrupted ingest leaves
            Tokenizer tok = m.tokenizer();
            ids = tok.encode(repoPrompt(), EncodeOptions.PLAIN.withBos(tok.addBosDefault()));
            s.feed(Arrays.copyOf(ids, 20));
            try (State st = s.snapshot()) {
                st.save(partial);
            }
        }
        try (Model o = Model.load(otherModel); Session s = o.newSession()) { // the same tokens, another model
            s.feed(Arrays.copyOf(ids, 20));
            try (State st = s.snapshot()) {
                st.save(dir.resolve("foreign.jmstate.partial"));
            }
        }
        CliTest.Run foreign = run("ingest", "-m", model.toString(), repo.toString(), "-o", dir.resolve("foreign.jmstate").toString(), "--resume");
        assertNotEquals(0, foreign.code());
        assertTrue(foreign.err().contains("same shape with other weights"), foreign.err());
        assertFalse(Files.exists(dir.resolve("foreign.jmstate")));

        CliTest.Run r = run("ingest", "-m", model.toString(), repo.toString(), "-o", out.toString(), "--resume", "-t", "2");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("resuming after 20 of " + ids.length + " tokens"), r.err());
        assertTrue(r.err().contains("(" + (ids.length - 20) + " evaluated now)"), r.err());
        assertFalse(Files.exists(partial), "the partial state is removed once the ingest is complete");
        CliTest.Run fromState = run(args("run", "-m", model.toString(), "--state", out.toString()));
        CliTest.Run whole = run(args("run", "-m", model.toString(), "-p", repoPrompt()));
        assertEquals(whole.out(), fromState.out());
    }

    @Test
    void ingestRefusesMissingAndUnreadablePathsWithoutWritingTheTarget() {
        Path out = dir.resolve("never.jmstate");
        CliTest.Run missing = run("ingest", "-m", model.toString(), dir.resolve("nope").toString(), "-o", out.toString());
        assertNotEquals(0, missing.code());
        assertTrue(missing.err().contains("no such file") && missing.err().contains("nope"), missing.err());
        if (Files.exists(Path.of("/proc/self/mem"))) { // exists, and every read of its first page fails
            CliTest.Run unreadable = run("ingest", "-m", model.toString(), "/proc/self/mem", "-o", out.toString());
            assertNotEquals(0, unreadable.code());
            assertTrue(unreadable.err().contains("/proc/self/mem: cannot be read"), unreadable.err());
        }
        CliTest.Run onlyBinary = run("ingest", "-m", model.toString(), repo.resolve("src/blob.bin").toString(), "-o", out.toString());
        assertNotEquals(0, onlyBinary.code());
        assertTrue(onlyBinary.err().contains("no text files"), onlyBinary.err());
        assertFalse(Files.exists(out));
    }

    @Test
    void includeAndExcludeGlobsChooseTheFilesAndMaxTokensCaps() throws Exception {
        Path out = dir.resolve("py.jmstate");
        CliTest.Run r = run("ingest", "-m", model.toString(), repo.toString(), "-o", out.toString(), "--include", "*.py");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.err().contains("ingest: 1 files"), r.err());
        CliTest.Run ex = run("ingest", "-m", model.toString(), repo.toString(), "-o", out.toString(), "--exclude", "src/*");
        assertTrue(ex.err().contains("ingest: 1 files"), ex.err()); // .gitignore alone
        CliTest.Run capped = run("ingest", "-m", model.toString(), repo.toString(), "-o", out.toString(), "--max-tokens", "10");
        assertEquals(0, capped.code(), capped.err());
        assertTrue(capped.err().contains("keeping the first 10 tokens"), capped.err());
        try (Model m = Model.load(model); State st = State.load(out, m)) {
            assertEquals(10, st.position());
        }
    }

    @Test
    void saveStateThenContinueEqualsOneLongerRun() throws Exception {
        Path state = dir.resolve("half.jmstate");
        CliTest.Run first = run("run", "-m", model.toString(), "-p", "def fib", "-n", "6", "--temp", "0", "--ignore-eos",
                "--save-state", state.toString());
        CliTest.Run second = run("run", "-m", model.toString(), "--state", state.toString(), "-n", "6", "--temp", "0", "--ignore-eos");
        CliTest.Run both = run("run", "-m", model.toString(), "-p", "def fib", "-n", "12", "--temp", "0", "--ignore-eos");
        assertEquals(0, second.code(), second.err());
        assertEquals(both.out().strip(), (first.out().strip() + second.out().strip()));
    }

    @Test
    void runRefusesAStateOfAnotherModelOrACorruptedOne() throws Exception {
        Path state = dir.resolve("mine.jmstate");
        assertEquals(0, run("run", "-m", model.toString(), "-p", "def", "-n", "2", "--save-state", state.toString()).code());
        CliTest.Run other = run("run", "-m", otherModel.toString(), "--state", state.toString(), "-n", "2");
        assertNotEquals(0, other.code());
        assertTrue(other.err().contains("other weights") && other.err().contains("mine.jmstate"), other.err());
        byte[] b = Files.readAllBytes(state);
        b[b.length / 2] ^= 4;
        Path bad = Files.write(dir.resolve("bad.jmstate"), b);
        CliTest.Run corrupted = run("run", "-m", model.toString(), "--state", bad.toString(), "-n", "2");
        assertNotEquals(0, corrupted.code());
        assertTrue(corrupted.err().contains("corrupted"), corrupted.err());
        CliTest.Run nothing = run("run", "-m", model.toString(), "-n", "2");
        assertNotEquals(0, nothing.code());
        assertTrue(nothing.err().contains("-p"), nothing.err());
    }

    @Test
    void promptCacheReusesThePrefixAndGivesTheSameOutput() throws Exception {
        Path cache = dir.resolve("cache");
        String base = "def fibonacci(n):\n    if n < 2:\n        return n\n";
        CliTest.Run cold = run(args("run", "-m", model.toString(), "-p", base + "    return", "--prompt-cache", cache.toString()));
        assertEquals(0, cold.code(), cold.err());
        assertFalse(cold.err().contains("reused"), cold.err());
        CliTest.Run warm = run(args("run", "-m", model.toString(), "-p", base + "    return", "--prompt-cache", cache.toString()));
        assertEquals(cold.out(), warm.out());
        int n;
        try (Model m = Model.load(model)) {
            n = m.tokenizer().encode(base + "    return", EncodeOptions.PLAIN.withBos(true)).length;
        }
        assertTrue(warm.err().contains("prompt " + n + " tokens (" + n + " reused from the cache"), warm.err());
        CliTest.Run longer = run(args("run", "-m", model.toString(), "-p", base + "    return fib", "--prompt-cache", cache.toString()));
        CliTest.Run plain = run(args("run", "-m", model.toString(), "-p", base + "    return fib"));
        assertEquals(plain.out(), longer.out());
        assertTrue(longer.err().contains("reused from the cache"), longer.err());

        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        CliTest.Run unwritable = run(args("run", "-m", model.toString(), "-p", "x", "--prompt-cache", file.resolve("sub").toString()));
        assertNotEquals(0, unwritable.code());
        assertTrue(unwritable.err().contains("prompt cache folder") && unwritable.err().contains("plain-file"), unwritable.err());
    }
}
