package org.jmamba.quantize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.jmamba.Kernels;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.gguf.GgmlType;

/** Helpers the quantize and convert tests share. */
final class TestUtil {
    private TestUtil() {}

    /** Whether the native library can quantize to {@code type} (K-quants arrive separately). */
    static boolean canQuantize(GgmlType type) {
        if (type == GgmlType.F32) return true;
        try (Kernels k = new Kernels(1); java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            byte[] q = k.quantize(type, new float[type.blockSize()], 1, type.blockSize());
            float[] back = Kernels.dequantize(type, a.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, q), type.blockSize());
            return back.length == type.blockSize();
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Logits after every token, [n][vocab] flattened. */
    static float[] logits(Path model, int[] tokens) throws IOException {
        try (Model m = Model.load(model, Model.Options.defaults().withThreads(2)); Session s = m.newSession()) {
            return s.evalAll(tokens);
        }
    }

    /** ||a - b|| / ||a||. */
    static double relL2(float[] a, float[] b) {
        if (a.length != b.length) throw new IllegalArgumentException(a.length + " vs " + b.length);
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = (double) a[i] - b[i];
            num += d * d;
            den += (double) a[i] * a[i];
        }
        return Math.sqrt(num / den);
    }

    static double relL2(double[] a, float[] b, int offset) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[offset + i];
            num += d * d;
            den += a[i] * a[i];
        }
        return Math.sqrt(num / den);
    }

    /** The names of the files in {@code dir}. */
    static List<String> files(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
