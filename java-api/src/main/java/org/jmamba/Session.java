package org.jmamba;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import org.jmamba.bindings.jmamba_h;

/**
 * One sequence being evaluated by a {@link Model}: its conv and SSM state for every layer lives in
 * an off-heap segment owned by this session's arena and goes to native code by pointer. A session
 * is used by one thread at a time (a second thread gets an exception, not a corrupted state);
 * many sessions may run on one model at once.
 *
 * <p>A session remembers the token ids it evaluated (its history, 4 bytes a token) and, within
 * the budget of its {@link SessionOptions}, keeps checkpoints: copies of its state at chosen
 * positions. {@link #rewind} goes back to any position of the history, {@link #evalSequence}
 * takes a whole edited sequence and evaluates only what follows the checkpoint before the first
 * change.
 *
 * <p>{@link #close()} may come from any thread at any time: a call in flight on another thread
 * finishes, and the state is freed when it returns; every later call, on any thread, is told
 * "the session is closed". A session dropped without close() is freed by a cleaner.
 */
public final class Session implements AutoCloseable {
    /** History beyond this many tokens is forgotten (it would not fit a Java array). */
    private static final int MAX_HISTORY = Integer.MAX_VALUE - 16;

    private final Model model;
    private final SessionOptions options;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment state;
    private final MemorySegment logits;
    private final MemorySegment error;
    private final ReentrantLock lock = new ReentrantLock();
    private final Checkpoints checkpoints;
    private MemorySegment tokens;
    private long position;
    private int[] history = new int[256];
    private int historyLength;
    private long historyStart; // position of history[0]: 0 unless restored from a state without token ids
    private long logitsAt = -1; // the position whose next-token logits the buffer holds, -1 when none
    private long evaluated;
    private final Cleaner.Cleanable cleanable;
    private volatile boolean closed;
    /** Set by close() at once, before it gets the lock: the thread holding it frees the state on its way out. */
    private volatile boolean closeRequested;
    /** Bumped whenever the logits or state change under the views handed out; see {@link Logits}. */
    private volatile long logitsVersion;
    private volatile String lastChange;

    Session(Model model, SessionOptions options) {
        this.model = model;
        this.options = options;
        Mamba2Params p = model.params();
        try {
            this.state = arena.allocate(p.stateBytes(), 64);
            this.logits = arena.allocate((long) p.nVocab() * Float.BYTES, 64);
            this.error = NativeCalls.newError(arena);
            this.tokens = arena.allocate(ValueLayout.JAVA_INT, 512);
        } catch (OutOfMemoryError e) {
            arena.close();
            throw new InsufficientMemoryException("cannot allocate a session of " + Model.sessionBytes(p)
                    + " bytes for " + model.path() + ": " + e.getMessage(), e);
        }
        this.checkpoints = new Checkpoints(p, options.checkpointBudgetBytes());
        Arena a = arena;
        Checkpoints cp = checkpoints;
        this.cleanable = Model.CLEANER.register(this, () -> {
            cp.close();
            a.close();
        });
    }

    public Model model() {
        return model;
    }

