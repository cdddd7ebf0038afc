package org.jmamba;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

/**
 * A session's checkpoints: copies of its state (and of the next token's logits, when known) at
 * increasing positions, within a byte budget. Mutated by the session under its lock; the counts
 * may be read from any thread.
 */
final class Checkpoints implements AutoCloseable {

    /** One copy. {@code data} holds the state, then n_vocab floats of logits. */
    static final class Checkpoint {
        final Arena arena;
        final MemorySegment data;
        long position;
        boolean hasLogits;
        boolean pinned; // taken by checkpoint(): dropped only when no automatic one is left

        Checkpoint(long bytes) {
            arena = Arena.ofShared();
            data = arena.allocate(bytes, 64);
        }
    }

    private final long stateBytes;
    private final long logitsBytes;
    private final int capacity;
    private final ArrayList<Checkpoint> list = new ArrayList<>(); // by position

    Checkpoints(Mamba2Params params, long budgetBytes) {
        this.stateBytes = params.stateBytes();
        this.logitsBytes = 4L * params.nVocab();
        this.capacity = (int) Math.min(Integer.MAX_VALUE, budgetBytes / bytesPerCheckpoint(params));
    }

    static long bytesPerCheckpoint(Mamba2Params p) {
        return p.stateBytes() + 4L * p.nVocab();
    }

    /** Whether the budget holds at least one checkpoint. */
    boolean enabled() {
        return capacity > 0;
    }

    synchronized int count() {
        return list.size();
    }

    synchronized long bytes() {
        return list.size() * (stateBytes + logitsBytes);
    }

    synchronized List<Long> positions() {
        List<Long> out = new ArrayList<>(list.size());
        for (Checkpoint c : list) out.add(c.position);
        return out;
    }

    /**
     * Copies {@code state} (and {@code logits}, which may be null) as the checkpoint at
     * {@code position}, which must be past every kept one; when the budget is full, first drops
     * the checkpoint chosen by {@link #victim}. {@code base} is where the history starts: its
     * state is the zero state when it is 0, else unknown.
     */
    synchronized void add(long position, MemorySegment state, MemorySegment logits, boolean pinned, long base) {
        if (capacity == 0) return;
        Checkpoint c;
        if (!list.isEmpty() && list.getLast().position == position) {
            c = list.getLast();
            pinned |= c.pinned;
        } else {
            if (!list.isEmpty() && list.getLast().position > position) {
                throw new IllegalStateException("checkpoint at " + position + " before the last one at " + list.getLast().position);
            }
            if (list.size() < capacity) {
                c = new Checkpoint(stateBytes + logitsBytes);
            } else {
                c = list.remove(victim(position, base));
            }
            list.add(c);
        }
        c.position = position;
        c.pinned = pinned;
        MemorySegment.copy(state, 0, c.data, 0, stateBytes);
        c.hasLogits = logits != null;
        if (logits != null) MemorySegment.copy(logits, 0, c.data, stateBytes, logitsBytes);
    }

    /**
     * The checkpoint to drop to make room for one at {@code head}: the one whose removal merges
     * the smallest gap relative to its distance from the head, so that the gaps left grow with
     * the distance (logarithmic spacing). Automatic checkpoints go before explicit ones; with a
     * history that does not start at the zero state, the oldest checkpoint is kept last, since
     * nothing before it can be rebuilt.
     */
    private int victim(long head, long base) {
        int best = -1;
        double bestCost = Double.POSITIVE_INFINITY;
        for (int i = 0; i < list.size(); i++) {
            Checkpoint c = list.get(i);
            long prev = i > 0 ? list.get(i - 1).position : (base == 0 ? 0 : -1);
            long next = i + 1 < list.size() ? list.get(i + 1).position : head;
            double cost = prev < 0 ? 1e12 : (double) (next - prev) / (head - next + 1);
            if (c.pinned) cost += 1e6;
            if (cost < bestCost) {
                bestCost = cost;
                best = i;
            }
        }
        return best;
    }

    /**
     * The latest checkpoint at or before {@code position}; one exactly at it counts only if it has
     * logits or {@code needLogits} is false. Null when there is none.
     */
    synchronized Checkpoint latest(long position, boolean needLogits) {
        for (int i = list.size() - 1; i >= 0; i--) {
            Checkpoint c = list.get(i);
            if (c.position < position || (c.position == position && (c.hasLogits || !needLogits))) return c;
        }
        return null;
    }

    MemorySegment state(Checkpoint c) {
        return c.data.asSlice(0, stateBytes);
    }

    MemorySegment logits(Checkpoint c) {
        return c.data.asSlice(stateBytes, logitsBytes);
    }

    /** Drops the checkpoints past {@code position}. */
    synchronized void dropAfter(long position) {
        while (!list.isEmpty() && list.getLast().position > position) list.removeLast().arena.close();
    }

    synchronized void clear() {
        dropAfter(-1);
    }

    @Override
    public void close() {
        clear();
    }
}
