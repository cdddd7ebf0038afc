package org.jmamba;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * The logits a {@link Session} computed for its next token: one float per vocabulary entry.
 *
 * <p>A view returned by {@link Session#eval} or {@link Session#logits()} reads the session's own
 * buffer without copying, and is valid only until the session changes: once it evaluates or feeds
 * more tokens, is reset, restores a state, or is closed, reading the old view ({@link #get},
 * {@link #argmax}, {@link #toArray}, {@link #copy}, {@link #segment}) throws
 * {@link IllegalStateException} ("logits view is stale: ...") instead of returning other data.
 * {@link #copy()} gives a view of its own that stays valid forever.
 */
public final class Logits {
    private final Session session; // null for a copy
    private final long version;
    private final MemorySegment data;

    Logits(Session session, long version, MemorySegment data) {
        this.session = session;
        this.version = version;
        this.data = data;
    }

    /** Logits of no session (a copy); {@code values} is copied. */
    public static Logits of(float[] values) {
        return new Logits(null, 0, MemorySegment.ofArray(values.clone()).asReadOnly());
    }

    /** Whether this view still shows the session's current logits (always true for a copy). */
    public boolean isValid() {
        return session == null || session.logitsVersion() == version;
    }

    private MemorySegment data() {
        if (session != null) {
            String why = session.staleReason(version);
            if (why != null) throw new IllegalStateException("logits view is stale: " + why);
        }
        return data;
    }

    /** The vocabulary size. */
    public int size() {
        return (int) (data.byteSize() / Float.BYTES);
    }

    /**
     * FFM's own failure of a read that raced with the session's close, as a stale view: checked
     * before reading and again here, the user never sees the bare "Already closed".
     */
    private IllegalStateException raced(IllegalStateException e) {
        if (session != null) {
            String why = session.staleReason(version);
            if (why != null) return new IllegalStateException("logits view is stale: " + why, e);
        }
        return e;
    }

    /** The logit of token {@code id}. */
    public float get(int id) {
        MemorySegment d = data();
        if (id < 0 || id >= size()) throw new IndexOutOfBoundsException("token id " + id + " is outside [0, " + size() + ")");
        try {
            return d.getAtIndex(ValueLayout.JAVA_FLOAT, id);
        } catch (IllegalStateException e) {
            throw raced(e);
        }
    }

    /** The id with the largest logit (the lowest such id on a tie); NaN never wins. */
    public int argmax() {
        MemorySegment d = data();
        int n = size(), best = 0;
        float max = Float.NEGATIVE_INFINITY;
        try {
            for (int i = 0; i < n; i++) {
                float v = d.getAtIndex(ValueLayout.JAVA_FLOAT, i);
                if (v > max) {
                    max = v;
                    best = i;
                }
            }
        } catch (IllegalStateException e) {
            throw raced(e);
        }
        return best;
    }

    /** The logits in a new array. */
    public float[] toArray() {
        MemorySegment d = data();
        try {
            return d.toArray(ValueLayout.JAVA_FLOAT);
        } catch (IllegalStateException e) {
            throw raced(e);
        }
    }

    /** A copy that stays valid whatever the session does afterwards. */
    public Logits copy() {
        return new Logits(null, 0, MemorySegment.ofArray(toArray()).asReadOnly());
    }

    /**
     * The floats as a read-only segment, for code that reads them without copying. The segment
     * itself carries no staleness check: use it only while {@link #isValid()}; once the session is
     * closed, reading it fails with FFM's own {@link IllegalStateException}.
     *
     * @throws IllegalStateException if the view is already stale
     */
    public MemorySegment segment() {
        return data();
    }

    @Override
    public String toString() {
        return "Logits[" + size() + (session == null ? ", copy]" : isValid() ? "]" : ", stale]");
    }
}
