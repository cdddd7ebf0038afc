package org.jmamba;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jmamba.bindings.jmamba_h;

/**
 * One sequence being evaluated by a {@link Model}: its conv and SSM state for every layer lives in
 * an off-heap segment owned by this session's arena and goes to native code by pointer. A session
 * is used by one thread at a time (a second thread gets an exception, not a corrupted state);
 * many sessions may run on one model at once.
 */
public final class Session implements AutoCloseable {
    private final Model model;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state;
    private final MemorySegment logits;
    private final MemorySegment error;
    private final ReentrantLock lock = new ReentrantLock();
    private MemorySegment tokens;
    private long position;
    private volatile boolean closed;
    /** Bumped whenever the logits or state change under the views handed out; see {@link Logits}. */
    private volatile long logitsVersion;
    private volatile String lastChange;

    Session(Model model) {
        this.model = model;
        Mamba2Params p = model.params();
        this.state = arena.allocate(p.stateBytes(), 64);
        this.logits = arena.allocate((long) p.nVocab() * Float.BYTES, 64);
        this.error = NativeCalls.newError(arena);
        this.tokens = arena.allocate(ValueLayout.JAVA_INT, 512);
    }

    public Model model() {
        return model;
    }

    /** Tokens evaluated since the zero state (or carried over by restore/fork). */
    public long position() {
        return position;
    }

    /**
     * Feeds tokens (one batch: matrix products and a scan over the sequence) and returns the
     * logits after the last one, as a view that goes stale at the next change of this session
     * (see {@link Logits}).
     */
    public Logits eval(int... ids) {
        run(ids, logits, false);
        return logits();
    }

    /** Feeds tokens without computing logits (earlier chat turns, prompt prefixes); earlier views go stale. */
    public void feed(int... ids) {
        run(ids, MemorySegment.NULL, false);
    }

    /** Feeds tokens and returns the logits after every one of them, [ids.length][n_vocab] row-major. */
    public float[] evalAll(int... ids) {
        long n = (long) ids.length * model.params().nVocab();
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException(ids.length + " tokens of logits do not fit a Java array");
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment out = tmp.allocate(Math.max(4, n * Float.BYTES), 64);
            run(ids, out, true);
            return out.asSlice(0, n * Float.BYTES).toArray(ValueLayout.JAVA_FLOAT);
        }
    }

    /**
     * A view of the logits of the last {@link #eval} (zeros before any, and after {@link #reset}):
     * after {@link #feed}, {@link #evalAll} or {@link #restore} they are not this session's next-token
     * logits; eval again for those.
     */
    public Logits logits() {
        checkOpen();
        return new Logits(this, logitsVersion, logits.asReadOnly());
    }

    long logitsVersion() {
        return logitsVersion;
    }

    /** Why a view taken at {@code version} is stale, or null while it is valid. */
    String staleReason(long version) {
        if (closed) return "the session is closed";
        if (version != logitsVersion) return "the session " + lastChange + " since the view was taken";
        return null;
    }

    /** Called with the lock held, before the change. */
    private void invalidate(String change) {
        lastChange = change;
        logitsVersion++;
    }

    private void run(int[] ids, MemorySegment out, boolean all) {
        Objects.requireNonNull(ids, "tokens");
        if (ids.length == 0) throw new IllegalArgumentException("no tokens to evaluate");
        int vocab = model.params().nVocab();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        acquire();
        try {
            model.enter();
            try {
                if (tokens.byteSize() < (long) ids.length * Integer.BYTES) {
                    tokens = arena.allocate(ValueLayout.JAVA_INT, Math.max(ids.length, 2L * tokens.byteSize() / Integer.BYTES));
                }
                MemorySegment.copy(ids, 0, tokens, ValueLayout.JAVA_INT, 0, ids.length);
                invalidate("evaluated more tokens");
                NativeContext ctx = model.borrowContext();
                try {
                    int st = jmamba_h.jm_model_eval(ctx.handle(), model.handle(), state, tokens, ids.length,
                            out, all ? 1 : 0, error);
                    NativeCalls.check(st, error, "eval");
                } finally {
                    model.returnContext(ctx);
                }
                position += ids.length;
            } finally {
                model.leave();
            }
        } finally {
            lock.unlock();
        }
    }

    /** A copy of the current state (and position), to {@link #restore} later or save to disk. */
    public State snapshot() {
        acquire();
        try {
            return State.copyOf(model, state, position);
        } finally {
            lock.unlock();
        }
    }

    /** Puts back a state taken from a session of the same model. */
    public void restore(State s) {
        Objects.requireNonNull(s, "state");
        s.checkFits(model);
        acquire();
        try {
            invalidate("restored a state");
            MemorySegment.copy(s.segment(), 0, state, 0, state.byteSize());
            position = s.position();
        } finally {
            lock.unlock();
        }
    }

    /** A new session of the same model starting from this one's state. */
    public Session fork() {
        acquire();
        try {
            Session s = model.newSession();
            MemorySegment.copy(state, 0, s.state, 0, state.byteSize());
            s.position = position;
            return s;
        } finally {
            lock.unlock();
        }
    }

    /** Back to the zero state. */
    public void reset() {
        acquire();
        try {
            invalidate("was reset");
            state.fill((byte) 0);
            logits.fill((byte) 0);
            position = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Read-only view of the raw state (layout: per layer conv[d_conv-1][conv_dim] then ssm[H][P][N], float32). */
    public MemorySegment stateView() {
        checkOpen();
        return state.asReadOnly();
    }

    private void acquire() {
        if (!lock.tryLock()) {
            throw new IllegalStateException("the session is in use by another thread");
        }
        if (closed) {
            lock.unlock();
            throw new IllegalStateException("the session is closed");
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the session is closed");
    }

    public boolean isClosed() {
        return closed;
    }

    /** Frees the state and makes every {@link Logits} view stale; waits for a call in flight on another thread to finish. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) return;
            closed = true;
            invalidate("was closed");
            model.forget(this);
            arena.close();
        } finally {
            lock.unlock();
        }
    }
}
