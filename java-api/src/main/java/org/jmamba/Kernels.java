package org.jmamba;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jmamba.bindings.jmamba_h;
import org.jmamba.gguf.GgmlType;

/**
 * Single native ops outside a model: quantize, dequantize and matmul, on a context of its own
 * (worker threads, kernels for this CPU). For the quantizer, tests and benchmarks. One thread at a time.
 */
public final class Kernels implements AutoCloseable {
    private final NativeContext ctx;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment error;

    /** A context with {@code threads} workers (0: one per core) and every kernel the CPU can run. */
    public Kernels(int threads) {
        this(threads, EnumSet.allOf(CpuFeature.class));
    }

    /** A context whose kernels use only {@code allowed} features (and of them what the CPU has). */
    public Kernels(int threads, Set<CpuFeature> allowed) {
        if (threads < 0) throw new IllegalArgumentException("threads = " + threads + " must be >= 0");
        this.ctx = new NativeContext(threads, CpuFeature.mask(allowed));
        this.error = NativeCalls.newError(arena);
    }

    public int threads() {
        return ctx.threads();
    }

    /** The kernel set this context runs. */
    public KernelLevel kernelLevel() {
        return ctx.kernelLevel();
    }

    /** Whether the library can compute matmuls with weights of this type. */
    public static boolean canCompute(GgmlType type) {
        return jmamba_h.jm_type_can_compute(type.id()) != 0;
    }

    /** Bytes of nRows rows of nPerRow values of type. */
    public static long bytes(GgmlType type, long nRows, long nPerRow) {
        return Math.multiplyExact(type.rowBytes(nPerRow), nRows);
    }

    /**
     * Quantizes nRows rows of nPerRow floats into dst with ggml's reference rounding, on this
     * context's threads. dst must hold {@link #bytes} bytes.
     */
    public void quantize(GgmlType type, MemorySegment src, MemorySegment dst, long nRows, long nPerRow) {
        Objects.requireNonNull(type, "type");
        if (nRows < 0 || nPerRow <= 0) throw new IllegalArgumentException("bad shape " + nRows + " x " + nPerRow);
        long in = Math.multiplyExact(Math.multiplyExact(nRows, nPerRow), Float.BYTES);
        long out = bytes(type, nRows, nPerRow);
        if (src.byteSize() < in) throw new IllegalArgumentException("src holds " + src.byteSize() + " bytes, needs " + in);
        if (dst.byteSize() < out) throw new IllegalArgumentException("dst holds " + dst.byteSize() + " bytes, needs " + out);
        NativeCalls.check(jmamba_h.jm_quantize(ctx.handle(), type.id(), src, dst, nRows, nPerRow, error), error,
                "quantize to " + type);
    }

