package org.jmamba.server.cache;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jmamba.Session;
import org.jmamba.State;

/**
 * Keeps copies of session states keyed by the tokens that produced them, up to a byte budget,
 * evicting the least recently used. A lookup scans the entries (a server holds tens of them, each
 * a whole model state) for the longest one whose tokens start the request's prompt.
 */
public final class SnapshotPrefixCache implements PromptPrefixCache {
    private record Entry(int[] tokens, State state) {}

    private final long budget;
    private final List<Entry> entries = new ArrayList<>(); // most recently used last
    private long bytes, hits, misses;

    public SnapshotPrefixCache(long budgetBytes) {
        this.budget = budgetBytes;
    }

    @Override
    public synchronized int restoreLongestPrefix(int[] tokens, int maxLength, Session session) {
        Entry best = null;
        for (Entry e : entries) {
            int n = e.tokens.length;
            if (n > maxLength || n > tokens.length || (best != null && n <= best.tokens.length)) continue;
            if (Arrays.equals(e.tokens, 0, n, tokens, 0, n)) best = e;
        }
        if (best == null) {
            misses++;
            return 0;
        }
        hits++;
        entries.remove(best);
        entries.add(best);
        session.restore(best.state);
        return best.tokens.length;
    }

    @Override
    public void offer(int[] tokens, Session session) {
        if (budget <= 0 || tokens.length == 0) return;
        synchronized (this) {
            for (Entry e : entries) if (Arrays.equals(e.tokens, tokens)) return;
        }
        State s = session.snapshot();
        if (s.byteSize() > budget) {
            s.close();
            return;
        }
        synchronized (this) {
            entries.add(new Entry(tokens.clone(), s));
            bytes += s.byteSize();
            while (bytes > budget) {
                Entry old = entries.remove(0);
                bytes -= old.state.byteSize();
                old.state.close();
            }
        }
    }

    @Override
    public synchronized long hits() {
        return hits;
    }

    @Override
    public synchronized long misses() {
        return misses;
    }

    @Override
    public synchronized long bytes() {
        return bytes;
    }
}
