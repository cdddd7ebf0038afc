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
 * Prefill-time matrix-matrix product (jm_matmul with {@code nCols} columns, the tokens of a
 * batch) per weight type. The {@code gflop} counter is the arithmetic rate in GFLOP/s, counting
 * 2 * nRows * nPerRow * nCols floating-point operations per call (a multiply and an add per weight
 * and column), the activations' rounding included in the time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class MatMatBench {

    @Param({"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K"})
    public String type;

    /** Input columns (tokens of the prefill batch). */
    @Param({"64", "256"})
    public int nCols;

    @Param({"4096"})
    public int nPerRow;

    @Param({"4096"})
    public int nRows;

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
    private MemorySegment w, x, y;
    private double gflopPerOp;

    /** Floating-point operations done, in units of 1e9: reported per second, so in GFLOP/s. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Flops {
        public double gflop;

        @Setup(Level.Iteration)
        public void reset() {
            gflop = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        t = GgmlType.valueOf(type);
        arena = Arena.ofShared();
        kernels = new Kernels(threads);
        w = OffHeap.weights(arena, kernels, t, nRows, nPerRow, 1);
        x = OffHeap.floats(arena, (long) nCols * nPerRow, 1.0, 2);
        y = arena.allocate((long) nCols * nRows * Float.BYTES, 64);
        gflopPerOp = 2.0 * nRows * nPerRow * nCols / 1e9;
        if (packed) weights = kernels.weights(t, w, nPerRow, nRows);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (weights != null) weights.close();
        kernels.close();
        arena.close();
    }

    @Benchmark
    public MemorySegment matmat(Flops flops) {
        if (weights != null) kernels.matmul(weights, x, nCols, y);
        else kernels.matmul(t, w, nPerRow, nRows, x, nCols, y);
        flops.gflop += gflopPerOp;
        return y;
    }
}
