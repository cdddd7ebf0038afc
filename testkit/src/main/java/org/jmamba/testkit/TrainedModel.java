package org.jmamba.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The Java code model trained for the repository (models/README.md) and the reference data its
 * tests use, committed under models/: found by walking up from the working directory. Missing
 * files fail the tests (they are part of the checkout), never skip them.
 */
public final class TrainedModel {
    public static final String GGUF = "jmamba-java-2.8m-f16.gguf";

    private TrainedModel() {}

    /** models/ of the checkout. */
    public static Path dir() {
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path m = d.resolve("models");
            if (Files.isRegularFile(m.resolve(GGUF))) return m;
        }
        throw new IllegalStateException("models/" + GGUF + " not found above " + Path.of("").toAbsolutePath()
                + ": the trained model is part of the checkout (git checkout -- models/)");
    }

    public static Path gguf() {
        return dir().resolve(GGUF);
    }

    public static Path reference(String name) {
        Path p = dir().resolve("reference").resolve(name);
        if (!Files.isRegularFile(p)) throw new IllegalStateException(p + " is missing from the checkout");
        return p;
    }

    /** A float32 little-endian file as rows of {@code cols}. */
    public static float[] floats(String name, int cols) {
        try {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(reference(name))).order(ByteOrder.LITTLE_ENDIAN);
            float[] f = new float[b.remaining() / 4];
            b.asFloatBuffer().get(f);
            if (f.length % cols != 0) throw new IllegalStateException(name + ": " + f.length + " floats are not rows of " + cols);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Comma-separated ids. */
    public static int[] ids(String csv) {
        String t = csv.strip();
        return t.isEmpty() ? new int[0] : Arrays.stream(t.split(",")).mapToInt(Integer::parseInt).toArray();
    }
}
