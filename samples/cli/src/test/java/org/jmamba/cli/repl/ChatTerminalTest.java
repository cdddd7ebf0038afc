package org.jmamba.cli.repl;

import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmamba chat} in a real terminal: a tmux session runs the command on a pseudo-terminal,
 * keys go in with {@code send-keys} and {@code paste-buffer -p} (bracketed paste, as a terminal
 * sends a paste), and the assertions read the screen with {@code capture-pane}.
 */
class ChatTerminalTest {
    @TempDir
    static Path dir;
    static Path model;
    static Path launcher;
    private final String session = "jmamba-chat-" + ProcessHandle.current().pid() + "-" + System.nanoTime();

    /** A tmux server of these tests' own, kept up by one idle session so that it never exits between tests. */
    static final String SOCKET = "jmamba-test-" + ProcessHandle.current().pid();

    @BeforeAll
    static void setUp() throws Exception {
        assumeTrue(run("tmux", "-V").exit == 0, "tmux is not installed (scripts/test.sh installs it as root): the terminal tests are skipped");
        run("tmux", "-L", SOCKET, "kill-server"); // one left by a killed run whose JVM had this pid would have a keeper already
        assertEquals(0, run("tmux", "-L", SOCKET, "-f", "/dev/null", "new-session", "-d", "-s", "keeper", "sleep 3600").exit);
        assertEquals(0, run("tmux", "-L", SOCKET, "set-option", "-g", "history-limit", "200000").exit); // for the windows made next
        model = org.jmamba.cli.TinyModel.write(dir, 3);
        // the command as ./jmamba runs it, on the test's class path
        launcher = dir.resolve("jmamba");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Files.writeString(launcher, "#!/bin/sh\necho $$ > \"$JMAMBA_PID_FILE\"\nexec '" + java + "' --enable-native-access=ALL-UNNAMED -cp '"
                + System.getProperty("java.class.path") + "' org.jmamba.cli.Main \"$@\"\n");
        launcher.toFile().setExecutable(true);
    }

    private final Path pidFile = dir.resolve(session + ".pid");

    @AfterAll
    static void stopServer() throws Exception {
        run("tmux", "-L", SOCKET, "kill-server");
    }

