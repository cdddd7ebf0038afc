package org.jmamba;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.jmamba.bindings.jm_batch_seq;
import org.jmamba.bindings.jmamba_h;

/**
 * Owns a model's decode loop and runs many {@link Session}s in it: each step advances every
 * admitted sequence by one token (or a chunk of its prompt) in one native call, so the weights
 * are read once per step for all of them, not once per sequence. Each sequence's logits are the
 * bits it would get alone with the same prompt chunks.
 *
 * <p>Work is submitted as a {@link Job}: a session, a prompt and a {@link Step} that picks the
 * next token from each set of logits. Up to {@link Options#maxSequences()} jobs run at once, the
 * rest wait in submission order. Every running job decodes each step; prompts are fed in chunks
 * of {@link Options#prefillChunk()} tokens, and a step takes at most
 * {@link Options#prefillTokensPerStep()} prompt tokens, handed round-robin among the jobs still
 * prefilling, so a long prompt never stalls the others' decoding. A prompt is always cut at the
 * same places, so its result does not depend on what else runs.
 *
 * <p>Steps run on the scheduler's own thread, which holds each job's session for the job's
 * lifetime (the session's own calls fail meanwhile). {@link Job#cancel()} takes effect before
 * the next step. {@link #close()} cancels what is running or waiting and stops the thread.
 */
public final class DecodeScheduler implements AutoCloseable {

    /** What {@link Step#next} returns to end the job. */
    public static final int STOP = -1;

    /**
     * How much runs at once.
     *
     * @param maxSequences         jobs advanced in one step (the others wait)
     * @param prefillChunk         prompt tokens a job feeds in one step
     * @param prefillTokensPerStep prompt tokens one step takes in all (at least prefillChunk)
     */
    public record Options(int maxSequences, int prefillChunk, int prefillTokensPerStep) {
        public Options {
            if (maxSequences < 1 || maxSequences > jmamba_h.JM_BATCH_MAX_SEQS) {
                throw new IllegalArgumentException("maxSequences = " + maxSequences + " is out of range [1, "
                        + jmamba_h.JM_BATCH_MAX_SEQS + "]");
            }
            if (prefillChunk < 1) throw new IllegalArgumentException("prefillChunk = " + prefillChunk + " must be >= 1");
            if (prefillTokensPerStep < prefillChunk) {
                throw new IllegalArgumentException("prefillTokensPerStep = " + prefillTokensPerStep
                        + " must be at least prefillChunk = " + prefillChunk);
            }
        }

        /** maxSequences at once, 256-token prompt chunks, two chunks per step. */
        public static Options of(int maxSequences) {
            return new Options(maxSequences, 256, 512);
        }
    }

    /** Picks a job's next token; runs on the scheduler thread, so it must not block. */
    @FunctionalInterface
    public interface Step {
        /**
         * @param logits the logits after the last token fed: a view that goes stale when the
         *               job's session advances (copy it to keep it)
         * @return the next token to feed, or {@link #STOP}
         */
        int next(Logits logits);
    }

    /** How a job ended. */
    public enum Outcome { STOPPED, CANCELLED }

    /** Counters since start, and the current load. */
    public record Stats(int running, int waiting, long steps, long decodedTokens, long prefilledTokens,
                        long jobsFinished, long jobsCancelled, long jobsFailed) {}

    /** One session's work in the scheduler. */
    public final class Job {
        private final Session session;
        private final int[] prompt;
        private final Step step;
        private final CompletableFuture<Outcome> done = new CompletableFuture<>();
        private volatile boolean cancelled;
        private int fed;       // prompt tokens fed so far
        private int next = -1; // the token to feed next once the prompt is in
        private int slot = -1;

        private Job(Session session, int[] prompt, Step step) {
            this.session = session;
            this.prompt = prompt;
            this.step = step;
        }

        public Session session() {
            return session;
        }

        /** Completes when the job ends: STOPPED, CANCELLED, or exceptionally if a step or eval failed. */
        public CompletableFuture<Outcome> done() {
            return done;
        }

        /** Ends the job before the next step (from any thread); no further Step call is made. */
        public void cancel() {
            cancelled = true;
            wake();
        }

        public boolean isCancelled() {
            return cancelled;
        }

        private boolean prefilling() {
            return fed < prompt.length;
        }
    }

    private final Model model;
    private final Options options;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment seqs;
    private final MemorySegment[] slotTokens;
    private final MemorySegment[] slotLogits;
    private final MemorySegment error;
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    private final List<Job> running = new ArrayList<>();
    private final ArrayDeque<Integer> freeSlots = new ArrayDeque<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition work = lock.newCondition();
    private final Thread thread;
    private final AtomicLong steps = new AtomicLong(), decoded = new AtomicLong(), prefilled = new AtomicLong();
    private final AtomicLong finished = new AtomicLong(), cancelledJobs = new AtomicLong(), failed = new AtomicLong();
    private volatile int runningCount;
    private int roundRobin;
    private boolean closing;

