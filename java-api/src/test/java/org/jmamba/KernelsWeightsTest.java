package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.jmamba.gguf.GgmlType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Kernels.weights: the packed layout a model uses, against jm_matmul on the same rows. */
class KernelsWeightsTest {

    private static MemorySegment floats(Arena a, long n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        MemorySegment s = a.allocate(n * Float.BYTES, 64);
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) r.nextGaussian());
        return s;
    }

    @ParameterizedTest
    @EnumSource(value = GgmlType.class, names = {"Q4_0", "Q8_0", "Q4_K", "Q5_K", "Q6_K", "Q4_1", "F16"})
    void packedWeightsGiveTheBitsOfTheRows(GgmlType type) {
        long nPerRow = 512, nRows = 72; // 4.5 groups of 16 rows
        try (Arena a = Arena.ofConfined(); Kernels k = new Kernels(2)) {
            MemorySegment w = a.allocate(Kernels.bytes(type, nRows, nPerRow), 64);
            k.quantize(type, floats(a, nRows * nPerRow, 1), w, nRows, nPerRow);
            for (long nCols : new long[] {1, 3, 16, 37}) {
                MemorySegment x = floats(a, nCols * nPerRow, 2 + nCols);
                MemorySegment y1 = a.allocate(nCols * nRows * Float.BYTES), y2 = a.allocate(nCols * nRows * Float.BYTES);
                k.matmul(type, w, nPerRow, nRows, x, nCols, y1);
                try (Kernels.Weights pw = k.weights(type, w, nPerRow, nRows)) {
                    k.matmul(pw, x, nCols, y2);
                }
                assertEquals(-1, y1.mismatch(y2), type + " x " + nCols + " columns");
            }
        }
    }

    @Test
    void packsWhereTheKernelsReadPackedWeightsAndNowhereElse() {
        // 32 rows: whole groups of 8 and of 16
        // AVX-512 VNNI reads 16-row groups and AVX2 8-row ones; Q4_K packs to the file's size either way
        boolean packs = CpuFeature.detected().containsAll(java.util.EnumSet.of(CpuFeature.AVX2, CpuFeature.FMA, CpuFeature.F16C));
        long nPerRow = 256, nRows = 32;
        try (Arena a = Arena.ofConfined(); Kernels all = new Kernels(1); Kernels scalar = new Kernels(1, java.util.EnumSet.noneOf(CpuFeature.class))) {
            MemorySegment w = a.allocate(Kernels.bytes(GgmlType.Q4_K, nRows, nPerRow), 64);
            all.quantize(GgmlType.Q4_K, floats(a, nRows * nPerRow, 3), w, nRows, nPerRow);
            try (Kernels.Weights p = all.weights(GgmlType.Q4_K, w, nPerRow, nRows);
                 Kernels.Weights s = scalar.weights(GgmlType.Q4_K, w, nPerRow, nRows)) {
                assertEquals(packs ? Kernels.bytes(GgmlType.Q4_K, nRows, nPerRow) : 0, p.packedBytes());
                assertEquals(0, s.packedBytes());
            }
        }
    }

    @Test
    void closedWeightsAndShortRowsAreRefused() {
        try (Arena a = Arena.ofConfined(); Kernels k = new Kernels(1)) {
            MemorySegment w = a.allocate(Kernels.bytes(GgmlType.Q8_0, 16, 64));
            assertThrows(IllegalArgumentException.class, () -> k.weights(GgmlType.Q8_0, w, 64, 17));
            Kernels.Weights pw = k.weights(GgmlType.Q8_0, w, 64, 16);
            pw.close();
            pw.close(); // twice is harmless
            MemorySegment x = a.allocate(64 * Float.BYTES), y = a.allocate(16 * Float.BYTES);
            assertThrows(IllegalStateException.class, () -> k.matmul(pw, x, 1, y));
        }
    }
}
