package org.jmamba.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.jmamba.Kernels;
import org.jmamba.gguf.GgmlType;

/** Off-heap inputs for the benchmarks: random floats and weight matrices of any type. */
final class OffHeap {
    /** Rows quantized once and repeated to fill a large matrix. */
    private static final long TILE_ROWS = 64;

    private OffHeap() {}

    /** n floats uniform in [-scale, scale], 64-byte aligned. */
    static MemorySegment floats(Arena arena, long n, double scale, long seed) {
        return floats(arena, n, 0, scale, seed);
    }

    /** n floats uniform in [center - spread, center + spread], 64-byte aligned. */
    static MemorySegment floats(Arena arena, long n, double center, double spread, long seed) {
        MemorySegment s = arena.allocate(Math.max(1, n) * Float.BYTES, 64);
        SplittableRandom r = new SplittableRandom(seed);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (center + (r.nextDouble() * 2 - 1) * spread));
        }
        return s;
    }

    /**
     * nRows rows of nPerRow values of type: a tile of random rows quantized by our kernels, copied
     * over the whole matrix. Every byte is written, so the pages are mapped before timing starts,
     * and the matrix is read from memory, not cache, once it is larger than the caches.
     */
    static MemorySegment weights(Arena arena, Kernels kernels, GgmlType type, long nRows, long nPerRow, long seed) {
        long rowBytes = type.rowBytes(nPerRow);
        MemorySegment w = arena.allocate(Kernels.bytes(type, nRows, nPerRow), 64);
        long tileRows = Math.min(TILE_ROWS, nRows);
        long tileBytes = tileRows * rowBytes;
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment src = floats(tmp, tileRows * nPerRow, 1.0, seed);
            MemorySegment tile;
            if (type == GgmlType.F32) {
                tile = src;
            } else {
                tile = tmp.allocate(tileBytes, 64);
                kernels.quantize(type, src, tile, tileRows, nPerRow);
            }
            for (long off = 0; off < w.byteSize(); off += tileBytes) {
                MemorySegment.copy(tile, 0, w, off, Math.min(tileBytes, w.byteSize() - off));
            }
        }
        return w;
    }
}
