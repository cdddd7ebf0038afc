package org.jmamba.swing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jmamba.gguf.GgmlType;
import org.jmamba.testkit.RandomMamba2;

/** A random-weight Q8_0 model written once under target/, big enough that a generation takes a while. */
final class TestModel {
    static final RandomMamba2.Shape SHAPE = new RandomMamba2.Shape(2048, 256, 4, 512, 32, 16, 1, 4, false);
    private static Path path;

    private TestModel() {}

    static synchronized Path path() {
        if (path == null) {
            try {
                Path p = Path.of("target", "ui-test", "random-q8_0.gguf").toAbsolutePath();
                Files.createDirectories(p.getParent());
                if (!Files.exists(p)) RandomMamba2.write(p, new RandomMamba2.Spec(SHAPE, GgmlType.Q8_0, 11));
                path = p;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return path;
    }
}
