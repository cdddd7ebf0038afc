package org.jmamba.bindings;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The committed bindings equal what {@code bindings/generator/generate.py} makes from the
 * current {@code jmamba.h}: runs {@code python3 bindings/generator/generate.py --check}.
 *
 * <p>The generator needs python3 and libclang's Python module (Debian: {@code apt-get install
 * libclang-14-dev python3-clang-14}, or {@code scripts/generate-bindings}). Without them this
 * test is skipped with a message, unless system property or environment variable
 * {@code JMAMBA_REQUIRE_GENERATOR=1} is set, which makes it fail instead.
 */
class GeneratedBindingsUpToDateTest {

    @Test
    void generatedSourcesMatchTheHeader() throws Exception {
        GeneratorProcess.Result r = GeneratorProcess.run(TestPaths.root(), "--check");
        assertEquals(0, r.rc(), "the generated bindings are out of date (or the generator failed):\n" + r.out());
        assertTrue(r.out().contains("up to date"), r.out());
    }

    @Test
    void generatedFilesSayTheyAreGenerated() throws IOException {
        Path dir = TestPaths.generatedSources(TestPaths.root());
        for (String name : List.of("jmamba_h.java", "jm_error.java", "jm_context_params.java", "jm_model_params.java")) {
            String first = Files.readAllLines(dir.resolve(name)).get(0);
            assertTrue(first.contains("by bindings/generator/generate.py"), name + ": " + first);
        }
    }
}
