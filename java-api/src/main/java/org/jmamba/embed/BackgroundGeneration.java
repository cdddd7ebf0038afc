package org.jmamba.embed;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import org.jmamba.generate.Generator;

/**
 * One generation on a worker thread, its text delivered to a UI executor in batches.
 *
 * <p>Text pieces are appended to a pending batch; a task is posted to the executor only when the
 * batch goes from empty to non-empty, and that task takes everything gathered by the time it runs.
 * However fast the model, at most one delivery waits in the UI queue. {@link #done()} completes (on
 * the worker, after the last batch has been posted) with the generation's stats; {@code onText}
 * sees every piece before any dependent stage of {@code done()} that runs on the same executor.
 */
public final class BackgroundGeneration {
    private final Generator generator;
    private final Executor uiExecutor;
    private final Consumer<String> onText;
    private final CompletableFuture<GenerationStats> done = new CompletableFuture<>();
    private final StringBuilder pending = new StringBuilder();
    private final Thread worker;

    private BackgroundGeneration(Generator generator, Executor uiExecutor, Consumer<String> onText,
            Runnable body) {
        this.generator = generator;
        this.uiExecutor = uiExecutor;
        this.onText = onText;
        this.worker = new Thread(body, "jmamba-generation");
        worker.setDaemon(true);
    }

    /**
     * Starts generating from {@code prompt} on a new daemon thread. The generator's session must not
     * be used by anyone else until {@link #done()} completes.
     */
    public static BackgroundGeneration start(Generator generator, int[] prompt, GenerationOptions options,
            Executor uiExecutor, Consumer<String> onText) {
        Objects.requireNonNull(generator, "generator");
        Objects.requireNonNull(prompt, "prompt");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(uiExecutor, "uiExecutor");
        Objects.requireNonNull(onText, "onText");
        // The run is made here, not on the worker: a cancel() right after start() returns is then
        // never forgotten (a generator forgets cancels that come before its run starts).
        Generator.Streamed run = generator.stream(prompt, options);
        BackgroundGeneration[] self = new BackgroundGeneration[1];
        self[0] = new BackgroundGeneration(generator, uiExecutor, onText, () -> self[0].drain(run));
        self[0].worker.start();
        return self[0];
    }

    private void drain(Generator.Streamed run) {
        try {
            while (run.hasNext()) offer(run.next());
            done.complete(run.stats());
        } catch (Throwable e) {
            done.completeExceptionally(e);
        }
    }

    private void offer(String piece) {
        boolean post;
        synchronized (pending) {
            post = pending.isEmpty();
            pending.append(piece);
        }
        if (post) uiExecutor.execute(this::deliver);
    }

    private void deliver() {
        String batch;
        synchronized (pending) {
            batch = pending.toString();
            pending.setLength(0);
        }
        if (!batch.isEmpty()) onText.accept(batch);
    }

    /** Asks the generation to stop before its next token (see {@link Generator#cancel()}). */
    public void cancel() {
        generator.cancel();
    }

    /** Completes with the stats when the generation has ended (stopped, cancelled or failed). */
    public CompletableFuture<GenerationStats> done() {
        return done;
    }

    /** Whether the worker thread is still alive. */
    public boolean isRunning() {
        return worker.isAlive();
    }

    /** Cancels and waits up to {@code millis} for the worker to end; true if it has ended. */
    public boolean cancelAndAwait(long millis) throws InterruptedException {
        cancel();
        worker.join(millis);
        return !worker.isAlive();
    }
}
