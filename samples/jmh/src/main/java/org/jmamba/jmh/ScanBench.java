package org.jmamba.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;
import org.jmamba.bindings.jmamba_h;
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
 * The selective scan of one Mamba-2 layer (jm_ssm_scan) over {@code tokens} tokens. H 24 is
 * Mamba-2 130M's head count, H 128 Codestral Mamba 7B's (which has 8 groups: {@code -p nGroup=8}).
 * One token runs the recurrence; 256 (a prefill micro-batch) the chunked form.
 * Counters: {@code tokens} in tokens/s; {@code stateGB} the state read and written, 2 * H * P * N
 * floats per call, in GB/s, the bound of a decode step (tokens = 1).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ScanBench {

    @Param({"24", "128"})
    public int nHead;

    @Param({"1", "256"})
    public int tokens;

    /** P. */
    @Param({"64"})
    public int headDim;

    /** N. */
    @Param({"128"})
    public int dState;

    @Param({"1"})
    public int nGroup;

    /** Native worker threads, caller included. */
    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private MemorySegment ctx, err;
    private MemorySegment xbc, dt, dtBias, a, d, state, y;
    private double stateGBPerOp;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long tokens;
        public double stateGB;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
            stateGB = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        if (nHead % nGroup != 0) throw new IllegalArgumentException("nHead " + nHead + " is not a multiple of nGroup " + nGroup);
        arena = Arena.ofShared();
        ctx = Native.context(threads);
        err = Native.newError(arena);
        long dInner = (long) nHead * headDim;
        long convDim = dInner + 2L * nGroup * dState;
        xbc = OffHeap.floats(arena, tokens * convDim, 1.0, 1);
        dt = OffHeap.floats(arena, (long) tokens * nHead, 1.0, 2);
        // as in a trained layer: dt_bias = softplus^-1 of a step near 0.01, A in [-16, -1], D near 1
        dtBias = OffHeap.floats(arena, nHead, -4.6, 0.5, 3);
        a = OffHeap.floats(arena, nHead, -8.5, 7.5, 4);
        d = OffHeap.floats(arena, nHead, 1.0, 0.1, 5);
        state = arena.allocate(dInner * dState * Float.BYTES, 64);
        y = arena.allocate(tokens * dInner * Float.BYTES, 64);
        stateGBPerOp = 2.0 * state.byteSize() / 1e9;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        jmamba_h.jm_context_free(ctx);
        arena.close();
    }

    @Benchmark
    public MemorySegment scan(Counters c) {
        Native.check(jmamba_h.jm_ssm_scan(ctx, xbc, dt, nHead, dtBias, a, d, state, y, tokens, nHead, headDim, dState,
                nGroup, err), err, "jm_ssm_scan");
        c.tokens += tokens;
        c.stateGB += stateGBPerOp;
        return y;
    }
}
