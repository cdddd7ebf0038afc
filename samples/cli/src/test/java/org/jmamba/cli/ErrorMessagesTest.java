package org.jmamba.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each bad input a user ran into gets a message naming the problem in the user's terms: the flag
 * or file, and what is wrong with it; never a Java class, a stack trace or a temporary file's name.
 */
class ErrorMessagesTest {
    @TempDir
    static Path dir;
    static String model;

    @BeforeAll
    static void makeModel() throws Exception {
        model = TinyModel.write(dir, 3).toString();
    }

    record Case(List<String> args, String message) {}

    @Test
    void eachBadInputIsNamed() throws Exception {
        Path missingDir = dir.resolve("no-such-folder");
        List<Case> cases = List.of(
                new Case(List.of("run", "-m", model, "-p", "x", "-t", "-1"), "jmamba run: -t/--threads must be 0 (one per core) or more, got -1"),
                new Case(List.of("run", "-m", model, "-p", "x", "-t", "1000"), "jmamba run: cannot create a native context: n_threads 1000 is above the limit of"),
                new Case(List.of("run", "-m", dir.toString(), "-p", "x"), "jmamba run: " + dir + ": is a folder, not a GGUF file"),
                new Case(List.of("run", "-m", model, "-p", "x", "-ngl", "99"), "jmamba run: -ngl/--gpu-layers 99: jmamba runs on the CPU only"),
                new Case(List.of("run", "-m", dir.resolve("missing.gguf").toString(), "-p", "x"), "jmamba run: " + dir.resolve("missing.gguf") + ": no such file or folder"),
                new Case(List.of("run", "-m", model), "jmamba run: no prompt: give -p TEXT, -p - (read standard input) or -f FILE"),
                new Case(List.of("run", "-m", model, "-p", "x", "-f", model), "jmamba run: give the prompt once: -p or -f, not both"),
                new Case(List.of("run", "-m", model, "-f", dir.resolve("nope.txt").toString()), "jmamba run: " + dir.resolve("nope.txt") + ": no such file or folder"),
                new Case(List.of("run", "-m", model, "-p", "x", "-n", "0"), "jmamba run: -n/--n-predict must be positive, or -1 for no limit; got 0"),
                new Case(List.of("run", "-m", model, "-p", "x", "--top-p", "0"), "jmamba run: --top-p 0.0: must be in (0, 1]"),
                new Case(List.of("run", "-m", model, "-p", "x", "--stop", ""), "jmamba run: --stop: empty stop string"),
                new Case(List.of("chat", "-m", model, "-t", "-1"), "jmamba chat: -t/--threads must be 0 (one per core) or more, got -1"),
                new Case(List.of("eval", "-m", model, "--tokens", "1,2", "--logits-out", missingDir.resolve("x.bin").toString()),
                        "jmamba eval: cannot write in " + missingDir + ": the folder does not exist"),
                new Case(List.of("quantize", model, missingDir.resolve("q.gguf").toString(), "q8_0", "--no-progress"),
                        "jmamba quantize: cannot write in " + missingDir + ": the folder does not exist"),
                new Case(List.of("random-model", missingDir.resolve("r.gguf").toString(), "--layers", "1", "--d-model", "64", "--vocab", "300"),
                        "jmamba random-model: cannot write in " + missingDir + ": the folder does not exist"));
        for (Case c : cases) {
            CliTest.Run r = CliTest.run(c.args().toArray(String[]::new));
            String err = r.err().strip();
            String line = err.lines().filter(l -> l.startsWith("jmamba ")).findFirst().orElse(err); // not a "seed: N" line
            assertNotEquals(0, r.code(), c.args() + ": " + line);
            assertTrue(line.startsWith(c.message()), c.args() + "\n  want: " + c.message() + "\n  got:  " + line);
            for (String bad : List.of("Exception", "java.", ".tmp", "\tat ", "commandLine", "Already closed", "No such device", "null")) {
                assertFalse(err.contains(bad), c.args() + " shows '" + bad + "': " + err);
            }
        }
        assertEquals(List.of("tiny.gguf"), Files.list(dir).map(p -> p.getFileName().toString()).sorted().toList(),
                "no file left behind");
    }
}
