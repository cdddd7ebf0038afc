package org.jmamba.swing;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.swing.SwingUtilities;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.embed.BackgroundGeneration;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import org.jmamba.generate.Generator;
import org.jmamba.sampling.SamplerConfig;

/**
 * Completions for one model, computed on a single worker thread so that the session is only ever
 * touched there. A new request supersedes the one before: a request still queued is skipped, and a
 * generation in progress is cancelled. Text and results reach the caller on Swing's event thread.
 */
final class CompletionEngine implements AutoCloseable {
    /** Completion length: enough for a line or two of code. */
    static final int MAX_TOKENS = Integer.getInteger("jmamba.swing.maxTokens", 48);

    /** How one completion went, for the status bar. */
    record Result(long request, int reused, int evaluated, GenerationStats stats, long latencyMillis) {}

    private final Model model;
    private final Session session;
    private final IncrementalContext context;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "jmamba-completion");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong latest = new AtomicLong();
    private volatile BackgroundGeneration running;
    private volatile boolean generating;

    CompletionEngine(Model model) {
        this.model = model;
        this.session = model.newSession();
        this.context = new IncrementalContext(session, !Boolean.getBoolean("jmamba.swing.noReuse"));
    }

    Model model() {
        return model;
    }

    /** Whether a generation is running now. */
    boolean isGenerating() {
        return generating;
    }

    /**
     * Completes {@code prefix} (the buffer's text before the caret). {@code onText} gets the
     * completion's text as it grows, {@code onDone} the result; both on the event thread, and
     * neither for a request superseded before it finished.
     */
    long request(String prefix, Consumer<String> onText, Consumer<Result> onDone) {
        long id = latest.incrementAndGet();
        BackgroundGeneration g = running;
        if (g != null) g.cancel();
        long start = System.nanoTime();
        worker.execute(() -> {
            if (latest.get() != id) return; // superseded while queued
            int[] tokens = model.tokenizer().encode(prefix);
            if (tokens.length == 0) return;
            IncrementalContext.Prepared p = context.prepare(tokens);
            if (latest.get() != id) return;
            GenerationOptions options = new GenerationOptions(MAX_TOKENS, SamplerConfig.greedy(), List.of("\n\n"), true);
            generating = true;
            try {
                BackgroundGeneration bg = BackgroundGeneration.start(new Generator(session, model.tokenizer()), new int[0],
                        options, SwingUtilities::invokeLater, text -> {
                            if (latest.get() == id) onText.accept(text);
                        });
                running = bg;
                if (latest.get() != id) bg.cancel();
                GenerationStats stats = bg.done().join();
                running = null;
                long ms = (System.nanoTime() - start) / 1_000_000;
                SwingUtilities.invokeLater(() -> {
                    if (latest.get() == id) onDone.accept(new Result(id, p.reused(), p.evaluated(), stats, ms));
                });
            } finally {
                generating = false;
            }
        });
        return id;
    }

    /** Drops the requests not yet done: nothing more reaches the callbacks. */
    void dismiss() {
        latest.incrementAndGet();
        BackgroundGeneration g = running;
        if (g != null) g.cancel();
    }

    /** Cancels what runs, waits for the worker (up to 10 s), then frees the session and the model. */
    @Override
    public void close() {
        dismiss();
        worker.shutdown();
        try {
            if (!worker.awaitTermination(10, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the completion worker did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        context.close();
        session.close();
        model.close();
    }
}
