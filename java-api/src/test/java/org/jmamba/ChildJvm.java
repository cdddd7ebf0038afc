package org.jmamba;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a main class of the tests in a child JVM with the test class path: code that may crash the
 * process (SIGSEGV, SIGBUS, a double free) then fails a test instead of killing the test run.
 */
public final class ChildJvm {
    public record Outcome(int exitCode, String output) {
        /** The exit code and output, for assertion messages. */
        public String describe() {
            return "exit code " + exitCode + (exitCode > 128 ? " (signal " + (exitCode - 128) + ")" : "") + ", output:\n" + output;
        }
    }

    private ChildJvm() {}

    public static Outcome run(Class<?> main, String... args) throws Exception {
        return start(main, args).await(300);
    }

    /** A started child; {@link #await} collects its output. */
    public record Started(Process process) {
        public Outcome await(long seconds) throws Exception {
            Process p = process;
            byte[][] out = new byte[1][];
            Thread reader = Thread.ofPlatform().start(() -> {
                try {
                    out[0] = p.getInputStream().readAllBytes();
                } catch (java.io.IOException e) {
                    out[0] = new byte[0];
                }
            });
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                reader.join();
                throw new AssertionError("child JVM did not finish in " + seconds + " s: " + new String(out[0], StandardCharsets.UTF_8));
            }
            reader.join();
            return new Outcome(p.exitValue(), new String(out[0], StandardCharsets.UTF_8));
        }
    }

    public static Started start(Class<?> main, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-XX:-CreateCoredumpOnCrash", "-XX:ErrorFile=/dev/null", "-cp", cp));
        String lib = System.getProperty("jmamba.library.path");
        if (lib != null) cmd.add("-Djmamba.library.path=" + lib);
        cmd.add(main.getName());
        cmd.addAll(List.of(args));
        return new Started(new ProcessBuilder(cmd).redirectErrorStream(true).start());
    }
}
