package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.lang.ref.Reference;
import java.lang.ref.WeakReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.Generator;
import org.jmamba.gguf.GgmlType;
import org.jmamba.sampling.SamplerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing models and sessions from several threads, while they run, or never: no crash, no
 * misleading message, nothing kept forever. The races run in a child JVM, so that a crash (the
 * double free this guards against) fails the test instead of killing the test run.
 */
class ModelLifetimeTest {
    static Path smallModel() {
        return TestModels.write(TestModels.small(), GgmlType.F32, 7);
    }

    /** Two threads spinning on a volatile flag call close() on the same model at once, many times. */
    public static final class CloseRace {
        static volatile boolean go;

        public static void main(String[] args) throws Exception {
            Path path = Path.of(args[0]);
            int rounds = Integer.parseInt(args[1]);
            for (int r = 0; r < rounds; r++) {
                Model m = Model.load(path, Model.Options.defaults().withThreads(1));
                Session s = m.newSession();
                s.eval(1, 2, 3);
                go = false;
                Thread[] ts = new Thread[2];
                for (int i = 0; i < ts.length; i++) {
                    ts[i] = Thread.ofPlatform().start(() -> {
                        while (!go) Thread.onSpinWait();
                        m.close();
                    });
                }
                go = true;
                for (Thread t : ts) t.join();
                if (!m.isClosed() || !s.isClosed()) throw new AssertionError("round " + r + ": not closed");
            }
            System.out.println("closed " + rounds + " models from two threads at once");
        }
    }

    @Test
    void twoThreadsClosingOneModelAtOnceNeverCrash() throws Exception {
        // before the fix: a double free in jm_model_free killed the JVM within 300-600 rounds
        ChildJvm.Outcome o = ChildJvm.run(CloseRace.class, smallModel().toString(), "2000");
        assertEquals(0, o.exitCode(), o.describe());
        assertTrue(o.output().contains("closed 2000 models"), o.describe());
    }

    @Test
    void modelCloseDuringAnEvalReturnsAtOnceAndTheEvalEndsCleanly(@TempDir Path dir) throws Exception {
        // close() returning while the feed runs shows that it does not wait for it; when this thread is
        // slower to come back from close() than the feed is to end (a loaded machine), the round shows
        // nothing either way and runs again: a close() that waits fails every round
        for (int round = 1; !closeDuringAFeed(dir.resolve("busy" + round + ".gguf")); round++) {
            assertTrue(round < 3, "close() waited for the feed in " + round + " rounds");
        }
    }