    @AfterEach
    void killSession() throws Exception {
        run("tmux", "-L", SOCKET, "kill-session", "-t", session);
        // wait for the chat's JVM to go, so that it writes nothing into the folder being deleted
        if (Files.exists(pidFile)) {
            long pid = Long.parseLong(Files.readString(pidFile).strip());
            ProcessHandle.of(pid).ifPresent(p -> {
                try {
                    p.onExit().get(20, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    p.destroyForcibly();
                }
            });
        }
    }

    @Test
    void typingHistoryPasteContinuationAndCommands() throws Exception {
        Path history = dir.resolve("history-a");
        start("chat -m " + model + " -n 4 --temp 0 --history-file " + history);
        String banner = waitFor("banner", s -> s.contains("/help for the commands") && s.strip().endsWith(">"));
        assertTrue(banner.contains("through JLine's ffm provider"), banner);

        keys("hello there", "Enter");
        waitFor("the first reply's stats and the prompt", s -> s.contains("stop: max tokens]") && prompt(s));
        keys("Up");
        waitFor("the last line recalled by the up arrow", s -> lastLine(s).equals("> hello there"));
        keys("C-u"); // clear the recalled line

        keys("/bogus", "Enter");
        waitFor("unknown command refused", s -> s.contains("unknown command /bogus") && prompt(s));

        Path snippet = dir.resolve("snippet.txt");
        Files.writeString(snippet, "def f(x):\n    return x");
        tmux("load-buffer", "-b", "snip", snippet.toString());
        tmux("paste-buffer", "-p", "-b", "snip", "-t", session); // bracketed, as a terminal pastes
        keys("Enter");
        waitFor("the paste's reply", s -> count(s, "stop: max tokens]") == 2 && prompt(s));

        keys("first half", "M-Enter", "second half", "Enter");
        waitFor("the Alt-Enter turn's reply", s -> count(s, "stop: max tokens]") == 3 && prompt(s));
        keys("one\\", "Enter", "two", "Enter");
        waitFor("the backslash turn's reply", s -> count(s, "stop: max tokens]") == 4 && prompt(s));

        keys("/history", "Enter");
        String screen = waitFor("the history", s -> s.contains("user: one") && prompt(s));
        assertTrue(screen.contains("user: hello there\n"), screen);
        assertTrue(screen.contains("user: def f(x):\n    return x\n"), screen);
        assertTrue(screen.contains("user: first half\nsecond half\n"), screen);
        assertTrue(screen.contains("user: one\ntwo\n"), screen);
        assertEquals(4, count(screen.substring(screen.lastIndexOf("> /history")), "user: "),
                "each paste or continued input is one turn: " + screen);

        keys("/system answer in French", "Enter");
        waitFor("system prompt set", s -> s.contains("(system prompt set; conversation started over)") && prompt(s));
        keys("/history", "Enter");
        screen = waitFor("the history after /system", s -> s.contains("system: answer in French") && prompt(s));
        assertFalse(screen.substring(screen.lastIndexOf("system: answer in French")).contains("user: "), screen);

        keys("/help", "Enter");
        screen = waitFor("the help", s -> s.contains("/reset") && prompt(s));
        for (String c : List.of("/help", "/system [TEXT]", "/history", "/reset", "/exit")) assertTrue(screen.contains(c), screen);

        keys("/exit", "Enter");
        waitFor("the exit", s -> s.contains("EXITED=0"));

        // the history was saved: a new chat recalls the last line of the old one
        String saved = Files.readString(history, StandardCharsets.UTF_8);
        assertTrue(saved.contains("hello there") && saved.contains("def f(x):"), saved);
        run("tmux", "-L", SOCKET, "kill-session", "-t", session);
        start("chat -m " + model + " -n 4 --temp 0 --history-file " + history);
        waitFor("banner", s -> s.contains("/help for the commands") && s.strip().endsWith(">"));
        keys("Up");
        waitFor("the last line of the saved history", s -> lastLine(s).equals("> /exit"));
    }

    @Test
    void ctrlCStopsTheReplyAndKeepsTheConversationAndTwiceAtThePromptExits() throws Exception {
        start("chat -m " + model + " -n -1 --ignore-eos --history-file " + dir.resolve("history-b"));
        waitFor("banner", s -> s.contains("/help for the commands") && s.strip().endsWith(">"));
        keys("hello", "Enter");
        // Ctrl-C stops a reply only once it is written: before that the terminal is still raw and the key would
        // wait unread, and the reply never ends by itself (-n -1 and --ignore-eos). Its first text is printed
        // after the REPL took SIGINT and turned ISIG on.
        String before = waitFor("the reply's first text", s -> s.contains("> hello\n")
                && !s.substring(s.lastIndexOf("> hello\n") + "> hello\n".length()).isBlank());
        assertFalse(before.contains("stop:"), before);
        keys("C-c");
        String screen = waitFor("the reply stopped", s -> s.contains("stop: cancelled]") && lastLine(s).equals(">"));
        assertTrue(screen.contains("(stopped; the conversation goes on from here)"), screen);

        keys("/history", "Enter");
        screen = waitFor("the history", s -> s.contains("> /history") && lastLine(s).equals(">"));
        String history = screen.substring(screen.lastIndexOf("> /history"));
        assertTrue(history.contains("\nuser: hello\nassistant: "), history);

        keys("C-c");
        waitFor("the hint and a new prompt", s -> s.contains("(Ctrl-C again, Ctrl-D or /exit to quit)\n>"));
        // one Ctrl-C counts once (JLine's software SIGINT made it also end the next read, and so the chat)
        assertTrue(chatRunning(), "the chat ended after one Ctrl-C at the prompt:\n" + tail(screen()));
        assertFalse(screen().contains("EXITED="));
        keys("C-c");
        // 0 from the REPL's own return, or 130 where the JVM's SIGINT handler, back after JLine closed the terminal, ended it first
        waitFor("the exit", s -> s.contains("EXITED=0") || s.contains("EXITED=130"));
    }

    // --- tmux ---

    private void start(String args) throws Exception {
        tmux("new-session", "-d", "-s", session, "-x", "160", "-y", "50",
                // the shell traps Ctrl-C (a trap, not an ignore, so the chat still gets it) and so outlives it
                "sh -c \"trap 'true' INT; JMAMBA_DEBUG=1 JMAMBA_PID_FILE=" + pidFile + " " + launcher + " " + args + " ; echo EXITED=\\$? ; sleep 600\"");
    }

    private void keys(String... keys) throws Exception {
        for (String k : keys) {
            boolean named = k.equals("Enter") || k.equals("Up") || k.startsWith("C-") || k.startsWith("M-");
            List<String> cmd = new ArrayList<>(List.of("send-keys", "-t", session));
            if (!named) cmd.add("-l");
            cmd.add(k);
            tmux(cmd.toArray(String[]::new));
        }
    }

    /** The whole pane, scrollback included, trailing blank lines dropped. */
    private String screen() throws Exception {
        return run("tmux", "-L", SOCKET, "capture-pane", "-p", "-J", "-S", "-", "-t", session).out.stripTrailing();
    }

    private String waitFor(String what, Predicate<String> done) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        String s = "";
        while (System.nanoTime() < end) {
            Result r = run("tmux", "-L", SOCKET, "capture-pane", "-p", "-J", "-S", "-", "-t", session);
            if (r.exit != 0) {
                // the shell ends (and the session with it) only when a Ctrl-C reaches it after the chat ended
                fail("the terminal closed while waiting for " + what + " (" + r.out.strip() + "); the screen before:\n" + tail(s));
            }
            s = r.out.stripTrailing();
            if (done.test(s)) return s;
            Thread.sleep(150);
        }
        fail("timed out waiting for " + what + "; the screen:\n" + tail(s));
        return s;
    }

    /** Whether the chat's JVM is still running. */
    private boolean chatRunning() throws IOException {
        long pid = Long.parseLong(Files.readString(pidFile).strip());
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static String tail(String s) {
        return s.length() > 4000 ? s.substring(s.length() - 4000) : s;
    }

    /** Back at the prompt: JLine prints it once the terminal is raw again, so keys sent now are not lost. */
    private static boolean prompt(String s) {
        return lastLine(s).equals(">");
    }

    private static String lastLine(String s) {
        String t = s.stripTrailing();
        return t.substring(t.lastIndexOf('\n') + 1).stripTrailing();
    }

    private static int count(String s, String what) {
        int n = 0;
        for (int i = s.indexOf(what); i >= 0; i = s.indexOf(what, i + 1)) n++;
        return n;
    }

    private void tmux(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("tmux", "-L", SOCKET));
        cmd.addAll(List.of(args));
        Result r = run(cmd.toArray(String[]::new));
        assertEquals(0, r.exit, String.join(" ", cmd) + ": " + r.out);
    }

    record Result(int exit, String out) {}

    static Result run(String... cmd) throws IOException, InterruptedException {
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Result(127, e.getMessage());
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new Result(p.waitFor(), out);
    }
}
