package org.jmamba.jmh;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.jmamba.Logits;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.bindings.jmamba_h;
import org.jmamba.gguf.GgmlType;
import org.jmamba.testkit.RandomMamba2;
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
 * What the Java side adds to a call, in ns per call. On one tiny random model (1 layer, d_model 64,
 * vocabulary 512, Q8_0) one decode step is timed through {@link Session#eval} and as a raw
 * jm_model_eval downcall with the same native work: the difference is the API's cost (argument
 * checks, the session lock, the context pool, copying the token, status check). The two empty
 * downcalls show the bare FFM cost: jm_cpu_features is linked as a critical function (no thread
 * state change), jm_model_state_size as an ordinary one.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class OverheadBench {

    static final RandomMamba2.Shape SHAPE = new RandomMamba2.Shape(512, 64, 1, 128, 16, 8, 1, 4, false);
    static final int TOKEN = 300;

    static Path writeModel() throws IOException {
        Path file = Files.createTempFile("jmamba-jmh-", ".gguf");
        RandomMamba2.write(file, new RandomMamba2.Spec(SHAPE, GgmlType.Q8_0, 42));
        return file;
    }

    /** The model behind the public API: Model.load, one Session. */
    @State(Scope.Thread)
    public static class Api {
        /** Native worker threads, caller included. */
        @Param({"1", "2"})
        public int threads;

        Path file;
        Model model;
        Session session;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            file = writeModel();
            model = Model.load(file, Model.Options.defaults().withThreads(threads));
            session = model.newSession();
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            model.close();
            Files.deleteIfExists(file);
        }
    }

    /** The same model built through the bindings alone, with its own context, state and buffers. */
    @State(Scope.Thread)
    public static class Raw {
        @Param({"1", "2"})
        public int threads;

        Path file;
        RawModel model;
        Arena arena;
        MemorySegment ctx, state, tokens, logits, err;

        @Setup(Level.Trial)
        public void setUp() throws IOException {
            file = writeModel();
            model = new RawModel(file);
            arena = Arena.ofShared();
            ctx = Native.context(threads);
            state = arena.allocate(jmamba_h.jm_model_state_size(model.handle), 64);
            tokens = arena.allocateFrom(ValueLayout.JAVA_INT, TOKEN);
            logits = arena.allocate((long) model.params.nVocab() * Float.BYTES, 64);
            err = Native.newError(arena);
        }

        @TearDown(Level.Trial)
        public void tearDown() throws IOException {
            jmamba_h.jm_context_free(ctx);
            model.close();
            arena.close();
            Files.deleteIfExists(file);
        }
    }

    /** A model handle with no tensors, enough for jm_model_state_size. */
    @State(Scope.Thread)
    public static class Handle {
        Arena arena;
        MemorySegment model;

        @Setup(Level.Trial)
        public void setUp() {
            arena = Arena.ofConfined();
            MemorySegment out = arena.allocate(jmamba_h.C_POINTER);
            MemorySegment err = Native.newError(arena);
            Native.check(jmamba_h.jm_model_create(SHAPE.params().toNative(arena), out, err), err, "jm_model_create");
            model = out.get(jmamba_h.C_POINTER, 0);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            jmamba_h.jm_model_free(model);
            arena.close();
        }
    }

    /** One decode step through the public API: Session.eval(token), logits for the token. */
    @Benchmark
    public Logits sessionEvalOneToken(Api s) {
        return s.session.eval(TOKEN);
    }

    /** The same step as one jm_model_eval downcall on preallocated buffers. */
    @Benchmark
    public MemorySegment rawModelEval(Raw r) {
        Native.check(jmamba_h.jm_model_eval(r.ctx, r.model.handle, r.state, r.tokens, 1, r.logits, 0, r.err), r.err,
                "jm_model_eval");
        return r.logits;
    }

    /** An empty critical downcall: the least a call into the library costs. */
    @Benchmark
    public int emptyDowncallCritical() {
        return jmamba_h.jm_cpu_features();
    }

    /** A trivial ordinary downcall (Java to native thread state change and back). */
    @Benchmark
    public long trivialDowncall(Handle h) {
        return jmamba_h.jm_model_state_size(h.model);
    }
}
