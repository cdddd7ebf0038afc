package org.jmamba.generate;

import java.time.Duration;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.jmamba.PromptCache;
import org.jmamba.Logits;
import org.jmamba.Session;
import org.jmamba.chat.StopMatcher;
import org.jmamba.sampling.Sampler;
import org.jmamba.tokenizer.StreamingDecoder;
import org.jmamba.tokenizer.Tokenizer;

/**
 * Streams text from a session: prefill the prompt as batches, then sample, feed and decode one
 * token at a time. Every sampled token is fed back, so after a generation the session's state
 * holds the prompt and everything generated, and a chat can go on from it.
 * {@link #cancel()} may be called from any thread; see there when it takes effect.
 */
public final class Generator {
    /** Prompt tokens per eval call: bounds the time before a cancel is seen. */
    private static final int PREFILL_CHUNK = 512;

    private final Session session;
    private final Tokenizer tokenizer;
    private volatile boolean cancelled;
    private PromptCache promptCache;

    public Generator(Session session, Tokenizer tokenizer) {
        this.session = Objects.requireNonNull(session, "session");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
    }

    /**
     * Reuses cached prompt prefixes: a generation that starts on a session at position 0 restores
     * the longest prefix of its prompt the cache holds, evaluates only the rest, and caches the
     * state at the end of the prompt for later prompts that begin the same way.
     */
    public Generator usePromptCache(PromptCache cache) {
        this.promptCache = cache;
        return this;
    }

    /**
     * Stops the generation in progress: before its next token, or during the prompt's prefill
     * before its next chunk of 512 tokens; it then ends with {@link StopReason#CANCELLED}. Safe to
     * call from any thread. A cancel with no generation running is forgotten: every generation
     * ({@link #generate}, or {@link #stream} when called) starts uncancelled.
     */
    public void cancel() {
        cancelled = true;
    }

    /** Generates, calling onText with each piece of text as soon as it is final; returns the stats. */
    public GenerationStats generate(int[] prompt, GenerationOptions options, Consumer<String> onText) {
        Run run = new Run(prompt, options);
        String piece;
        while ((piece = run.next()) != null) {
            if (!piece.isEmpty()) onText.accept(piece);
        }
        return run.stats();
    }

    /**
     * The same as a lazy stream of text pieces, computed as it is consumed. Stats are available
     * from the returned handle once the stream is exhausted.
     */
    public Streamed stream(int[] prompt, GenerationOptions options) {
        return new Streamed(new Run(prompt, options));
    }

    /** A generation being consumed as a stream or iterator. */
    public static final class Streamed implements Iterator<String> {
        private final Run run;
        private String next;

        private Streamed(Run run) {
            this.run = run;
        }

        @Override
        public boolean hasNext() {
            while (next == null) {
                String p = run.next();
                if (p == null) return false;
                if (!p.isEmpty()) next = p;
            }
            return true;
        }

        @Override
        public String next() {
            if (!hasNext()) throw new NoSuchElementException();
            String p = next;
            next = null;
            return p;
        }

        public Stream<String> asStream() {
            return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED), false);
        }

        /** The stats; only once the generation has ended. */
        public GenerationStats stats() {
            return run.stats();
        }
    }

    /** One generation, advanced a token at a time. */
    private final class Run {
        private final int[] prompt;
        private final GenerationOptions options;
        private final Sampler sampler;
        private final StreamingDecoder decoder = tokenizer.streamingDecoder();
        private final StopMatcher stops;
        private final long start = System.nanoTime();
        private long prefillEnd, firstToken;
        private int generated;
        private int reused;
        private boolean prefilled;
        private StopReason reason;
        private Logits logits;
        private GenerationStats stats;

        Run(int[] prompt, GenerationOptions options) {
            this.prompt = Objects.requireNonNull(prompt, "prompt").clone();
            this.options = Objects.requireNonNull(options, "options");
            if (prompt.length == 0 && session.position() == 0) {
                throw new IllegalArgumentException("empty prompt: a fresh session needs at least one token");
            }
            this.sampler = new Sampler(options.sampler(), session.model().params().nVocab());
            this.stops = new StopMatcher(options.stopStrings());
            cancelled = false;
        }

        /** The next piece of text (maybe empty), or null when the generation is over. */
        String next() {
            if (reason != null) return null;
            if (!prefilled) {
                prefill();
                if (reason != null) return finish();
            }
            if (cancelled) return stop(StopReason.CANCELLED);
            int token = sampler.sample(logits);
            sampler.accept(token);
            if (generated == 0) firstToken = System.nanoTime();
            generated++;
            logits = session.eval(token);
            if (options.stopAtEog() && tokenizer.isEog(token)) return stop(StopReason.END_OF_GENERATION);
            StopMatcher.Result r = stops.feed(decoder.feed(token));
            if (r.stopped()) {
                reason = StopReason.STOP_STRING;
                String text = r.text();
                finish();
                return text;
            }
            if (generated >= options.maxTokens()) {
                reason = StopReason.MAX_TOKENS;
                return r.text() + finish();
            }
            return r.text();
        }

        private void prefill() {
            prefilled = true;
            boolean cached = promptCache != null && session.position() == 0 && prompt.length > 0;
            if (cached) {
                reused = promptCache.restoreLongestPrefix(session, prompt);
                if (reused == prompt.length) logits = session.logits();
            }
            for (int i = reused; i < prompt.length; i += PREFILL_CHUNK) {
                if (cancelled) {
                    reason = StopReason.CANCELLED;
                    break;
                }
                int n = Math.min(PREFILL_CHUNK, prompt.length - i);
                int[] part = java.util.Arrays.copyOfRange(prompt, i, i + n);
                if (i + n < prompt.length) session.feed(part);
                else logits = session.eval(part);
            }
            if (cached && reason == null && reused < prompt.length) promptCache.put(session);
            for (int t : prompt) sampler.accept(t);
            if (prompt.length == 0) logits = session.logits();
            prefillEnd = System.nanoTime();
        }

        private String stop(StopReason why) {
            reason = why;
            return finish();
        }

        /** Ends the run: the text held back for stop strings or partial characters comes out. */
        private String finish() {
            long end = System.nanoTime();
            if (prefillEnd == 0) prefillEnd = end;
            long first = generated > 0 ? firstToken : end;
            stats = new GenerationStats(prompt.length, generated, Duration.ofNanos(prefillEnd - start),
                    Duration.ofNanos(first - start), Duration.ofNanos(end - first), reason, reused);
            if (reason == StopReason.STOP_STRING) return "";
            StopMatcher.Result tail = stops.feed(decoder.flush());
            return tail.text() + (tail.stopped() ? "" : stops.flush());
        }

        GenerationStats stats() {
            if (stats == null) throw new IllegalStateException("the generation has not ended yet");
            return stats;
        }
    }
}