    public SessionOptions options() {
        return options;
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
     * after {@link #feed}, {@link #evalAll}, or {@link #restore} of a state saved without logits, they
     * are not this session's next-token logits; eval again for those. {@link #rewind},
     * {@link #evalSequence} and a restore of a state with logits leave the next token's logits.
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
        // the version is read before the close flags: close() sets closeRequested before it bumps the
        // version, so a reader that sees the bump also sees the flag and never names the close a change
        long now = logitsVersion;
        String change = lastChange;
        if (closed || closeRequested) return "the session is closed";
        if (version != now) return "the session " + change + " since the view was taken";
        return null;
    }

    /** Called with the lock held, before the change. */
    private void invalidate(String change) {
        lastChange = change;
        logitsVersion++;
    }

    private void checkTokens(int[] ids) {
        Objects.requireNonNull(ids, "tokens");
        if (ids.length == 0) throw new IllegalArgumentException("no tokens to evaluate");
        int vocab = model.params().nVocab();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }

    private void run(int[] ids, MemorySegment out, boolean all) {
        checkTokens(ids);
        acquire();
        try {
            evaluate(ids, 0, ids.length, out, all);
        } finally {
            release();
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Evaluates ids[from, to) with the lock held: in pieces that end at each multiple of the
     * checkpoint spacing when checkpoints are kept, a checkpoint taken at each such end. out is
     * the logits buffer, NULL (no logits), or with all the rows of every token.
     */
    private void evaluate(int[] ids, int from, int to, MemorySegment out, boolean all) {
        int spacing = options.checkpointSpacing();
        long rowBytes = (long) model.params().nVocab() * Float.BYTES;
        for (int i = from; i < to; ) {
            int n = to - i;
            boolean boundary = false;
            if (checkpoints.enabled()) {
                long next = (position / spacing + 1) * spacing;
                if (next - position <= n) {
                    n = (int) (next - position);
                    boundary = true;
                }
            }
            boolean last = i + n == to;
            MemorySegment o = all ? out.asSlice((i - from) * rowBytes, n * rowBytes)
                    : last && out.address() != 0 ? out : boundary ? logits : MemorySegment.NULL;
            evalNative(ids, i, n, o, all);
            record(ids, i, n);
            logitsAt = o == logits ? position : -1;
            if (boundary) {
                MemorySegment rowLogits = all ? o.asSlice((n - 1) * rowBytes, rowBytes) : o == logits ? logits : null;
                checkpoints.add(position, state, rowLogits, false, historyStart);
            }
            i += n;
        }
    }

    private void evalNative(int[] ids, int from, int n, MemorySegment out, boolean all) {
        model.enter();
        try {
            model.checkFile();
            if (tokens.byteSize() < (long) n * Integer.BYTES) {
                tokens = arena.allocate(ValueLayout.JAVA_INT, Math.max(n, 2L * tokens.byteSize() / Integer.BYTES));
            }
            MemorySegment.copy(ids, from, tokens, ValueLayout.JAVA_INT, 0, n);
            invalidate("evaluated more tokens");
            NativeContext ctx = model.borrowContext();
            try {
                int st = jmamba_h.jm_model_eval(ctx.handle(), model.handle(), state, tokens, n, out, all ? 1 : 0, error);
                NativeCalls.check(st, error, "eval");
            } finally {
                model.returnContext(ctx);
            }
        } finally {
            model.leave();
        }
    }

    /** Appends evaluated tokens to the history and moves the position on. */
    private void record(int[] ids, int from, int n) {
        position = Math.addExact(position, n);
        evaluated += n;
        if ((long) historyLength + n > MAX_HISTORY) {
            historyLength = 0; // too long to keep: the history restarts here
            historyStart = position;
            checkpoints.clear();
            return;
        }
        if (historyLength + n > history.length) {
            history = Arrays.copyOf(history, (int) Math.min(MAX_HISTORY, Math.max(historyLength + n, 2L * history.length)));
        }
        System.arraycopy(ids, from, history, historyLength, n);
        historyLength += n;
    }

    /**
     * Takes a checkpoint at the current position now (kept in preference to the automatic ones):
     * e.g. before a chat turn, to {@link #rewind} to its start later.
     *
     * @throws IllegalStateException when the session's budget holds no checkpoint
     */
    public void checkpoint() {
        acquire();
        try {
            if (!checkpoints.enabled()) {
                throw new IllegalStateException("the checkpoint budget (" + options.checkpointBudgetBytes()
                        + " bytes) holds no checkpoint of " + Checkpoints.bytesPerCheckpoint(model.params())
                        + " bytes; give the session a larger one in its SessionOptions");
            }
            checkpoints.add(position, state, logitsAt == position ? logits : null, true, historyStart);
        } finally {
            lock.unlock();
        }
    }

    /** Whether the session's budget holds at least one checkpoint. */
    public boolean keepsCheckpoints() {
        return checkpoints.enabled();
    }

    /** Checkpoints kept now. */
    public int checkpointCount() {
        return checkpoints.count();
    }

    /** Bytes the checkpoints kept now hold (state and logits each). */
    public long checkpointBytes() {
        return checkpoints.bytes();
    }

    /** The positions of the checkpoints kept now, oldest first. */
    public List<Long> checkpointPositions() {
        return checkpoints.positions();
    }

    /** Tokens this session has run through the model, in all (re-evaluations after a rewind included). */
    public long tokensEvaluated() {
        return evaluated;
    }

    /**
     * The token ids evaluated from {@link #historyStart()} to the current position: the whole
     * sequence unless the session was restored from a state saved without its token ids.
     */
    public int[] history() {
        acquire();
        try {
            return Arrays.copyOf(history, historyLength);
        } finally {
            lock.unlock();
        }
    }

    /** The position of the first token {@link #history()} holds (0 unless the earlier ones are unknown). */
    public long historyStart() {
        return historyStart;
    }

    /**
     * Goes back to {@code target} tokens: restores the latest checkpoint at or before it and
     * re-evaluates the remembered tokens from there, so the state and the logits equal those of
     * a fresh session fed the first {@code target} tokens (up to the forward's batch-versus-steps
     * rounding). Checkpoints past {@code target} are dropped.
     *
     * @throws IllegalArgumentException when {@code target} is negative, past the position, or
     *     before the tokens the session knows ({@link #historyStart()})
     * @throws IllegalStateException when the history does not start at the zero state and no
     *     checkpoint lies between its start and {@code target}
     */
    public void rewind(long target) {
        acquire();
        try {
            if (target < 0 || target > position) {
                throw new IllegalArgumentException("cannot rewind to position " + target + ": it must be in [0, "
                        + position + "], the tokens this session has evaluated");
            }
            if (target < historyStart) {
                throw new IllegalArgumentException("cannot rewind to position " + target + ": the tokens before "
                        + historyStart + " are not known (the state was restored without its token ids)");
            }
            if (target == position) return;
            int[] replay = Arrays.copyOfRange(history, 0, (int) (target - historyStart));
            long from = restoreCheckpoint(target, true);
            if (target > from) evaluate(replay, (int) (from - historyStart), replay.length, logits, false);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Makes the state that of {@code sequence}, evaluating only what it must: finds where the
     * sequence first differs from the history, restores the latest checkpoint at or before that
     * point and evaluates the tokens from there to the end. The call an editor makes on every
     * keystroke with the whole file's tokens. Returns the logits after the last token, as
     * {@link #eval} does; {@link #tokensEvaluated()} counts what was re-evaluated.
     */
    public Logits evalSequence(int... sequence) {
        checkTokens(sequence);
        acquire();
        try {
            int common = 0;
            if (historyStart == 0) {
                int n = Math.min(historyLength, sequence.length);
                int mismatch = Arrays.mismatch(history, 0, n, sequence, 0, n);
                common = mismatch < 0 ? n : mismatch;
            }
            if (common == sequence.length && position == common && logitsAt == position) {
                return logits();
            }
            if (historyStart != 0) resetLocked(); // the known history cannot be compared: start over
            long target = Math.min(common, sequence.length - 1); // at least one token to evaluate, for the logits
            long from = target == position ? position : restoreCheckpoint(target, false);
            evaluate(sequence, (int) from, sequence.length, logits, false);
            return logits();
        } finally {
            lock.unlock();
        }
    }

    /**
     * With the lock held: restores the latest checkpoint at or before {@code target} (one exactly
     * at it only with logits if {@code needLogits}), or the zero state; cuts the history there and
     * drops later checkpoints. Returns the position restored.
     */
    private long restoreCheckpoint(long target, boolean needLogits) {
        invalidate("went back to an earlier position");
        Checkpoints.Checkpoint c = checkpoints.latest(target, needLogits);
        long at;
        if (c != null) {
            at = c.position;
            MemorySegment.copy(checkpoints.state(c), 0, state, 0, state.byteSize());
            if (c.hasLogits) MemorySegment.copy(checkpoints.logits(c), 0, logits, 0, logits.byteSize());
            logitsAt = c.hasLogits ? at : -1;
        } else if (historyStart == 0) {
            at = 0;
            state.fill((byte) 0);
            logits.fill((byte) 0);
            logitsAt = -1;
        } else {
            throw new IllegalStateException("cannot go back to position " + target + ": no checkpoint lies between "
                    + historyStart + " (where the known history starts) and it");
        }
        checkpoints.dropAfter(at);
        position = at;
        historyLength = (int) (at - historyStart);
        return at;
    }

    /**
     * A copy of the current state and position, with the token ids when the whole history is
     * known and the next token's logits when they were computed last: to {@link #restore} later,
     * to save to disk, or to put in a {@link PromptCache}.
     */
    public State snapshot() {
        acquire();
        try {
            return snapshotLocked();
        } finally {
            release();
        }
    }

    private State snapshotLocked() {
        int[] ids = historyStart == 0 ? Arrays.copyOf(history, historyLength) : null;
        float[] next = logitsAt == position && position > 0 ? logits.toArray(ValueLayout.JAVA_FLOAT) : null;
        return State.copyOf(model, state, position, ids, next);
    }

    /**
     * Puts back a state of this model (or of another load of the same weights): its position,
     * token ids and logits when the state has them. Checkpoints are dropped; when the budget
     * allows, the restored state becomes the first one.
     *
     * @throws StateModelMismatchException when the state belongs to another model
     */
    public void restore(State s) {
        Objects.requireNonNull(s, "state");
        s.checkFits(model);
        acquire();
        try {
            invalidate("restored a state");
            MemorySegment.copy(s.segment(), 0, state, 0, state.byteSize());
            position = s.position();
            int[] ids = s.tokensOrNull();
            if (ids != null) {
                history = Arrays.copyOf(ids, Math.max(256, ids.length));
                historyLength = ids.length;
                historyStart = 0;
            } else {
                historyLength = 0;
                historyStart = position;
            }
            float[] next = s.logitsOrNull();
            if (next != null) {
                MemorySegment.copy(next, 0, logits, ValueLayout.JAVA_FLOAT, 0, next.length);
                logitsAt = position;
            } else {
                logitsAt = -1;
            }
            checkpoints.clear();
            if (checkpoints.enabled()) checkpoints.add(position, state, next != null ? logits : null, true, historyStart);
        } finally {
            release();
        }
    }

    /** A new session of the same model and options starting from this one's state, history and logits (not its checkpoints). */
    public Session fork() {
        acquire();
        try {
            Session s = model.newSession(options);
            MemorySegment.copy(state, 0, s.state, 0, state.byteSize());
            MemorySegment.copy(logits, 0, s.logits, 0, logits.byteSize());
            s.position = position;
            s.history = Arrays.copyOf(history, Math.max(256, historyLength));
            s.historyLength = historyLength;
            s.historyStart = historyStart;
            s.logitsAt = logitsAt;
            return s;
        } finally {
            release();
        }
    }

    /** Back to the zero state: history and checkpoints are dropped. */
    public void reset() {
        acquire();
        try {
            resetLocked();
        } finally {
            release();
        }
    }

    private void resetLocked() {
        invalidate("was reset");
        state.fill((byte) 0);
        logits.fill((byte) 0);
        position = 0;
        historyLength = 0;
        historyStart = 0;
        logitsAt = -1;
        checkpoints.clear();
    }

    /** Read-only view of the raw state (layout: per layer conv[d_conv-1][conv_dim] then ssm[H][P][N], float32). */
    public MemorySegment stateView() {
        checkOpen();
        return state.asReadOnly();
    }

    /** Takes this session for the calling thread: fails when another thread has it or it is closed. */
    void acquire() {
        if (closeRequested) throw new IllegalStateException("the session is closed");
        if (!lock.tryLock()) {
            // the holder may be close() itself: that is not "in use"
            if (closeRequested) throw new IllegalStateException("the session is closed");
            throw new IllegalStateException("the session is in use by another thread");
        }
        if (closed || closeRequested) {
            release();
            throw new IllegalStateException("the session is closed");
        }
    }

    /** The state a batched step (DecodeScheduler) writes, for the thread holding this session. */
    MemorySegment stateSegment() {
        return state;
    }

    /** Called by a batched step (with the lock held) before it feeds more tokens into this session's state. */
    void advancing() {
        invalidate("evaluated more tokens");
    }

    /** Bookkeeping after a batched step fed ids into this session's state: position and history. */
    void advanced(int[] ids) {
        record(ids, 0, ids.length);
        logitsAt = -1;
    }

    /**
     * Ends what {@link #acquire()} began, on the same thread, and frees the state if close() came
     * while this thread held it.
     */
    void release() {
        lock.unlock();
        if (closeRequested && !closed) tryClose();
    }

    private void tryClose() {
        if (!lock.tryLock()) return; // the holder closes on its way out (release)
        try {
            if (closed) return;
            invalidate("was closed");
            closed = true;
            model.forget(this);
            checkpoints.close();
            cleanable.clean();
        } finally {
            lock.unlock();
        }
    }

    private void checkOpen() {
        if (closed || closeRequested) throw new IllegalStateException("the session is closed");
    }

    public boolean isClosed() {
        return closed || closeRequested;
    }

    /**
     * Frees the state and makes every {@link Logits} view stale. Returns at once; when another thread
     * is evaluating on this session, its call finishes and the state is freed as it returns.
     * Idempotent, and safe from any thread.
     */
    @Override
    public void close() {
        closeRequested = true;
        tryClose();
    }
}
