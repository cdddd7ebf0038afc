package org.jmamba.tokenizer;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/** Locates the shared conformance data ({@code jmamba.testdata}); tests skip when it is absent. */
final class TestData {
    private TestData() {
    }

    static Path file(String name) {
        String dir = System.getProperty("jmamba.testdata");
        assumeTrue(dir != null && !dir.isBlank(),
                "skipped: system property jmamba.testdata is not set (the shared test data folder)");
        Path p = Path.of(dir).resolve(name);
        assumeTrue(Files.isRegularFile(p), "skipped: test data file " + p + " is not present");
        return p;
    }
}
