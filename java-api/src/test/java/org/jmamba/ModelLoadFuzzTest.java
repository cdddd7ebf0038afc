package org.jmamba;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmamba.testkit.FuzzOutcomes;

/**
 * Model.load on any bytes, then a session and an eval when it loads: a {@link JmambaException}
 * naming the problem, or a model that runs. Native code reads the fuzzed weights and shapes, so
 * this is also the fuzz target for the native side (run it against the sanitized library with
 * scripts/test-sanitized.sh). Sessions are held to 64 MiB so a valid but huge shape is refused.
 */
class ModelLoadFuzzTest {
    private static final Path FILE;

    static {
        try {
            Path dir = Files.createTempDirectory("jmamba-fuzz-model");
            dir.toFile().deleteOnExit();
            FILE = dir.resolve("fuzzed.gguf");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Model.Options OPTIONS = Model.Options.defaults().withThreads(1).withMaxSessionBytes(64L << 20);

    @FuzzTest(maxDuration = "60s")
    void load(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        try (Model m = Model.load(FILE, OPTIONS); Session s = m.newSession()) {
            int last = m.params().nVocab() - 1;
            s.eval(0, last);
            s.eval(last / 2).argmax();
            m.findTokenizer().ifPresent(t -> t.encode("def fib(n):\n\treturn n"));
            FuzzOutcomes.accepted("model-load");
        } catch (JmambaException e) {
            FuzzOutcomes.refused("model-load", e);
        }
    }
}
