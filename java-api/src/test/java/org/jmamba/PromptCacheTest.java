package org.jmamba;

import static org.jmamba.SessionTest.maxRelDiff;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.UncheckedIOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jmamba.gguf.GgmlType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The prefix cache: a hit gives the cold run's logits; budgets, the folder, bad files, other models, threads. */
class PromptCacheTest extends SmallModelTests {

    static int[] concat(int[] a, int[] b) {
        int[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** The prompt through the cache as a caller would: restore the prefix, evaluate the rest, cache the result. */
    static float[] throughCache(PromptCache cache, int[] prompt, int expectReused) {
        try (Session s = model.newSession()) {
            int reused = cache.restoreLongestPrefix(s, prompt);
            assertEquals(expectReused, reused, "tokens reused");
            float[] logits = reused < prompt.length
                    ? s.eval(Arrays.copyOfRange(prompt, reused, prompt.length)).toArray()
                    : s.logits().toArray();
            assertEquals(prompt.length, s.position());
            assertArrayEquals(prompt, s.history());
            cache.put(s);
            return logits;
        }
    }

    static float[] cold(int[] prompt) {
        try (Session s = model.newSession()) {
            return s.eval(prompt).toArray();
        }
    }

    static void assertCold(int[] prompt, float[] got) {
        float[] want = cold(prompt);
        assertTrue(maxRelDiff(got, want) < CheckpointTest.TOLERANCE, "differs from a cold run by " + maxRelDiff(got, want));
    }

    @Test
    void aHitGivesTheLogitsOfAColdRunAndTheLongestPrefixWins() {
        try (PromptCache cache = PromptCache.inMemory(1L << 30)) {
            int[] system = tokens(60, 1), a = concat(system, tokens(20, 2)), b = concat(system, tokens(25, 3));
            throughCache(cache, system, 0);
            assertCold(a, throughCache(cache, a, 60));
            assertCold(b, throughCache(cache, b, 60));
            int[] a2 = concat(a, tokens(5, 4));
            assertCold(a2, throughCache(cache, a2, 80)); // a, not the system prompt: the longest
            assertCold(a, throughCache(cache, a, 80)); // the whole prompt, with its logits: nothing to evaluate
            int[] other = tokens(70, 9);
            assertCold(other, throughCache(cache, other, 0));
            PromptCache.Stats st = cache.stats();
            assertEquals(4, st.hits());
            assertEquals(2, st.misses());
            assertEquals(60 + 60 + 80 + 80, st.reusedTokens());
            assertEquals(5, st.memoryEntries());
            assertTrue(st.memoryBytes() >= 5 * model.stateBytes(), st.toString());
        }
    }

    @Test
    void theMemoryBudgetEvictsTheLeastRecentlyUsed() {
        long one = model.stateBytes() + 4L * vocab + 4 * 100;
        try (PromptCache cache = PromptCache.inMemory(2 * one)) {
            int[] p1 = tokens(40, 1), p2 = tokens(40, 2), p3 = tokens(40, 3);
            throughCache(cache, p1, 0);
            throughCache(cache, p2, 0);
            throughCache(cache, concat(p1, new int[] {1}), 40); // p1 used again: p2 is now the oldest
            assertEquals(1, cache.stats().evictions(), cache.stats().toString()); // p2, the least recently used
            throughCache(cache, p3, 0);
            assertTrue(cache.stats().memoryBytes() <= 2 * one, cache.stats().toString());
            try (Session s = model.newSession()) {
                assertEquals(0, cache.restoreLongestPrefix(s, concat(p2, new int[] {1})), "p2 was evicted");
            }
        }
    }

    @Test
    void theFolderKeepsEntriesAcrossCachesAndWithinItsBudget(@TempDir Path dir) throws Exception {
        int[] p1 = tokens(50, 1), p2 = tokens(50, 2), p3 = tokens(50, 3);
        try (PromptCache cache = PromptCache.open(dir, 0, Long.MAX_VALUE)) {
            throughCache(cache, p1, 0);
            assertEquals(1, cache.stats().diskEntries());
            assertEquals(0, cache.stats().memoryEntries());
        }
        long fileBytes;
        try (var files = Files.list(dir)) {
            List<Path> l = files.toList();
            assertEquals(1, l.size(), l.toString());
            fileBytes = Files.size(l.getFirst());
        }
        try (PromptCache cache = PromptCache.open(dir, 0, 2 * fileBytes)) { // a new process finds it
            int[] longer = concat(p1, tokens(7, 5));
            assertCold(longer, throughCache(cache, longer, 50));
            throughCache(cache, p2, 0);
            throughCache(cache, p3, 0);
            PromptCache.Stats st = cache.stats();
            assertEquals(2, st.diskEntries(), st.toString());
            assertTrue(st.diskBytes() <= 2 * fileBytes + 4 * 7, st.toString());
            assertTrue(st.evictions() >= 2, st.toString());
        }
        try (var files = Files.list(dir)) {
            assertEquals(2, files.filter(p -> p.toString().endsWith(".jmstate")).count());
        }
    }

    @Test
    void aCorruptedFileInTheFolderIsAMissNotAFailure(@TempDir Path dir) throws Exception {
        int[] p = tokens(50, 1);
        try (PromptCache cache = PromptCache.open(dir, 0, Long.MAX_VALUE)) {
            throughCache(cache, p, 0);
            Path file;
            try (var files = Files.list(dir)) {
                file = files.toList().getFirst();
            }
            byte[] b = Files.readAllBytes(file);
            b[b.length - 10] ^= 1; // in the state: only the body checksum sees it
            Files.write(file, b);
            int[] longer = concat(p, new int[] {3});
            assertCold(longer, throughCache(cache, longer, 0));
            assertEquals(1, cache.stats().misses() - 1, cache.stats().toString());
        }
    }

    /**
     * Two sessions look up the same entry of the folder at once, and its file turns out corrupted:
     * the first to read it drops the entry while the other is between its lookup and its read.
     * Both get a miss, never an exception.
     */
    @Test
    void readersRacingOnACorruptedFileBothMiss(@TempDir Path dir) throws Exception {
        int[] p = tokens(50, 1);
        int[] longer = concat(p, new int[] {3});
        for (int round = 0; round < 20; round++) {
            try (PromptCache cache = PromptCache.open(dir.resolve("round" + round), 0, Long.MAX_VALUE)) {
                throughCache(cache, p, 0);
                Path file;
                try (var files = Files.list(dir.resolve("round" + round))) {
                    file = files.toList().getFirst();
                }
                byte[] b = Files.readAllBytes(file);
                b[b.length - 10] ^= 1; // in the state: only the body checksum sees it
                Files.write(file, b);
                CyclicBarrier together = new CyclicBarrier(2);
                ExecutorService pool = Executors.newFixedThreadPool(2);
                try {
                    List<Future<Integer>> reused = new ArrayList<>();
                    for (int t = 0; t < 2; t++) {
                        reused.add(pool.submit(() -> {
                            try (Session s = model.newSession()) {
                                together.await();
                                return cache.restoreLongestPrefix(s, longer);
                            }
                        }));
                    }
                    for (Future<Integer> f : reused) assertEquals(0, f.get(), "round " + round);
                } finally {
                    pool.shutdown();
                }
                PromptCache.Stats st = cache.stats();
                assertEquals(0, st.hits(), st.toString());
                assertEquals(3, st.misses(), st.toString());
                assertEquals(0, st.diskEntries(), st.toString());
            }
        }
    }

    /**
     * A lookup into a session closed meanwhile says so, and lets go of the entry it found: the
     * entry still serves the next session, and nothing is left reading it (a state a lookup still
     * reads is never freed, not even by closing the cache).
     */
    @Test
    void aLookupIntoAClosedSessionFailsAndLetsGoOfTheEntry(@TempDir Path dir) throws Exception {
        int[] p = tokens(50, 1);
        int[] longer = concat(p, new int[] {3});
        try (PromptCache inMemory = PromptCache.inMemory(1L << 30);
             PromptCache inFolder = PromptCache.open(dir, 0, Long.MAX_VALUE)) {
            for (PromptCache cache : List.of(inMemory, inFolder)) {
                throughCache(cache, p, 0);
                Session closed = model.newSession();
                closed.close();
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> cache.restoreLongestPrefix(closed, longer));
                assertEquals("the session is closed", e.getMessage());
                assertEquals(0, cache.readersNow(), "a failed lookup still reads its entry");
                assertCold(longer, throughCache(cache, longer, 50));
                assertEquals(0, cache.readersNow());
            }
        }
    }

    @Test
    void anUnwritableOrFullFolderIsAClearError(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("a-file"), "x");
        var e = assertThrows(java.io.IOException.class, () -> PromptCache.open(file.resolve("sub"), 0, 1 << 30));
        assertTrue(e.getMessage().contains(file.resolve("sub").toString()), e.getMessage());

        // a full disk: a 1 MiB tmpfs, which needs root and a kernel that lets us mount one
        Path mount = Files.createDirectory(dir.resolve("full"));
        Process p = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", mount.toString()).redirectErrorStream(true).start();
        boolean mounted = p.waitFor() == 0;
        assumeTrue(mounted, "cannot mount a small tmpfs here (not root?): the full-disk case is not tested");
        try (PromptCache cache = PromptCache.open(mount, 0, Long.MAX_VALUE); Session s = model.newSession()) {
            Files.write(mount.resolve("filler"), new byte[(int) (1024 * 1024 - model.stateBytes() / 2)]);
            s.eval(tokens(30, 1));
            var full = assertThrows(UncheckedIOException.class, () -> cache.put(s));
            assertTrue(full.getMessage().contains(mount.toString()), full.getMessage());
            try (var files = Files.list(mount)) {
                assertEquals(List.of(mount.resolve("filler")), files.toList(), "no partial state file left");
            }
            assertEquals(0, cache.stats().diskEntries());
        } finally {
            new ProcessBuilder("umount", mount.toString()).start().waitFor();
        }
    }

