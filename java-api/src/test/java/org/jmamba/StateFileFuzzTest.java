package org.jmamba;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmamba.testkit.FuzzOutcomes;

/**
 * State.load on any bytes, for a tiny model (fuzz-tiny-mamba2.gguf, written by
 * scripts/fuzz/make-seeds.py): a {@link StateFormatException} naming the problem, or a state that
 * restores into a session and evaluates.
 */
class StateFileFuzzTest {
    private static final Path FILE;
    private static final Model MODEL;

    static {
        try {
            Path dir = Files.createTempDirectory("jmamba-fuzz-state");
            dir.toFile().deleteOnExit();
            Path model = dir.resolve("tiny.gguf");
            try (InputStream in = StateFileFuzzTest.class.getResourceAsStream("fuzz-tiny-mamba2.gguf")) {
                Files.copy(in, model);
            }
            model.toFile().deleteOnExit();
            MODEL = Model.load(model, Model.Options.defaults().withThreads(1));
            FILE = dir.resolve("fuzzed.jmst");
            FILE.toFile().deleteOnExit();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @FuzzTest(maxDuration = "60s")
    void load(byte[] bytes) throws IOException {
        Files.write(FILE, bytes);
        try (State st = State.load(FILE, MODEL); Session s = MODEL.newSession()) {
            s.restore(st);
            s.eval(1).argmax();
            FuzzOutcomes.accepted("state-load");
        } catch (StateFormatException e) {
            FuzzOutcomes.refused("state-load", e);
        }
    }
}
