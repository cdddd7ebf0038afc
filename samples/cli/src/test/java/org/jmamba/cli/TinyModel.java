package org.jmamba.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.jmamba.gguf.GgmlType;
import org.jmamba.testkit.RandomMamba2;

/** The random-weight model the command-line tests run: small enough to load and generate in milliseconds. */
public final class TinyModel {
    private TinyModel() {}

    /** 512-token vocabulary, d_model 64, 2 layers, d_inner 128, d_state 16, 8 heads, 2 groups, conv 4. */
    public static final RandomMamba2.Shape SHAPE = new RandomMamba2.Shape(512, 64, 2, 128, 16, 8, 2, 4, false);

    /** Writes DIR/tiny.gguf with Q8_0 matrices and returns its path. */
    public static Path write(Path dir, long seed) throws IOException {
        Path file = dir.resolve("tiny.gguf");
        RandomMamba2.write(file, new RandomMamba2.Spec(SHAPE, GgmlType.Q8_0, seed));
        return file;
    }
}
