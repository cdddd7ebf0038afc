package org.jmamba;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jmamba.gguf.GgmlType;
import org.jmamba.testkit.RandomMamba2;

/** Random-weight models written once per JVM into a temp folder, shared by the tests. */
public final class TestModels {
    private static final Path DIR;
    private static final Map<String, Path> CACHE = new ConcurrentHashMap<>();

    static {
        try {
            DIR = Files.createTempDirectory("jmamba-test-models");
            DIR.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private TestModels() {}

    /** A small model: 2 layers, d_model 64, N 16, head_dim 16, G 2, vocab 300, untied. */
    public static RandomMamba2.Shape small() {
        return new RandomMamba2.Shape(300, 64, 2, 128, 16, 8, 2, 4, false);
    }

    public static Path write(RandomMamba2.Shape shape, GgmlType type, long seed) {
        return write(new RandomMamba2.Spec(shape, type, seed));
    }

    public static Path write(RandomMamba2.Spec spec) {
        String key = spec.toString();
        return CACHE.computeIfAbsent(key, k -> {
            try {
                Path p = DIR.resolve("m" + CACHE.size() + "-" + spec.weightType() + ".gguf");
                RandomMamba2.write(p, spec);
                p.toFile().deleteOnExit();
                return p;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** n token ids below vocab, varied (no short period), a different sequence for each seed. */
    public static int[] tokens(int vocab, int n, int seed) {
        return java.util.stream.IntStream.range(0, n).map(i -> (i * 53 + seed * 31 + (i * i) % 17) % vocab).toArray();
    }

    public static Path testdata() {
        String p = System.getProperty("jmamba.testdata");
        return p == null ? null : Path.of(p);
    }

    /**
     * A file of the shared conformance data (../shared/testdata, system property jmamba.testdata).
     * Where it is absent the calling test is skipped with a message, as in a user's clone, except
     * under scripts/test.sh (JMAMBA_REQUIRE_TESTDATA=1), where it fails: there no test may pass for
     * want of data.
     */
    public static Path testdataFile(String name) {
        Path dir = testdata();
        Path p = dir == null ? null : dir.resolve(name);
        requireTestdata(p != null && Files.isRegularFile(p),
                "test data file " + name + " not found (system property jmamba.testdata = " + dir + ")");
        return p;
    }

    /** Skips with {@code message} when {@code present} is false, or fails under JMAMBA_REQUIRE_TESTDATA=1. */
    public static void requireTestdata(boolean present, String message) {
        if (present) return;
        if ("1".equals(System.getenv("JMAMBA_REQUIRE_TESTDATA")))
            org.junit.jupiter.api.Assertions.fail(message + " (JMAMBA_REQUIRE_TESTDATA=1: the shared test data is required)");
        org.junit.jupiter.api.Assumptions.abort("skipped: " + message);
    }
}