    @Test
    void entriesOfAnotherModelAreNotOffered() throws Exception {
        try (PromptCache cache = PromptCache.inMemory(1L << 30);
             Model other = Model.load(TestModels.write(TestModels.small(), GgmlType.F32, 8))) {
            int[] p = tokens(30, 1);
            throughCache(cache, p, 0);
            try (Session s = other.newSession()) {
                assertEquals(0, cache.restoreLongestPrefix(s, concat(p, new int[] {1})));
                s.eval(p);
                cache.put(s);
            }
            assertEquals(2, cache.stats().memoryEntries());
            throughCache(cache, concat(p, new int[] {2}), 30);
        }
    }

    @Test
    void manyThreadsShareOneCache(@TempDir Path dir) throws Exception {
        int[] system = tokens(40, 1);
        long one = model.stateBytes() + 4L * vocab + 4 * 60;
        try (PromptCache cache = PromptCache.open(dir, 3 * one, Long.MAX_VALUE)) {
            throughCache(cache, system, 0);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> jobs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    int k = t;
                    jobs.add(pool.submit(() -> {
                        for (int r = 0; r < 6; r++) {
                            int[] prompt = concat(system, tokens(3 + (k * 7 + r) % 5, k * 10 + r));
                            try (Session s = model.newSession()) {
                                int reused = cache.restoreLongestPrefix(s, prompt);
                                assertTrue(reused >= 40 || reused == 0, "reused " + reused);
                                float[] got = s.eval(Arrays.copyOfRange(prompt, reused, prompt.length)).toArray();
                                assertCold(prompt, got);
                                cache.put(s);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : jobs) f.get();
            } finally {
                pool.shutdown();
            }
            PromptCache.Stats st = cache.stats();
            assertEquals(24 + 1, st.hits() + st.misses(), st.toString());
            assertTrue(st.memoryBytes() <= 3 * one, st.toString());
        }
    }
}
