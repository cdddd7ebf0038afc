package org.jmamba.swing;

import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.jmamba.Logits;
import org.jmamba.Session;
import org.jmamba.State;

/**
 * The session behind the editor, holding the state of the buffer's tokens up to the caret. Each
 * request re-evaluates only what changed: it finds the common prefix of the new tokens and those
 * the state was built from, restores the latest snapshot at or before it, and feeds the rest.
 * Snapshots are taken every {@value #SPACING} tokens and at the end of each prompt (a "tip"), so
 * typing at the end of a file costs a few tokens and an edit far above the caret costs at most
 * {@value #SPACING} more than the tokens after it.
 */
final class IncrementalContext implements AutoCloseable {
    static final int SPACING = 256;
    /** At most this many spaced snapshots are kept, the oldest thinned first (position 0 always stays). */
    static final int MAX_SNAPSHOTS = 24;

    private final Session session;
    private final boolean reuse;
    private final TreeMap<Integer, State> snapshots = new TreeMap<>();
    private int[] history = new int[0];

    /** What a prepare did: tokens taken from a snapshot, tokens evaluated, and the logits after the last. */
    record Prepared(int reused, int evaluated, Logits logits) {}

    IncrementalContext(Session session) {
        this(session, true);
    }

    /** With {@code reuse} false every prepare evaluates all its tokens (to measure what reuse saves). */
    IncrementalContext(Session session, boolean reuse) {
        this.session = session;
        this.reuse = reuse;
    }

    Session session() {
        return session;
    }

    /**
     * Brings the session to exactly {@code tokens} (at least one) and returns the logits after the
     * last. Generating afterwards moves the session on; the next prepare rewinds from a snapshot.
     */
    Prepared prepare(int[] tokens) {
        if (tokens.length == 0) throw new IllegalArgumentException("no tokens");
        int common = reuse ? commonPrefix(history, tokens) : 0;
        // Snapshots past the common prefix hold text that is gone.
        snapshots.tailMap(common, false).values().forEach(State::close);
        snapshots.tailMap(common, false).clear();
        int target = tokens.length - 1; // the state before the last token: its logits come from eval
        Map.Entry<Integer, State> from = snapshots.floorEntry(Math.min(common, target));
        int pos;
        if (from == null) {
            session.reset();
            pos = 0;
        } else {
            session.restore(from.getValue());
            pos = from.getKey();
        }
        int reused = pos;
        while (pos < target) {
            int next = Math.min(target, (pos / SPACING + 1) * SPACING);
            session.feed(Arrays.copyOfRange(tokens, pos, next));
            pos = next;
            if (pos % SPACING == 0 || pos == target) keep(pos);
        }
        if (target == 0 && !snapshots.containsKey(0)) keep(0);
        Logits logits = session.eval(tokens[target]);
        history = tokens.clone();
        return new Prepared(reused, tokens.length - reused, logits);
    }

    private void keep(int pos) {
        State old = snapshots.put(pos, session.snapshot());
        if (old != null) old.close();
        while (snapshots.size() > MAX_SNAPSHOTS) {
            // thin: drop the spaced snapshot closest to its older neighbour, never 0 or the newest
            Integer drop = null;
            int best = Integer.MAX_VALUE;
            Integer prev = null;
            for (Integer k : snapshots.navigableKeySet()) {
                if (prev != null && k != 0 && !k.equals(snapshots.lastKey()) && k - prev < best) {
                    best = k - prev;
                    drop = k;
                }
                prev = k;
            }
            if (drop == null) break;
            snapshots.remove(drop).close();
        }
    }

    int snapshotCount() {
        return snapshots.size();
    }

    static int commonPrefix(int[] a, int[] b) {
        int n = Math.min(a.length, b.length), i = 0;
        while (i < n && a[i] == b[i]) i++;
        return i;
    }

    @Override
    public void close() {
        snapshots.values().forEach(State::close);
        snapshots.clear();
    }
}
