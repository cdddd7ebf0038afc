package org.jmamba.tokenizer;

import java.nio.file.Path;

/** Locates the shared conformance data ({@code jmamba.testdata}); tests skip when it is absent, or fail under scripts/test.sh. */
final class TestData {
    private TestData() {
    }

    static Path file(String name) {
        return org.jmamba.TestModels.testdataFile(name);
    }
}
