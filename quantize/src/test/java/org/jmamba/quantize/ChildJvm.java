package org.jmamba.quantize;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs a main class of the tests in a child JVM under {@code ulimit -f}, to make writes fail as on a full disk. */
final class ChildJvm {
    record Outcome(int exitCode, String output) {}

    private ChildJvm() {}

    /** {@code kib}: the largest file the child may write, in KiB (1024-byte blocks for bash's ulimit -f). */
    static Outcome runWithFileSizeLimit(long kib, Class<?> main, String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED", "-cp", cp, main.getName()));
        cmd.addAll(List.of(args));
        StringBuilder line = new StringBuilder("ulimit -f " + kib + "; exec");
        for (String c : cmd) line.append(" '").append(c.replace("'", "'\\''")).append("'");
        Process p = new ProcessBuilder("bash", "-c", line.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("child JVM did not finish: " + out);
        }
        return new Outcome(p.exitValue(), out);
    }

    static String pathSeparator() {
        return File.pathSeparator;
    }
}
