package org.jmamba.cli.repl;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.generate.Chat;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.sampling.SamplerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmamba chat} with standard input a pipe, as a separate process: one turn per line, a
 * trailing backslash continues it; replies (and what /history prints) on stdout, notes and stats
 * on stderr. The replies are the library's own Chat given the same turns.
 */
class ChatPipedTest {
    @Test
    void oneTurnPerLineRepliesOnStdoutNotesOnStderr(@TempDir Path dir) throws Exception {
        Path model = org.jmamba.cli.TinyModel.write(dir, 3);
        String input = "def fib(n):\n/bogus\nclass A:\\\n    pass\n/history\n";
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "org.jmamba.cli.Main", "chat", "-m", model.toString(), "-n", "6", "--temp", "0")
                .redirectError(dir.resolve("err.txt").toFile())
                .start();
        try (var stdin = p.getOutputStream()) {
            stdin.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "chat did not end at the end of its input");
        String err = Files.readString(dir.resolve("err.txt"));
        assertEquals(0, p.exitValue(), err);

        StringBuilder want = new StringBuilder();
        try (Model m = Model.load(model); Session s = m.newSession()) {
            Chat chat = new Chat(s, m.tokenizer(), MistralInstruct.v3());
            GenerationOptions opts = new GenerationOptions(6, SamplerConfig.greedy(), List.of(), true);
            for (String turn : List.of("def fib(n):", "class A:\n    pass")) {
                chat.send(turn, opts, piece -> want.append(ChatRepl.printable(piece)));
                want.append(System.lineSeparator());
            }
            for (var msg : chat.history()) {
                want.append(msg.role().name().toLowerCase()).append(": ").append(ChatRepl.printable(msg.content()))
                        .append(System.lineSeparator());
            }
        }
        assertEquals(want.toString(), out);
        assertTrue(err.contains("unknown command /bogus"), err);
        assertEquals(2, err.lines().filter(l -> l.startsWith("[prompt ")).count(), err);
        assertFalse(out.contains("chat with"), "no banner or prompt in piped output: " + out);
    }
}
