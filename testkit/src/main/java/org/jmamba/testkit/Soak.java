package org.jmamba.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.jmamba.Logits;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.State;
import org.jmamba.gguf.GgmlType;

/**
 * A long-running check, not a test (scripts/soak.sh runs it): for a given time, several threads
 * create sessions, evaluate and generate, fork, snapshot and restore, and close them, sometimes
 * from another thread while they run; another thread loads and closes models (and drops some
 * without closing them). Every 30 s it prints the process's resident memory, open file
 * descriptors, memory mappings and threads (Linux /proc), with the work done; at the end it
 * compares the last sample with the one after warm-up.
 *
 * <pre>
 * java -cp ... org.jmamba.testkit.Soak [minutes=10] [workers=4] [model.gguf]
 * </pre>
 */
public final class Soak {
    private final Model model;
    private final Path modelPath;
    private final long deadline;
    private final AtomicLong sessions = new AtomicLong(), forks = new AtomicLong(), tokens = new AtomicLong(),
            generated = new AtomicLong(), loads = new AtomicLong(), dropped = new AtomicLong(),
            closedUnderUse = new AtomicLong();

    private Soak(Model model, Path modelPath, long deadline) {
        this.model = model;
        this.modelPath = modelPath;
        this.deadline = deadline;
    }

    public static void main(String[] args) throws Exception {
        double minutes = args.length > 0 ? Double.parseDouble(args[0]) : 10;
        int workers = args.length > 1 ? Integer.parseInt(args[1]) : 4;
        Path path;
        if (args.length > 2) {
            path = Path.of(args[2]);
        } else {
            path = Files.createTempFile("jmamba-soak", ".gguf");
            path.toFile().deleteOnExit();
            RandomMamba2.write(path, new RandomMamba2.Spec(new RandomMamba2.Shape(2000, 256, 4, 512, 64, 8, 2, 4, false),
                    GgmlType.Q8_0, 11));
        }
        long start = System.nanoTime();
        long deadline = start + (long) (minutes * 60e9);
        try (Model model = Model.load(path, Model.Options.defaults().withThreads(1))) {
            Soak soak = new Soak(model, path, deadline);
            System.out.printf(Locale.ROOT, "soak: %s, %.1f min, %d workers, %d state bytes per session%n",
                    path.getFileName(), minutes, workers, model.stateBytes());
            List<Thread> threads = new ArrayList<>();
            for (int i = 0; i < workers; i++) {
                long seed = i;
                threads.add(Thread.ofPlatform().name("soak-worker-" + i).start(() -> soak.work(seed)));
            }
            threads.add(Thread.ofPlatform().name("soak-loader").start(soak::loadAndClose));
            List<long[]> samples = new ArrayList<>();
            System.out.println("     s   rss_MiB  fds  maps  threads  sessions   forks  tokens  generated  loads  dropped  closed_in_use");
            while (System.nanoTime() < deadline) {
                samples.add(soak.sample((System.nanoTime() - start) / 1_000_000_000L));
                Thread.sleep(Math.min(30_000, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            }
            for (Thread t : threads) t.join();
            System.gc();
            Thread.sleep(2000); // the cleaner frees what was dropped
            samples.add(soak.sample((System.nanoTime() - start) / 1_000_000_000L));
            long[] warm = samples.get(Math.min(2, samples.size() - 1)), last = samples.get(samples.size() - 1);
            System.out.printf(Locale.ROOT, "after warm-up (%d s) -> end (%d s): rss %+d MiB, fds %+d, maps %+d, threads %+d%n",
                    warm[0], last[0], last[1] - warm[1], last[2] - warm[2], last[3] - warm[3], last[4] - warm[4]);
        }
    }

    /** Sessions from birth to close: prompt, generate, fork, snapshot and restore, closed by this or another thread. */
    private void work(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        int vocab = model.params().nVocab();
        while (System.nanoTime() < deadline) {
            Session s = model.newSession();
            sessions.incrementAndGet();
            try {
                int[] prompt = rnd.ints(1 + rnd.nextInt(64), 0, vocab).toArray();
                Logits l = s.eval(prompt);
                tokens.addAndGet(prompt.length);
                int n = 16 + rnd.nextInt(64);
                for (int i = 0; i < n; i++) {
                    l = s.eval(l.argmax());
                    generated.incrementAndGet();
                }
                if (rnd.nextInt(4) == 0) {
                    try (Session f = s.fork(); State st = s.snapshot()) {
                        forks.incrementAndGet();
                        f.eval(1, 2, 3);
                        f.restore(st);
                        f.eval(4);
                        tokens.addAndGet(4);
                    }
                }
                if (rnd.nextInt(8) == 0) {
                    // closed by another thread while this one generates
                    Thread closer = Thread.ofPlatform().start(() -> {
                        try {
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        s.close();
                    });
                    try {
                        for (int i = 0; i < 1000; i++) {
                            s.eval(1 + i % (vocab - 1));
                            generated.incrementAndGet();
                        }
                    } catch (IllegalStateException e) {
                        if (!e.getMessage().endsWith("the session is closed")) throw e;
                        closedUnderUse.incrementAndGet();
                    }
                    closer.join();
                }
            } catch (InterruptedException e) {
                return;
            } finally {
                s.close();
            }
        }
    }

    /** Models loaded, used and closed (one in eight dropped without close, for the cleaner). */
    private void loadAndClose() {
        int i = 0;
        while (System.nanoTime() < deadline) {
            try {
                Model m = Model.load(modelPath, Model.Options.defaults().withThreads(1));
                Session s = m.newSession();
                s.eval(1, 2, 3);
                loads.incrementAndGet();
                if (i++ % 8 == 0) {
                    dropped.incrementAndGet(); // neither closed: the cleaner must free them
                } else {
                    m.close();
                }
                Thread.sleep(100);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** {elapsed s, RSS MiB, fds, mappings, threads}, printed with the counters. */
    private long[] sample(long seconds) throws IOException {
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) rss = Long.parseLong(line.replaceAll("\\D", "")) / 1024;
        }
        long fds, threads;
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            fds = s.count();
        }
        try (Stream<Path> s = Files.list(Path.of("/proc/self/task"))) {
            threads = s.count();
        }
        long maps;
        try (Stream<String> s = Files.lines(Path.of("/proc/self/maps"))) {
            maps = s.count();
        }
        System.out.printf(Locale.ROOT, "%6d %9d %4d %5d %8d %9d %7d %7d %10d %6d %8d %14d%n", seconds, rss, fds, maps, threads,
                sessions.get(), forks.get(), tokens.get(), generated.get(), loads.get(), dropped.get(), closedUnderUse.get());
        return new long[] {seconds, rss, fds, maps, threads};
    }
}