    /** Quantizes float rows held in a Java array; returns the bytes. */
    public byte[] quantize(GgmlType type, float[] src, long nRows, long nPerRow) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment s = tmp.allocateFrom(ValueLayout.JAVA_FLOAT, src);
            MemorySegment d = tmp.allocate(bytes(type, nRows, nPerRow), 64);
            quantize(type, s, d, nRows, nPerRow);
            return d.toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** Expands n values of type (a multiple of its block size) to floats. */
    public static float[] dequantize(GgmlType type, MemorySegment src, long n) {
        long need = type.rowBytes(n);
        if (src.byteSize() < need) throw new IllegalArgumentException("src holds " + src.byteSize() + " bytes, needs " + need);
        if (n > Integer.MAX_VALUE - 8) throw new IllegalArgumentException(n + " values do not fit a Java array");
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment out = tmp.allocate(Math.max(4, n * Float.BYTES), 64);
            MemorySegment err = NativeCalls.newError(tmp);
            NativeCalls.check(jmamba_h.jm_dequantize(type.id(), src, out, n, err), err, "dequantize " + type);
            return out.asSlice(0, n * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /**
     * y[c][r] = W[r] . x[c] for nRows weight rows of nPerRow values of type and nCols input rows;
     * x is rounded to the type's activation format first, as the model forward does.
     */
    public void matmul(GgmlType type, MemorySegment w, long nPerRow, long nRows, MemorySegment x, long nCols, MemorySegment y) {
        if (!canCompute(type)) throw new UnsupportedModelException("cannot compute type " + type);
        long wb = bytes(type, nRows, nPerRow);
        if (w.byteSize() < wb) throw new IllegalArgumentException("w holds " + w.byteSize() + " bytes, needs " + wb);
        if (x.byteSize() < nCols * nPerRow * Float.BYTES) throw new IllegalArgumentException("x is too small");
        if (y.byteSize() < nCols * nRows * Float.BYTES) throw new IllegalArgumentException("y is too small");
        NativeCalls.check(jmamba_h.jm_matmul(ctx.handle(), type.id(), w, nPerRow, nRows, x, nCols, y, error), error,
                "matmul " + type);
    }

    /**
     * A weight matrix repacked the way a model repacks its matrices at load, where this context's
     * kernels read a packed layout (elsewhere it reads {@code w} as it is). {@code w} must stay
     * alive and unchanged until the result is closed; the packed copy is native memory the result
     * owns.
     */
    public Weights weights(GgmlType type, MemorySegment w, long nPerRow, long nRows) {
        if (!canCompute(type)) throw new UnsupportedModelException("cannot compute type " + type);
        long wb = bytes(type, nRows, nPerRow);
        if (w.byteSize() < wb) throw new IllegalArgumentException("w holds " + w.byteSize() + " bytes, needs " + wb);
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment out = tmp.allocate(jmamba_h.C_POINTER);
            NativeCalls.check(jmamba_h.jm_weights_create(type.id(), w, nPerRow, nRows, ctx.cpuFeatureMask(), out, error),
                    error, "weights " + type);
            return new Weights(type, w, nPerRow, nRows, out.get(jmamba_h.C_POINTER, 0));
        }
    }

    /** {@link #matmul(GgmlType, MemorySegment, long, long, MemorySegment, long, MemorySegment)} on {@link Weights}: the same bits. */
    public void matmul(Weights w, MemorySegment x, long nCols, MemorySegment y) {
        MemorySegment h = w.handle();
        if (nCols <= 0) throw new IllegalArgumentException("nCols = " + nCols + " must be > 0");
        if (x.byteSize() < nCols * w.nPerRow() * Float.BYTES) throw new IllegalArgumentException("x is too small");
        if (y.byteSize() < nCols * w.nRows() * Float.BYTES) throw new IllegalArgumentException("y is too small");
        NativeCalls.check(jmamba_h.jm_matmul_weights(ctx.handle(), h, x, nCols, y, error), error, "matmul " + w.type());
    }

    /** A matrix made by {@link #weights}; close it before the memory its rows lie in. */
    public static final class Weights implements AutoCloseable {
        private final GgmlType type;
        private final MemorySegment rows;
        private final long nPerRow, nRows;
        private MemorySegment handle;

        private Weights(GgmlType type, MemorySegment rows, long nPerRow, long nRows, MemorySegment handle) {
            this.type = type;
            this.rows = rows;
            this.nPerRow = nPerRow;
            this.nRows = nRows;
            this.handle = handle;
        }

        public GgmlType type() {
            return type;
        }

        public long nPerRow() {
            return nPerRow;
        }

        public long nRows() {
            return nRows;
        }

        /** Bytes of the packed copy; 0 where the kernels read the rows as they are. */
        public long packedBytes() {
            return jmamba_h.jm_weights_packed_bytes(handle());
        }

        MemorySegment handle() {
            if (handle == null) throw new IllegalStateException("weights are closed");
            if (!rows.scope().isAlive()) throw new IllegalStateException("the memory of the weights' rows is closed");
            return handle;
        }

        @Override
        public void close() {
            if (handle == null) return;
            jmamba_h.jm_weights_free(handle);
            handle = null;
        }
    }

    /** Best streaming read bandwidth of this machine in GB/s (1e9 bytes/s), read with this context's threads. */
    public double readBandwidth(long bytes, int reps) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment out = tmp.allocate(ValueLayout.JAVA_DOUBLE);
            NativeCalls.check(jmamba_h.jm_read_bandwidth(ctx.handle(), bytes, reps, out, error), error, "read bandwidth");
            return out.get(ValueLayout.JAVA_DOUBLE, 0);
        }
    }

    @Override
    public void close() {
        ctx.close();
        arena.close();
    }
}
