package org.jmamba.quantize;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.function.LongConsumer;
import org.jmamba.Kernels;
import org.jmamba.gguf.GgmlType;

/**
 * Moves one tensor's data from a source (a mapped file) to a sink, converting its type a bounded
 * chunk of rows at a time, so memory stays flat whatever the tensor's size: source rows are
 * expanded to float (plain types in Java or by the native dequantizer), optionally transformed
 * value by value, then rounded to the target type by the native quantizer on its worker threads.
 */
final class TensorStreamer {
    /** Takes the next chunk of a tensor's bytes. */
    @FunctionalInterface
    interface ChunkSink {
        void write(MemorySegment chunk) throws IOException;
    }

    /** A value-by-value transform applied in float. */
    @FunctionalInterface
    interface FloatOp {
        float apply(float x);
    }

    /** Floats per chunk: 4 Mi values, 16 MiB as float. */
    static final long CHUNK_VALUES = 4L << 20;
    /** Bytes per chunk of a plain copy. */
    static final long COPY_BYTES = 16L << 20;

    private static final ValueLayout.OfShort LE_SHORT =
            ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(java.nio.ByteOrder.LITTLE_ENDIAN);

    private final Kernels kernels;

    TensorStreamer(Kernels kernels) {
        this.kernels = kernels;
    }

    /** Copies {@code src} as it is, in chunks; progress receives the bytes done. */
    void copy(MemorySegment src, ChunkSink sink, LongConsumer progress) throws IOException {
        long size = src.byteSize();
        for (long off = 0; off < size; off += COPY_BYTES) {
            long n = Math.min(COPY_BYTES, size - off);
            sink.write(src.asSlice(off, n));
            progress.accept(off + n);
        }
    }

    /**
     * Converts {@code rows} rows of {@code perRow} values of {@code from} in {@code src} to
     * {@code to}; {@code op} (or null) transforms each value in between. Progress receives the
     * source bytes done.
     */
    void convert(MemorySegment src, GgmlType from, long rows, long perRow, GgmlType to, FloatOp op,
                 ChunkSink sink, LongConsumer progress) throws IOException {
        long srcRow = from.rowBytes(perRow);
        long dstRow = to.rowBytes(perRow);
        if (src.byteSize() < srcRow * rows) {
            throw new IllegalArgumentException("source holds " + src.byteSize() + " bytes, needs " + srcRow * rows);
        }
        long chunkRows = Math.max(1, Math.min(rows, CHUNK_VALUES / perRow));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f32 = arena.allocate(chunkRows * perRow * Float.BYTES, 64);
            MemorySegment dst = to == GgmlType.F32 ? null : arena.allocate(chunkRows * dstRow, 64);
            for (long r0 = 0; r0 < rows; r0 += chunkRows) {
                long n = Math.min(chunkRows, rows - r0);
                long values = n * perRow;
                MemorySegment in = src.asSlice(r0 * srcRow, n * srcRow);
                toFloat(in, from, values, f32);
                if (op != null || to.isQuantized()) {
                    for (long i = 0; i < values; i++) {
                        float v = f32.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                        if (op != null) {
                            v = op.apply(v);
                            f32.setAtIndex(ValueLayout.JAVA_FLOAT, i, v);
                        }
                        if (!Float.isFinite(v) && to.isQuantized()) {
                            throw new QuantizeException("value " + v + " at row " + (r0 + i / perRow) + ", column "
                                    + (i % perRow) + " cannot be quantized to " + to);
                        }
                    }
                }
                if (to == GgmlType.F32) {
                    sink.write(f32.asSlice(0, values * Float.BYTES));
                } else {
                    kernels.quantize(to, f32, dst, n, perRow);
                    sink.write(dst.asSlice(0, n * dstRow));
                }
                progress.accept((r0 + n) * srcRow);
            }
        }
    }

    /** Expands {@code n} values of {@code type} at {@code in} into {@code out} as float. */
    static void toFloat(MemorySegment in, GgmlType type, long n, MemorySegment out) {
        switch (type) {
            case F32 -> MemorySegment.copy(in, 0, out, 0, n * Float.BYTES);
            case BF16 -> {
                for (long i = 0; i < n; i++) {
                    short h = in.get(LE_SHORT, 2 * i);
                    out.setAtIndex(ValueLayout.JAVA_FLOAT, i, Float.intBitsToFloat((h & 0xFFFF) << 16));
                }
            }
            case F16 -> {
                for (long i = 0; i < n; i++) {
                    short h = in.get(LE_SHORT, 2 * i);
                    out.setAtIndex(ValueLayout.JAVA_FLOAT, i, Float.float16ToFloat(h));
                }
            }
            default -> {
                float[] v = Kernels.dequantize(type, in, n);
                MemorySegment.copy(v, 0, out, ValueLayout.JAVA_FLOAT, 0, v.length);
            }
        }
    }
}
