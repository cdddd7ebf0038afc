package org.jmamba.bindings;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs {@code bindings/generator/generate.py} for tests. Without python3 or libclang's Python
 * module the calling test is skipped (aborted), unless system property or environment variable
 * {@code JMAMBA_REQUIRE_GENERATOR=1} is set: then it fails.
 */
final class GeneratorProcess {
    static final String REQUIRE = "JMAMBA_REQUIRE_GENERATOR";
    /** The generator's exit status when clang.cindex or libclang is missing. */
    static final int EXIT_NO_CLANG = 3;

    private GeneratorProcess() {}

    record Result(int rc, String out) {}

    static boolean required() {
        return "1".equals(System.getProperty(REQUIRE)) || "1".equals(System.getenv(REQUIRE));
    }

    static String python() {
        return System.getenv().getOrDefault("PYTHON", "python3");
    }

    static void skipOrFail(String why) {
        if (required()) fail(why + ", and " + REQUIRE + "=1 requires the generator to run");
        String msg = why + "; generator check NOT run (set " + REQUIRE + "=1 to make this a failure)";
        System.err.println("[skipped] " + msg);
        Assumptions.abort(msg);
    }

    /** Runs the generator in the repository root with these arguments; skips if it cannot run. */
    static Result run(Path root, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(python(), "bindings/generator/generate.py"));
        cmd.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            skipOrFail(python() + " cannot be run (" + e.getMessage() + ")");
            throw new AssertionError("unreachable");
        }
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("the generator did not finish in 120 s: " + cmd);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() == EXIT_NO_CLANG) {
            skipOrFail("clang.cindex/libclang is not available to " + python() + ": " + text.strip());
        }
        return new Result(p.exitValue(), text);
    }
}
