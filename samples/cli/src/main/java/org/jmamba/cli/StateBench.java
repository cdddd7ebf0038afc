package org.jmamba.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.SessionOptions;

/**
 * The benchmarks of kept state, run by {@code jmamba bench --context N} and
 * {@code jmamba bench --editor N}: a very long prefill in constant memory, and an editor's
 * re-evaluation after an edit against a cold evaluation of the whole file.
 */
final class StateBench {
    private StateBench() {}

    /** Resident memory of this process in bytes (Linux: VmRSS), or -1 where it cannot be read. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /**
     * CPU seconds this process has used, all threads (Linux: utime + stime of /proc/self/stat, at
     * the kernel's 100 ticks a second), or -1 where it cannot be read. On a machine shared with
     * other work, CPU time per token stays meaningful when wall-clock speed does not.
     */
    static double cpuSeconds() {
        try {
            String stat = Files.readString(Path.of("/proc/self/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0; // fields 14 and 15, counted after the name
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Prefills {@code context} random tokens, {@code segment} at a time (each one call), and prints
     * per segment its tokens/s and the resident memory after it; then the last segment's speed
     * against the first's. One untimed call of up to 1,024 tokens on another session comes first.
     */
    static void longContext(Model m, int context, int segment, PrintStream out) {
        SplittableRandom rnd = new SplittableRandom(1);
        int vocab = m.params().nVocab();
        out.printf("long-context prefill: %d tokens in segments of %d, state %.1f MiB, weights file %.1f MiB%n",
                context, segment, m.stateBytes() / 1048576.0, m.gguf().fileSize() / 1048576.0);
        out.printf("%-8s %12s %12s %14s %10s %10s%n", "segment", "tokens", "tok/s", "CPU ms/1K tok", "RSS MiB", "elapsed s");
        try (Session warm = m.newSession()) { // one untimed call first: code paths, pages and threads warmed up
            warm.feed(rnd.ints(Math.min(segment, 1024), 0, vocab).toArray());
        }
        long rss0 = rssBytes();
        out.printf("%-8s %12d %12s %14s %10.1f %10.1f%n", "start", 0, "-", "-", rss0 / 1048576.0, 0.0);
        double first = 0, last = 0, firstCpu = 0, lastCpu = 0;
        long minRss = Long.MAX_VALUE, maxRss = 0;
        long start = System.nanoTime();
        try (Session s = m.newSession()) {
            int[] ids = new int[segment];
            for (int done = 0, k = 1; done < context; k++) {
                int n = Math.min(segment, context - done);
                for (int i = 0; i < n; i++) ids[i] = rnd.nextInt(vocab);
                long t0 = System.nanoTime();
                double c0 = cpuSeconds();
                s.feed(n == segment ? ids : Arrays.copyOf(ids, n));
                double tps = n / ((System.nanoTime() - t0) / 1e9);
                double cpuPerK = (cpuSeconds() - c0) * 1e6 / n;
                done += n;
                long rss = rssBytes();
                minRss = Math.min(minRss, rss);
                maxRss = Math.max(maxRss, rss);
                if (k == 1) {
                    first = tps;
                    firstCpu = cpuPerK;
                }
                last = tps;
                lastCpu = cpuPerK;
                out.printf("%-8d %12d %12.1f %14.1f %10.1f %10.1f%n", k, done, tps, cpuPerK, rss / 1048576.0,
                        (System.nanoTime() - start) / 1e9);
                out.flush();
            }
        }
        out.printf("last segment / first segment: speed %.3f, CPU time per token %.3f; RSS from %.1f to %.1f MiB over the segments (%.1f MiB spread)%n",
                last / first, lastCpu / firstCpu, minRss / 1048576.0, maxRss / 1048576.0, (maxRss - minRss) / 1048576.0);
    }

    /**
     * The editor case: a file of {@code fileTokens} random tokens evaluated once; then, {@code reps}
     * times, one token {@code fromEnd} tokens before its end changed and the new logits obtained
     * with {@link Session#evalSequence} (reusing the checkpoint before the edit) and, for
     * comparison, cold (a reset session evaluating the whole edited file).
     */
    static void editor(Model m, int fileTokens, int fromEnd, int spacing, int reps, PrintStream out) {
        if (fromEnd < 1 || fromEnd > fileTokens) throw new IllegalArgumentException("--edit-from-end must be in [1, " + fileTokens + "]");
        SplittableRandom rnd = new SplittableRandom(2);
        int vocab = m.params().nVocab();
        int[] file = rnd.ints(fileTokens, 0, vocab).toArray();
        int at = fileTokens - fromEnd;
        int checkpoints = fileTokens / spacing + 1;
        SessionOptions opts = SessionOptions.defaults().withCheckpoints(m, checkpoints).withCheckpointSpacing(spacing);
        double[] warm = new double[reps], cold = new double[reps];
        long reevaluated = 0;
        try (Session s = m.newSession(opts); Session c = m.newSession()) {
            s.evalSequence(file);
            c.eval(file); // warm-up of the cold path
            for (int r = 0; r < reps; r++) {
                file[at] = (file[at] + 1 + r) % vocab;
                long before = s.tokensEvaluated();
                long t0 = System.nanoTime();
                s.evalSequence(file);
                warm[r] = (System.nanoTime() - t0) / 1e6;
                reevaluated = s.tokensEvaluated() - before;
                c.reset();
                t0 = System.nanoTime();
                c.eval(file);
                cold[r] = (System.nanoTime() - t0) / 1e6;
            }
            out.printf("editor: a %d-token file, one token changed %d from its end; checkpoints every %d tokens (%d kept, %.1f MiB)%n",
                    fileTokens, fromEnd, spacing, s.checkpointCount(), s.checkpointBytes() / 1048576.0);
        }
        Arrays.sort(warm);
        Arrays.sort(cold);
        double w = warm[reps / 2], k = cold[reps / 2];
        out.printf("evalSequence: %.1f ms median (min %.1f), re-evaluating %d tokens%n", w, warm[0], reevaluated);
        out.printf("cold eval:    %.1f ms median (min %.1f), evaluating %d tokens%n", k, cold[0], fileTokens);
        out.printf("speed-up:     %.1fx%n", k / w);
    }
}
