package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jmamba.gguf.GgmlType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionTest {
    static Model model;
    static final int[] PROMPT = {1, 17, 42, 99, 7, 250, 3, 3, 64, 128, 5, 11};

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(TestModels.write(TestModels.small(), GgmlType.F32, 7), Model.Options.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static float[] copy(Logits logits) {
        return logits.toArray();
    }

    static float maxRelDiff(float[] a, float[] b) {
        double max = 0, scale = 1e-6;
        for (float v : b) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return (float) (max / scale);
    }

    @Test
    void batchedPrefillEqualsSingleSteps() {
        assertBatchEqualsSingleSteps(PROMPT);
    }

    /** 100 tokens in one call take the chunked scan; one by one, the recurrence: the same up to rounding. */
    @Test
    void longPromptInOneCallEqualsSingleSteps() {
        int v = model.params().nVocab();
        assertBatchEqualsSingleSteps(java.util.stream.IntStream.range(0, 100).map(i -> (i * 53 + 7) % v).toArray());
    }

    static void assertBatchEqualsSingleSteps(int[] prompt) {
        int v = model.params().nVocab();
        try (Session batch = model.newSession(); Session steps = model.newSession()) {
            float[] all = batch.evalAll(prompt);
            for (int i = 0; i < prompt.length; i++) {
                float[] one = copy(steps.eval(prompt[i]));
                float[] row = java.util.Arrays.copyOfRange(all, i * v, (i + 1) * v);
                assertTrue(maxRelDiff(row, one) < 1e-5, "logits of token " + i + " differ by " + maxRelDiff(row, one));
            }
            float[] s1 = batch.stateView().toArray(ValueLayout.JAVA_FLOAT);
            float[] s2 = steps.stateView().toArray(ValueLayout.JAVA_FLOAT);
            assertTrue(maxRelDiff(s1, s2) < 1e-5, "states differ by " + maxRelDiff(s1, s2));
            assertEquals(prompt.length, batch.position());
        }
    }

    @Test
    void lastLogitsOfEvalEqualLastRowOfEvalAll() {
        int v = model.params().nVocab();
        try (Session a = model.newSession(); Session b = model.newSession()) {
            float[] last = copy(a.eval(PROMPT));
            float[] all = b.evalAll(PROMPT);
            assertArrayEquals(java.util.Arrays.copyOfRange(all, (PROMPT.length - 1) * v, PROMPT.length * v), last, 0f);
        }
    }

    @Test
    void snapshotRestoreAndForkContinueIdentically() {
        try (Session s = model.newSession()) {
            s.eval(PROMPT);
            try (State st = s.snapshot(); Session f = s.fork()) {
                float[] next = copy(s.eval(5, 6, 7));
                float[] forked = copy(f.eval(5, 6, 7));
                assertArrayEquals(next, forked, 0f);
                s.restore(st);
                assertEquals(PROMPT.length, s.position());
                assertArrayEquals(next, copy(s.eval(5, 6, 7)), 0f);
            }
        }
    }

    @Test
    void resetGivesTheZeroState() {
        try (Session s = model.newSession(); Session fresh = model.newSession()) {
            float[] first = copy(fresh.eval(PROMPT));
            s.eval(9, 9, 9);
            s.reset();
            assertEquals(0, s.position());
            assertArrayEquals(first, copy(s.eval(PROMPT)), 0f);
        }
    }

    @Test
    void stateSavesToDiskAndLoadsBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.jmstate");
        try (Session s = model.newSession()) {
            s.eval(PROMPT);
            try (State st = s.snapshot()) {
                st.save(file);
            }
            float[] expected = copy(s.eval(8));
            try (State back = State.load(file, model); Session t = model.newSession()) {
                t.restore(back);
                assertEquals(PROMPT.length, t.position());
                assertArrayEquals(expected, copy(t.eval(8)), 0f);
            }
        }
        try (var files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList(), "no temporary file left behind");
        }
    }

    @Test
    void badTokensAreRejectedAndLeaveTheStateUnchanged() {
        try (Session s = model.newSession()) {
            s.eval(PROMPT);
            float[] before = s.stateView().toArray(ValueLayout.JAVA_FLOAT);
            var e = assertThrows(IllegalArgumentException.class, () -> s.eval(1, 2, 300));
            assertTrue(e.getMessage().contains("300"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.eval(-1));
            assertThrows(IllegalArgumentException.class, () -> s.eval());
            assertArrayEquals(before, s.stateView().toArray(ValueLayout.JAVA_FLOAT), 0f);
            assertEquals(PROMPT.length, s.position());
        }
    }

    @Test
    void closedSessionsRefuseWork() {
        Session s = model.newSession();
        s.close();
        s.close(); // idempotent
        assertThrows(IllegalStateException.class, () -> s.eval(1));
        assertThrows(IllegalStateException.class, s::snapshot);
        assertThrows(IllegalStateException.class, s::reset);
    }

    @Test
    void stateOfAnotherShapeIsRefused() throws Exception {
        var other = new org.jmamba.testkit.RandomMamba2.Shape(300, 64, 1, 128, 16, 8, 2, 4, false);
        try (Model m2 = Model.load(TestModels.write(other, GgmlType.F32, 3));
             Session a = m2.newSession(); State st = a.snapshot(); Session b = model.newSession()) {
            assertThrows(StateModelMismatchException.class, () -> b.restore(st));
        }
    }

    @Test
    void manySessionsOnManyThreadsMatchSequentialResults() throws Exception {
        int n = 6;
        List<float[]> expected = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try (Session s = model.newSession()) {
                expected.add(copy(s.eval(PROMPT[i], PROMPT[i + 1], i)));
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<float[]>> got = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                got.add(pool.submit(() -> {
                    try (Session s = model.newSession()) {
                        for (int rep = 0; rep < 5; rep++) s.eval(1);
                        s.reset();
                        return copy(s.eval(PROMPT[k], PROMPT[k + 1], k));
                    }
                }));
            }
            for (int i = 0; i < n; i++) assertArrayEquals(expected.get(i), got.get(i).get(), 0f, "session " + i);
        } finally {
            pool.shutdown();
        }
    }

    /**
     * 1, 2 and 3 threads give the same bits, for float and quantized weights (whose activations are
     * rounded per thread's share of the columns), on 300 tokens: two micro-batches of the forward,
     * all logits, then single steps.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = GgmlType.class, names = {"F32", "F16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void resultsDoNotDependOnThreadCount(GgmlType type) throws Exception {
        Path p = TestModels.write(new org.jmamba.testkit.RandomMamba2.Shape(300, 256, 2, 512, 16, 8, 2, 4, false), type, 7);
        int[] tokens = java.util.stream.IntStream.range(0, 300).map(i -> (i * 53 + 7) % 300).toArray();
        float[] base = null, baseState = null, baseStep = null;
        for (int threads : new int[] {1, 2, 3}) {
            try (Model m = Model.load(p, Model.Options.defaults().withThreads(threads)); Session s = m.newSession()) {
                float[] all = s.evalAll(tokens);
                float[] step = copy(s.eval(5));
                float[] state = s.stateView().toArray(ValueLayout.JAVA_FLOAT);
                if (base == null) {
                    base = all;
                    baseState = state;
                    baseStep = step;
                    continue;
                }
                assertArrayEquals(base, all, 0f, type + ": " + threads + " threads, all logits of 300 tokens");
                assertArrayEquals(baseStep, step, 0f, type + ": " + threads + " threads, the next single step");
                assertArrayEquals(baseState, state, 0f, type + ": " + threads + " threads, the state");
            }
        }
    }

    @Test
    void logitsViewReadsTheSessionsLogits() {
        try (Session s = model.newSession()) {
            Logits l = s.eval(PROMPT);
            float[] a = l.toArray();
            assertEquals(model.params().nVocab(), l.size());
            assertEquals(a.length, l.size());
            int best = 0;
            for (int i = 0; i < a.length; i++) {
                assertEquals(a[i], l.get(i), 0f);
                if (a[i] > a[best]) best = i;
            }
            assertEquals(best, l.argmax());
            assertArrayEquals(a, l.segment().toArray(ValueLayout.JAVA_FLOAT), 0f);
            assertArrayEquals(a, s.logits().toArray(), 0f);
            assertThrows(IndexOutOfBoundsException.class, () -> l.get(a.length));
            assertThrows(IllegalArgumentException.class, () -> l.segment().set(ValueLayout.JAVA_FLOAT, 0, 1f), "read-only");
        }
    }

    @Test
    void oldLogitsViewsGoStaleWithAClearMessage() {
        try (Session s = model.newSession(); State zero = s.snapshot()) {
            Logits first = s.eval(PROMPT);
            Logits kept = first.copy();
            float[] before = first.toArray();
            s.eval(3);
            assertStale(first, "evaluated more tokens");
            Logits second = s.logits();
            s.feed(4);
            assertStale(second, "evaluated more tokens");
            Logits third = s.eval(5);
            s.reset();
            assertStale(third, "was reset");
            Logits fourth = s.eval(6);
            s.restore(zero);
            assertStale(fourth, "restored a state");
            Logits last = s.eval(7);
            assertTrue(last.isValid());
            s.close();
            assertStale(last, "closed");
            assertTrue(kept.isValid(), "a copy stays valid");
            assertArrayEquals(before, kept.toArray(), 0f);
        }
    }

    static void assertStale(Logits l, String why) {
        assertFalse(l.isValid());
        for (org.junit.jupiter.api.function.Executable use : List.<org.junit.jupiter.api.function.Executable>of(
                l::argmax, l::toArray, l::segment, () -> l.get(0), l::copy)) {
            IllegalStateException e = assertThrows(IllegalStateException.class, use);
            assertTrue(e.getMessage().startsWith("logits view is stale: ") && e.getMessage().contains(why), e.getMessage());
        }
        var sampler = new org.jmamba.sampling.Sampler(org.jmamba.sampling.SamplerConfig.defaults(), model.params().nVocab());
        assertThrows(IllegalStateException.class, () -> sampler.sample(l));
    }

    @Test
    void badStateFilesAreStateFormatExceptions(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("s.jmstate");
        try (Session s = model.newSession(); State st = s.snapshot()) {
            st.save(file);
        }
        byte[] good = Files.readAllBytes(file);
        byte[] badMagic = good.clone();
        badMagic[0] ^= 1;
        Files.write(file, badMagic);
        StateFormatException e = assertThrows(StateFormatException.class, () -> State.load(file, model));
        assertTrue(e.getMessage().contains("not a jmamba state file"), e.getMessage());
        assertEquals(file, e.file());
        Files.write(file, java.util.Arrays.copyOf(good, good.length - 4));
        e = assertThrows(StateFormatException.class, () -> State.load(file, model));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        Files.write(file, java.util.Arrays.copyOf(good, 10));
        e = assertThrows(StateFormatException.class, () -> State.load(file, model));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
        assertThrows(java.nio.file.NoSuchFileException.class, () -> State.load(dir.resolve("missing"), model));
    }
}
