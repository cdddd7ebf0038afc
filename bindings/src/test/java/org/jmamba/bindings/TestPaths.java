package org.jmamba.bindings;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the repository is, for tests that read the C header or run the generator. */
final class TestPaths {
    private TestPaths() {}

    /** The repository root: system property {@code jmamba.root} (Surefire sets it), else found upwards. */
    static Path root() {
        String p = System.getProperty("jmamba.root");
        if (p != null && !p.isBlank()) {
            Path r = Path.of(p).toAbsolutePath().normalize();
            if (Files.isRegularFile(header(r))) return r;
            throw new IllegalStateException("-Djmamba.root=" + p + " has no native-src/include/jmamba.h");
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            if (Files.isRegularFile(header(d))) return d;
        }
        throw new IllegalStateException("cannot find the repository root; set -Djmamba.root");
    }

    static Path header(Path root) {
        return root.resolve("native-src/include/jmamba.h");
    }

    static Path generatedSources(Path root) {
        return root.resolve("bindings/src/main/java/org/jmamba/bindings");
    }
}