    /** Closes the model while a session feeds it; whether close() returned before the feed ended. */
    private static boolean closeDuringAFeed(Path copy) throws Exception {
        Files.copy(smallModel(), copy);
        Model m = Model.load(copy, Model.Options.defaults().withThreads(1));
        Session s = m.newSession();
        int[] tokens = new int[200_000];
        for (int i = 0; i < tokens.length; i++) tokens[i] = (i * 31 + 7) % m.params().nVocab();
        AtomicReference<Throwable> outcome = new AtomicReference<>();
        long before = s.logitsVersion();
        Thread eval = Thread.ofPlatform().start(() -> {
            try {
                s.feed(tokens);
            } catch (Throwable t) {
                outcome.set(t);
            }
        });
        // close only once the feed is past the model's check (it then marks the session's views stale):
        // a close before that would rightly refuse the feed, and no sleep is sure to be long enough
        while (s.logitsVersion() == before) {
            assertTrue(eval.isAlive(), () -> "the feed ended before it was seen running: " + outcome.get());
            Thread.onSpinWait();
        }
        m.close(); // must not wait for the feed (it takes seconds), nor free what it reads
        boolean closeReturnedFirst = eval.isAlive();
        assertTrue(m.isClosed());
        assertTrue(s.isClosed());
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> s.eval(1));
        assertEquals("the session is closed", late.getMessage());
        IllegalStateException fresh = assertThrows(IllegalStateException.class, m::newSession);
        assertTrue(fresh.getMessage().contains("is closed"), fresh.getMessage());
        eval.join();
        assertNull(outcome.get(), () -> "the feed in flight failed: " + outcome.get());
        assertFalse(mapped(copy), "the mapping outlived the last call");
        return closeReturnedFirst;
    }

    @Test
    void aThreadWhoseSessionIsBeingClosedIsToldItIsClosed() throws Exception {
        try (Model m = Model.load(smallModel(), Model.Options.defaults().withThreads(1))) {
            for (int round = 0; round < 200; round++) {
                Session s = m.newSession();
                CountDownLatch running = new CountDownLatch(1);
                List<String> messages = new ArrayList<>();
                Thread user = Thread.ofPlatform().start(() -> {
                    running.countDown();
                    for (int i = 0; i < 10_000; i++) {
                        try {
                            s.eval(1 + i % 100);
                        } catch (IllegalStateException e) {
                            synchronized (messages) {
                                messages.add(e.getMessage());
                            }
                            if (e.getMessage().equals("the session is closed")) return;
                        }
                    }
                });
                running.await();
                s.close();
                user.join();
                for (String msg : messages) {
                    // the only other thread here is the one closing: "in use" would be a lie, and FFM's
                    // "Already closed" says nothing
                    assertEquals("the session is closed", msg, "round " + round + ": " + messages);
                }
            }
        }
    }

    @Test
    void aLogitsViewReadWhileItsSessionClosesSaysStaleNeverAlreadyClosed() throws Exception {
        try (Model m = Model.load(smallModel(), Model.Options.defaults().withThreads(1))) {
            for (int round = 0; round < 300; round++) {
                Session s = m.newSession();
                Logits view = s.eval(1, 2, 3);
                AtomicReference<String> seen = new AtomicReference<>();
                Thread reader = Thread.ofPlatform().start(() -> {
                    try {
                        for (int i = 0; i < 100_000; i++) view.argmax();
                    } catch (IllegalStateException e) {
                        seen.set(e.getMessage());
                    }
                });
                s.close();
                reader.join();
                if (seen.get() != null) assertEquals("logits view is stale: the session is closed", seen.get());
                assertThrows(IllegalStateException.class, view::toArray);
            }
        }
    }

    @Test
    void aGeneratorStreamWhoseSessionClosesSaysSo() throws Exception {
        GenerationOptions opts = new GenerationOptions(1_000_000, SamplerConfig.greedy(), java.util.List.of(), false);
        try (Model m = Model.load(smallModel(), Model.Options.defaults().withThreads(1))) {
            Session s = m.newSession();
            Generator.Streamed stream = new Generator(s, m.tokenizer()).stream(new int[] {1, 2, 3}, opts);
            for (int i = 0; i < 3; i++) stream.hasNext();
            s.close();
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                while (stream.hasNext()) stream.next();
            });
            assertTrue(e.getMessage().endsWith("the session is closed"), e.getMessage());
            // the same, closed by another thread while the stream runs
            for (int round = 0; round < 100; round++) {
                Session t = m.newSession();
                Generator.Streamed running = new Generator(t, m.tokenizer()).stream(new int[] {1, 2, 3}, opts);
                AtomicReference<Throwable> seen = new AtomicReference<>();
                Thread consumer = Thread.ofPlatform().start(() -> {
                    try {
                        while (running.hasNext()) running.next();
                    } catch (Throwable x) {
                        seen.set(x);
                    }
                });
                Thread.sleep(round % 5);
                t.close();
                consumer.join();
                Throwable x = seen.get();
                assertInstanceOf(IllegalStateException.class, x);
                assertTrue(x.getMessage().equals("the session is closed")
                        || x.getMessage().equals("logits view is stale: the session is closed"), "round " + round + ": " + x);
            }
        }
    }

    @Test
    void aModelDroppedWithoutCloseIsFreedByTheCleaner(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("dropped.gguf");
        Files.copy(smallModel(), copy);
        WeakReference<Model> ref = load(copy);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while ((ref.get() != null || mapped(copy)) && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertNull(ref.get(), "the model was not collected");
        assertFalse(mapped(copy), "a dropped model keeps its file mapped forever");
    }

    /**
     * Loads a model and drops it. The mapping is checked here, while the model is held: once only
     * the weak reference is left, a collection may free it at any moment.
     */
    private static WeakReference<Model> load(Path p) throws IOException {
        Model m = Model.load(p, Model.Options.defaults().withThreads(2));
        Session s = m.newSession();
        s.eval(1, 2, 3); // starts native worker threads
        WeakReference<Model> ref = new WeakReference<>(m);
        assertTrue(mapped(p), "the model's file should be mapped while it is reachable");
        Reference.reachabilityFence(m);
        return ref;
    }

    /** Whether this process maps the file (Linux /proc). */
    static boolean mapped(Path p) throws IOException {
        String name = p.toAbsolutePath().toString();
        for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
            if (line.endsWith(name)) return true;
        }
        return false;
    }
}
