package org.jmamba;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.jmamba.gguf.GgmlType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DecodeSchedulerTest {
    private static Model model;

    @BeforeAll
    static void load() throws Exception {
        Path p = TestModels.write(TestModels.small(), GgmlType.Q8_0, 7);
        model = Model.load(p, Model.Options.defaults().withThreads(2));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    private static int argmax(float[] l) {
        int best = 0;
        for (int i = 1; i < l.length; i++) if (l[i] > l[best]) best = i;
        return best;
    }

    private static int[] prompt(int n, int salt) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) p[i] = (i * 37 + salt * 11 + 1) % model.params().nVocab();
        return p;
    }

    /** Greedy decoding of maxTokens tokens, recording every set of logits. */
    private static final class Greedy implements DecodeScheduler.Step {
        final List<float[]> seen = new ArrayList<>();
        final int maxTokens;

        Greedy(int maxTokens) {
            this.maxTokens = maxTokens;
        }

        @Override
        public int next(Logits logits) {
            float[] l = logits.toArray();
            seen.add(l);
            return seen.size() > maxTokens ? DecodeScheduler.STOP : argmax(l);
        }
    }

    /** The same job alone, through Session.eval, with the prompt cut where the scheduler cuts it. */
    private static List<float[]> alone(int[] prompt, int chunk, int maxTokens) {
        List<float[]> seen = new ArrayList<>();
        try (Session s = model.newSession()) {
            Logits l = null;
            for (int i = 0; i < prompt.length; i += chunk) {
                l = s.eval(java.util.Arrays.copyOfRange(prompt, i, Math.min(prompt.length, i + chunk)));
            }
            for (int t = 0; ; t++) {
                float[] a = l.toArray();
                seen.add(a);
                if (t == maxTokens) break;
                l = s.eval(argmax(a));
            }
        }
        return seen;
    }

    @Test
    void everySequenceGetsTheBitsItGetsAlone() throws Exception {
        int[] lens = {1, 5, 40, 300, 7, 600, 2};
        int chunk = 64;
        var options = new DecodeScheduler.Options(4, chunk, 128); // fewer slots than jobs: some wait
        List<Greedy> steps = new ArrayList<>();
        List<DecodeScheduler.Job> jobs = new ArrayList<>();
        List<Session> sessions = new ArrayList<>();
        try (DecodeScheduler sched = DecodeScheduler.start(model, options)) {
            for (int i = 0; i < lens.length; i++) {
                Greedy g = new Greedy(6 + i);
                Session s = model.newSession();
                sessions.add(s);
                steps.add(g);
                jobs.add(sched.submit(s, prompt(lens[i], i), g));
            }
            for (DecodeScheduler.Job j : jobs) assertEquals(DecodeScheduler.Outcome.STOPPED, j.done().get(60, TimeUnit.SECONDS));
            DecodeScheduler.Stats st = sched.stats();
            assertEquals(lens.length, st.jobsFinished());
            assertEquals(java.util.Arrays.stream(lens).sum(), st.prefilledTokens());
        }
        for (int i = 0; i < lens.length; i++) {
            List<float[]> want = alone(prompt(lens[i], i), chunk, 6 + i);
            List<float[]> got = steps.get(i).seen;
            assertEquals(want.size(), got.size(), "sequence " + i + ": steps");
            for (int t = 0; t < want.size(); t++) {
                assertArrayEquals(want.get(t), got.get(t), "sequence " + i + ", token " + t + ": logits bits");
            }
            // prompt plus every fed token (the token that ended the job is not fed)
            assertEquals(lens[i] + 6 + i, sessions.get(i).position());
            sessions.get(i).close();
        }
    }

    @Test
    void cancelEndsAJobAndFreesItsSession() throws Exception {
        try (DecodeScheduler sched = DecodeScheduler.start(model, DecodeScheduler.Options.of(2));
             Session s = model.newSession();
             Session other = model.newSession()) {
            CountDownLatch started = new CountDownLatch(3);
            DecodeScheduler.Job forever = sched.submit(s, prompt(3, 1), l -> {
                started.countDown();
                return 5;
            });
            Greedy g = new Greedy(20);
            DecodeScheduler.Job finite = sched.submit(other, prompt(4, 2), g);
            assertTrue(started.await(30, TimeUnit.SECONDS));
            forever.cancel();
            assertEquals(DecodeScheduler.Outcome.CANCELLED, forever.done().get(30, TimeUnit.SECONDS));
            assertEquals(DecodeScheduler.Outcome.STOPPED, finite.done().get(30, TimeUnit.SECONDS));
            s.eval(1); // the session is free again
            assertEquals(1, sched.stats().jobsCancelled());
        }
    }

    @Test
    void aFailingStepFailsOnlyItsJob() throws Exception {
        try (DecodeScheduler sched = DecodeScheduler.start(model, DecodeScheduler.Options.of(4));
             Session a = model.newSession();
             Session b = model.newSession();
             Session c = model.newSession()) {
            DecodeScheduler.Job bad = sched.submit(a, prompt(3, 1), l -> {
                throw new IllegalStateException("boom");
            });
            DecodeScheduler.Job outOfRange = sched.submit(b, prompt(3, 1), l -> 1_000_000);
            DecodeScheduler.Job good = sched.submit(c, prompt(3, 1), new Greedy(5));
            ExecutionException e = assertThrows(ExecutionException.class, () -> bad.done().get(30, TimeUnit.SECONDS));
            assertEquals("boom", e.getCause().getMessage());
            e = assertThrows(ExecutionException.class, () -> outOfRange.done().get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("1000000"), e.getCause().getMessage());
            assertEquals(DecodeScheduler.Outcome.STOPPED, good.done().get(30, TimeUnit.SECONDS));
        }
    }

    /** The ids of this process's threads named {@code name} (Linux): native threads take their creator's name. */
    static Set<String> threadsNamed(String name) throws IOException {
        try (var tasks = Files.list(Path.of("/proc/self/task"))) {
            return tasks.filter(t -> {
                try {
                    return Files.readString(t.resolve("comm")).strip().equals(name);
                } catch (IOException gone) {
                    return false; // ended while listed
                }
            }).map(t -> t.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    /**
     * The model is closed while its scheduler runs: the job fails naming the closed model, and the
     * native context the scheduler borrowed (its worker threads, created on the scheduler's thread)
     * is freed when the scheduler stops, not handed back to the pool the model already freed.
     * Threads are told apart by id: those of earlier schedulers may still be ending.
     */
    @Test
    void closingTheModelUnderARunningSchedulerLeavesNoWorkerThreads() throws Exception {
        var before = threadsNamed("jmamba-decode");
        Model m = Model.load(TestModels.write(TestModels.small(), GgmlType.Q8_0, 7), Model.Options.defaults().withThreads(2));
        DecodeScheduler sched = DecodeScheduler.start(m, DecodeScheduler.Options.of(1));
        var ours = new HashSet<String>();
        try {
            Session s = m.newSession();
            CountDownLatch stepped = new CountDownLatch(1);
            DecodeScheduler.Job job = sched.submit(s, prompt(3, 1), l -> {
                stepped.countDown();
                return 3;
            });
            assertTrue(stepped.await(30, TimeUnit.SECONDS));
            ours.addAll(threadsNamed("jmamba-decode"));
            ours.removeAll(before);
            assertTrue(ours.size() >= 2, "the scheduler's thread and its context's worker: " + ours);
            m.close();
            ExecutionException e = assertThrows(ExecutionException.class, () -> job.done().get(30, TimeUnit.SECONDS));
            assertTrue(e.getCause().getMessage().contains("is closed"), e.getCause().getMessage());
        } finally {
            sched.close();
        }
        // a stopped thread may stay listed for a moment while it exits: wait for that, not for a leak
        var left = new HashSet<String>(ours);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            left.retainAll(threadsNamed("jmamba-decode"));
            if (left.isEmpty() || System.nanoTime() > deadline) break;
            Thread.sleep(10);
        }
        assertEquals(Set.of(), left, "worker threads left behind");
    }

    @Test
    void badSubmissionsAreRefusedAndCloseCancelsEverything() throws Exception {
        DecodeScheduler sched = DecodeScheduler.start(model, DecodeScheduler.Options.of(1));
        try (Session s = model.newSession(); Session t = model.newSession()) {
            assertThrows(IllegalArgumentException.class, () -> sched.submit(s, new int[0], l -> 0));
            assertThrows(IllegalArgumentException.class, () -> sched.submit(s, new int[] {-1}, l -> 0));
            DecodeScheduler.Job running = sched.submit(s, prompt(2, 1), l -> 3);
            DecodeScheduler.Job queued = sched.submit(t, prompt(2, 1), l -> 3);
            sched.close();
            assertEquals(DecodeScheduler.Outcome.CANCELLED, running.done().get(30, TimeUnit.SECONDS));
            assertEquals(DecodeScheduler.Outcome.CANCELLED, queued.done().get(30, TimeUnit.SECONDS));
            assertThrows(IllegalStateException.class, () -> sched.submit(s, new int[] {1}, l -> 0));
            sched.close(); // twice is fine
            s.eval(1);
        }
    }
}
