package org.jmamba.quantize;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.jmamba.gguf.GgmlType;

/** What happened to each tensor, and the formatting the summaries share. */
public final class Summary {
    private Summary() {}

    /**
     * One written tensor: its name and shape (ggml order), its type before and after, its bytes
     * before and after, and a note when a rule other than the default chose the type.
     */
    public record Tensor(String name, long[] shape, GgmlType from, GgmlType to, long bytesIn, long bytesOut,
                         String note, boolean fallback) {
        public long elements() {
            long n = 1;
            for (long d : shape) n *= d;
            return n;
        }

        @Override
        public String toString() {
            return name + " " + Summary.formatShape(shape) + " " + from + " -> " + to + (note == null ? "" : " (" + note + ")");
        }
    }

    /** Bits per weight of {@code bytes} holding {@code elements} values. */
    public static double bpw(long bytes, long elements) {
        return elements == 0 ? 0 : bytes * 8.0 / elements;
    }

    /** A byte count for people: B, KiB, MiB or GiB. */
    public static String size(long bytes) {
        if (bytes < 1024) return bytes + " B";
        if (bytes < 1024 * 1024) return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        if (bytes < 1024L * 1024 * 1024) return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
        return String.format(Locale.ROOT, "%.2f GiB", bytes / 1073741824.0);
    }

    public static String formatShape(long[] shape) {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
    }
}