    private DecodeScheduler(Model model, Options options) {
        this.model = model;
        this.options = options;
        int n = options.maxSequences();
        this.seqs = jm_batch_seq.allocateArray(n, arena);
        this.slotTokens = new MemorySegment[n];
        this.slotLogits = new MemorySegment[n];
        long logitsBytes = (long) model.params().nVocab() * Float.BYTES;
        for (int i = 0; i < n; i++) {
            slotTokens[i] = arena.allocate(ValueLayout.JAVA_INT, options.prefillChunk());
            slotLogits[i] = arena.allocate(logitsBytes, 64);
            freeSlots.add(i);
        }
        this.error = NativeCalls.newError(arena);
        this.thread = Thread.ofPlatform().name("jmamba-decode").daemon().unstarted(this::loop);
    }

    /** Starts a scheduler thread for model. */
    public static DecodeScheduler start(Model model, Options options) {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(options, "options");
        model.enter();
        try {
            DecodeScheduler s = new DecodeScheduler(model, options);
            s.thread.start();
            return s;
        } finally {
            model.leave();
        }
    }

    public Options options() {
        return options;
    }

    public Model model() {
        return model;
    }

    /**
     * Queues a job: feed prompt into session, then call step with each set of logits and feed
     * the token it returns, until it returns {@link #STOP} or the job is cancelled.
     *
     * @throws IllegalArgumentException for an empty prompt, a token outside the vocabulary, or a
     *                                  session of another model
     * @throws IllegalStateException    when the scheduler is closed
     */
    public Job submit(Session session, int[] prompt, Step step) {
        Objects.requireNonNull(session, "session");
        Objects.requireNonNull(step, "step");
        if (session.model() != model) throw new IllegalArgumentException("the session belongs to another model");
        int[] ids = Objects.requireNonNull(prompt, "prompt").clone();
        if (ids.length == 0) throw new IllegalArgumentException("empty prompt: a job needs at least one token");
        int vocab = model.params().nVocab();
        for (int i = 0; i < ids.length; i++) {
            if (ids[i] < 0 || ids[i] >= vocab) {
                throw new IllegalArgumentException("token id " + ids[i] + " at position " + i
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
        Job job = new Job(session, ids, step);
        lock.lock();
        try {
            if (closing) throw new IllegalStateException("the scheduler is closed");
            waiting.add(job);
            work.signal();
        } finally {
            lock.unlock();
        }
        return job;
    }

    public Stats stats() {
        lock.lock();
        try {
            return new Stats(runningCount, waiting.size(), steps.get(), decoded.get(), prefilled.get(),
                    finished.get(), cancelledJobs.get(), failed.get());
        } finally {
            lock.unlock();
        }
    }

    private void wake() {
        lock.lock();
        try {
            work.signal();
        } finally {
            lock.unlock();
        }
    }

    private void loop() {
        NativeContext ctx = null;
        try {
            List<Job> batch = new ArrayList<>();
            while (true) {
                if (!admit()) break;
                if (ctx == null) ctx = model.borrowContext();
                batch.clear();
                int n = fill(batch);
                if (n == 0) continue;
                run(ctx, batch);
            }
        } catch (Throwable t) {
            failAll(t);
        } finally {
            if (ctx != null) giveBack(ctx);
        }
    }

    /**
     * Hands the context back to the model's pool, or frees it when the model is closed: the pool
     * is freed with the model, perhaps already, and a context put there afterwards would never be.
     */
    private void giveBack(NativeContext ctx) {
        try {
            model.enter();
        } catch (IllegalStateException closed) {
            ctx.close();
            return;
        }
        try {
            model.returnContext(ctx);
        } finally {
            model.leave();
        }
    }

    /** Ends cancelled jobs, starts waiting ones, and waits for work; false once closing. */
    private boolean admit() throws InterruptedException {
        lock.lock();
        try {
            while (true) {
                if (closing) {
                    for (Job j : running) end(j, null);
                    running.clear();
                    for (Job j : waiting) j.done.complete(Outcome.CANCELLED);
                    cancelledJobs.addAndGet(waiting.size());
                    waiting.clear();
                    runningCount = 0;
                    return false;
                }
                running.removeIf(j -> {
                    if (!j.cancelled) return false;
                    end(j, null);
                    return true;
                });
                waiting.removeIf(j -> {
                    if (!j.cancelled) return false;
                    cancelledJobs.incrementAndGet();
                    j.done.complete(Outcome.CANCELLED);
                    return true;
                });
                while (!waiting.isEmpty() && !freeSlots.isEmpty()) start(waiting.poll());
                runningCount = running.size();
                if (!running.isEmpty()) return true;
                work.await();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes the job's session for the scheduler thread; a session in use fails the job. */
    private void start(Job j) {
        try {
            j.session.acquire();
        } catch (RuntimeException e) {
            failed.incrementAndGet();
            j.done.completeExceptionally(e);
            return;
        }
        j.slot = freeSlots.poll();
        running.add(j);
    }

    /** Frees the job's slot and session; outcome null means cancelled. */
    private void end(Job j, Throwable failure) {
        j.session.release();
        freeSlots.add(j.slot);
        j.slot = -1;
        if (failure != null) {
            failed.incrementAndGet();
            j.done.completeExceptionally(failure);
        } else if (j.cancelled || closing) {
            cancelledJobs.incrementAndGet();
            j.done.complete(Outcome.CANCELLED);
        } else {
            finished.incrementAndGet();
            j.done.complete(Outcome.STOPPED);
        }
    }

    /** Fills the native sequence list for one step: every decoding job, prompt chunks round-robin. */
    private int fill(List<Job> batch) {
        lock.lock();
        try {
            int n = running.size(), budget = options.prefillTokensPerStep();
            roundRobin = n == 0 ? 0 : (roundRobin + 1) % n;
            for (int k = 0; k < n; k++) {
                Job j = running.get((roundRobin + k) % n);
                int count;
                if (j.prefilling()) {
                    count = Math.min(options.prefillChunk(), j.prompt.length - j.fed);
                    if (count > budget) continue;
                    budget -= count;
                    MemorySegment.copy(j.prompt, j.fed, slotTokens[j.slot], ValueLayout.JAVA_INT, 0, count);
                } else {
                    count = 1;
                    slotTokens[j.slot].setAtIndex(ValueLayout.JAVA_INT, 0, j.next);
                }
                j.session.advancing();
                MemorySegment s = jm_batch_seq.asSlice(seqs, batch.size());
                jm_batch_seq.state(s, j.session.stateSegment());
                jm_batch_seq.tokens(s, slotTokens[j.slot]);
                jm_batch_seq.n_tokens(s, count);
                // a prompt's inner chunks need no logits
                boolean last = !j.prefilling() || j.fed + count == j.prompt.length;
                jm_batch_seq.logits(s, last ? slotLogits[j.slot] : MemorySegment.NULL);
                batch.add(j);
            }
            return batch.size();
        } finally {
            lock.unlock();
        }
    }

    /** One native step over the batch, then each job's Step on its logits. */
    private void run(NativeContext ctx, List<Job> batch) {
        model.enter();
        try {
            int st = jmamba_h.jm_model_eval_batch(ctx.handle(), model.handle(), seqs, batch.size(), error);
            NativeCalls.check(st, error, "batched step");
        } catch (RuntimeException e) {
            endAll(batch, e);
            return;
        } finally {
            model.leave();
        }
        steps.incrementAndGet();
        List<Job> ended = new ArrayList<>();
        List<Throwable> why = new ArrayList<>();
        for (int i = 0; i < batch.size(); i++) {
            Job j = batch.get(i);
            int count = jm_batch_seq.n_tokens(jm_batch_seq.asSlice(seqs, i));
            if (j.prefilling()) {
                j.session.advanced(Arrays.copyOfRange(j.prompt, j.fed, j.fed + count));
                j.fed += count;
                prefilled.addAndGet(count);
                if (j.prefilling()) continue;
            } else {
                j.session.advanced(new int[] {j.next});
                decoded.incrementAndGet();
            }
            if (j.cancelled) continue; // admit() ends it
            try {
                int t = j.step.next(new Logits(j.session, j.session.logitsVersion(), slotLogits[j.slot].asReadOnly()));
                int vocab = model.params().nVocab();
                if (t == STOP) {
                    ended.add(j);
                    why.add(null);
                } else if (t < 0 || t >= vocab) {
                    ended.add(j);
                    why.add(new IllegalArgumentException("the step returned token id " + t
                            + ", outside the vocabulary [0, " + vocab + ")"));
                } else {
                    j.next = t;
                }
            } catch (RuntimeException e) {
                ended.add(j);
                why.add(e);
            }
        }
        if (ended.isEmpty()) return;
        lock.lock();
        try {
            for (int i = 0; i < ended.size(); i++) {
                running.remove(ended.get(i));
                end(ended.get(i), why.get(i));
            }
            runningCount = running.size();
        } finally {
            lock.unlock();
        }
    }

    private void endAll(List<Job> batch, Throwable t) {
        lock.lock();
        try {
            for (Job j : batch) {
                running.remove(j);
                end(j, t);
            }
            runningCount = running.size();
        } finally {
            lock.unlock();
        }
    }

    private void failAll(Throwable t) {
        lock.lock();
        try {
            closing = true;
            for (Job j : running) end(j, t);
            running.clear();
            for (Job j : waiting) j.done.completeExceptionally(t);
            waiting.clear();
            runningCount = 0;
        } finally {
            lock.unlock();
        }
    }

    /** Cancels running and waiting jobs, waits for the thread to stop and frees the buffers. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            work.signal();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
        synchronized (arena) {
            if (arena.scope().isAlive()) arena.close();
        }
    }
}
