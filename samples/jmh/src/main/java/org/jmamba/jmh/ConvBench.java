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
 * The causal depthwise conv plus SiLU of one Mamba-2 layer (jm_conv1d_silu) over {@code tokens}
 * tokens. Channels are conv_dim = d_inner + 2 * G * N: 1792 for Mamba-2 130M (d_inner 1536, G 1,
 * N 128), 10240 for Codestral Mamba 7B (d_inner 8192, G 8, N 128). Counter {@code tokens}: tokens/s.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class ConvBench {

    @Param({"1792", "10240"})
    public int convDim;

    /** K. */
    @Param({"4"})
    public int dConv;

    @Param({"1", "256"})
    public int tokens;

    /** Native worker threads, caller included. */
    @Param({"1", "2"})
    public int threads;

    private Arena arena;
    private MemorySegment ctx, err;
    private MemorySegment x, state, w, bias, y;

    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Counters {
        public long tokens;

        @Setup(Level.Iteration)
        public void reset() {
            tokens = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        arena = Arena.ofShared();
        ctx = Native.context(threads);
        err = Native.newError(arena);
        x = OffHeap.floats(arena, (long) tokens * convDim, 1.0, 1);
        state = arena.allocate((long) (dConv - 1) * convDim * Float.BYTES, 64);
        w = OffHeap.floats(arena, (long) convDim * dConv, 1.0 / Math.sqrt(dConv), 2);
        bias = OffHeap.floats(arena, convDim, 0.1, 3);
        y = arena.allocate((long) tokens * convDim * Float.BYTES, 64);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        jmamba_h.jm_context_free(ctx);
        arena.close();
    }

    @Benchmark
    public MemorySegment conv(Counters c) {
        Native.check(jmamba_h.jm_conv1d_silu(ctx, x, convDim, state, w, bias, y, convDim, dConv, tokens, err), err,
                "jm_conv1d_silu");
        c.tokens += tokens;
        return y;
    }
}
