package org.jmamba.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.jmamba.Kernels;
import org.jmamba.gguf.GgmlType;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Decode-time matrix-vector product (jm_matmul with one column) per weight type. The matrix holds
 * about {@code weightMiB} MiB of weights, more than the caches, so each call streams it from
 * memory: the {@code weightGB} counter is the weight read rate in GB/s (1e9 bytes per second).
 * The input vector's rounding to the activation format is part of each call, as in the model.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MatVecBench {

    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    public String type;

    /** Values per row: 768 (Mamba-2 130M's d_model) or 4096 (Codestral Mamba 7B's). */
    @Param({"768", "4096"})
    public int nPerRow;

    /** Size of the weight matrix; rows = weightMiB MiB / bytes per row. */
    @Param({"64"})
    public int weightMiB;

    /** Native worker threads, caller included. */
    @Param({"1", "2"})
    public int threads;

    /**
     * true: the weights repacked as a model repacks them at load (Kernels.weights), which is what
     * runs the AVX-512 and AMX kernels that read a packed layout; false: the rows as a file holds them.
     */
    @Param({"false", "true"})
    public boolean packed;

    private Arena arena;
    private Kernels kernels;
    private Kernels.Weights weights;
    private GgmlType t;
    private long nRows;
    private MemorySegment w, x, y;
    private double gbPerOp;

    /** Weight bytes read, in units of 1e9: reported per second, so in GB/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Bytes {
        public double weightGB;

        @Setup(Level.Iteration)
        public void reset() {
            weightGB = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        t = GgmlType.valueOf(type);
        arena = Arena.ofShared();
        kernels = new Kernels(threads);
        nRows = ((long) weightMiB << 20) / t.rowBytes(nPerRow);
        w = OffHeap.weights(arena, kernels, t, nRows, nPerRow, 1);
        x = OffHeap.floats(arena, nPerRow, 1.0, 2);
        y = arena.allocate(nRows * Float.BYTES, 64);
        gbPerOp = Kernels.bytes(t, nRows, nPerRow) / 1e9;
        if (packed) weights = kernels.weights(t, w, nPerRow, nRows);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (weights != null) weights.close();
        kernels.close();
        arena.close();
    }

    @Benchmark
    public MemorySegment matvec(Bytes bytes) {
        if (weights != null) kernels.matmul(weights, x, 1, y);
        else kernels.matmul(t, w, nPerRow, nRows, x, 1, y);
        bytes.weightGB += gbPerOp;
        return y;
    }
}
