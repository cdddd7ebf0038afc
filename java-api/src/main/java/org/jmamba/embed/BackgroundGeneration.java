package org.jmamba.embed;

import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Function;
import org.jmamba.generate.Chat;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import org.jmamba.generate.Generator;

/**
 * One generation on a worker thread, its text delivered to a UI executor in batches.
 *
 * <p>Text pieces are appended to a pending batch; a task is posted to the executor only when the
 * batch goes from empty to non-empty, and that task takes everything gathered by the time it runs.
 * However fast the model, at most one delivery waits in the UI queue. {@link #done()} completes (on
 * the worker, after the last batch has been posted) with the generation's stats.
 */
public final class BackgroundGeneration {
    private final Executor uiExecutor;
    private final Consumer<String> onText;
    private final Runnable canceller;
    private final CompletableFuture<GenerationStats> done = new CompletableFuture<>();
    private final StringBuilder pending = new StringBuilder();
    private final Thread worker;
    private volatile boolean cancelled;

    private BackgroundGeneration(Function<Consumer<String>, GenerationStats> body, Runnable canceller,
            Executor uiExecutor, Consumer<String> onText) {
        this.uiExecutor = Objects.requireNonNull(uiExecutor, "uiExecutor");
        this.onText = Objects.requireNonNull(onText, "onText");
        this.canceller = canceller;
        this.worker = new Thread(() -> run(body), "jmamba-generation");
        worker.setDaemon(true);
        worker.start();
    }

    /**
     * Starts generating from {@code prompt} on a new daemon thread. The generator's session must not
     * be used by anyone else until {@link #done()} completes.
     */
    public static BackgroundGeneration start(Generator generator, int[] prompt, GenerationOptions options,
            Executor uiExecutor, Consumer<String> onText) {
        Objects.requireNonNull(generator, "generator");
        // The run is made here, not on the worker: a cancel() right after start() returns is then
        // never forgotten (a generator forgets cancels that come before its run starts).
        Generator.Streamed run = generator.stream(prompt, options);
        return new BackgroundGeneration(pieces -> {
            while (run.hasNext()) pieces.accept(run.next());
            return run.stats();
        }, generator::cancel, uiExecutor, onText);
    }

    /**
     * Sends {@code userText} to the chat on a new daemon thread and streams the reply. The chat and
     * its session must not be used by anyone else until {@link #done()} completes. A cancel that
     * comes before the reply's prompt is evaluated takes effect when the reply's first text
     * arrives: at its first token, or later when that token's text is not whole yet (part of a
     * UTF-8 character).
     */
    public static BackgroundGeneration send(Chat chat, String userText, GenerationOptions options,
            Executor uiExecutor, Consumer<String> onText) {
        Objects.requireNonNull(chat, "chat");
        Objects.requireNonNull(userText, "userText");
        Objects.requireNonNull(options, "options");
        return new BackgroundGeneration(pieces -> chat.send(userText, options, pieces), chat::cancel, uiExecutor, onText);
    }

    private void run(Function<Consumer<String>, GenerationStats> body) {
        try {
            done.complete(body.apply(this::offer));
        } catch (Throwable e) {
            done.completeExceptionally(e);
        }
    }

    private void offer(String piece) {
        if (cancelled) canceller.run(); // a cancel that came before the generation's run began
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
        cancelled = true;
        canceller.run();
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
