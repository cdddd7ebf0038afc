package org.jmamba.server.generation;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.jmamba.DecodeScheduler;
import org.jmamba.Logits;
import org.jmamba.chat.StopMatcher;
import org.jmamba.sampling.Sampler;
import org.jmamba.sampling.SamplerConfig;
import org.jmamba.tokenizer.StreamingDecoder;
import org.jmamba.tokenizer.Tokenizer;

/**
 * One request's generation as the scheduler runs it: each set of logits is sampled, the token
 * decoded to text, stop strings and limits checked, and the text handed to the request's thread
 * through a queue. It never blocks the scheduler: a client that reads slowly only lets its own
 * queue grow (bounded by max_tokens).
 */
public final class Generation implements DecodeScheduler.Step {

    /** Why a generation ended, as OpenAI's finish_reason says it. */
    public enum Finish {
        STOP("stop"), LENGTH("length");

        public final String wire;

        Finish(String wire) {
            this.wire = wire;
        }
    }

    /** What the request's thread receives. */
    public sealed interface Event {
        record Text(String text) implements Event {}

        record Done(Finish finish, int completionTokens) implements Event {}

        record Failed(Throwable error) implements Event {}
    }

    /** Told of every generated token, for the metrics; runs on the scheduler thread. */
    public interface Listener {
        void token(Generation g);

        /** The state of the session now holds exactly the prompt (the first call only). */
        default void promptDone(Generation g) {}
    }

    private final Tokenizer tokenizer;
    private final Sampler sampler;
    private final StreamingDecoder decoder;
    private final StopMatcher stops;
    private final int maxTokens;
    private final int promptTokens;
    private final Listener listener;
    private final int[] biasIds;
    private final float[] biasValues;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final long created = System.nanoTime();
    private volatile long firstTokenNanos;
    private volatile boolean finished;
    private int generated;
    private boolean started;

    public Generation(Tokenizer tokenizer, int vocab, int[] prompt, SamplerConfig sampling, List<String> stopStrings,
                      int maxTokens, Map<Integer, Float> logitBias, Listener listener) {
        this.tokenizer = tokenizer;
        this.sampler = new Sampler(sampling, vocab);
        this.decoder = tokenizer.streamingDecoder();
        this.stops = new StopMatcher(stopStrings);
        this.maxTokens = maxTokens;
        this.promptTokens = prompt.length;
        this.listener = listener;
        this.biasIds = logitBias.keySet().stream().mapToInt(Integer::intValue).toArray();
        this.biasValues = new float[biasIds.length];
        for (int i = 0; i < biasIds.length; i++) biasValues[i] = logitBias.get(biasIds[i]);
        for (int t : prompt) sampler.accept(t); // the penalty window starts with the prompt
    }

    public int promptTokens() {
        return promptTokens;
    }

    /** Nanoseconds from creation to the first generated token, or -1 before it. */
    public long timeToFirstTokenNanos() {
        long f = firstTokenNanos;
        return f == 0 ? -1 : f - created;
    }

    @Override
    public int next(Logits logits) {
        if (!started) {
            started = true;
            listener.promptDone(this);
        }
        int token = biasIds.length == 0 ? sampler.sample(logits) : sampler.sample(biased(logits));
        sampler.accept(token);
        if (generated++ == 0) firstTokenNanos = System.nanoTime();
        listener.token(this);
        if (tokenizer.isEog(token)) return finish(Finish.STOP, "");
        StopMatcher.Result r = stops.feed(decoder.feed(token));
        if (r.stopped()) {
            emit(r.text());
            return done(Finish.STOP);
        }
        if (generated >= maxTokens) return finish(Finish.LENGTH, r.text());
        emit(r.text());
        return token;
    }

    /** A logit no token wins or is drawn with (the sampler refuses infinities). */
    private static final float BANNED = -1e30f;

    /** OpenAI's logit_bias: added to the logits; -100 bans a token. */
    private float[] biased(Logits logits) {
        float[] l = logits.toArray();
        for (int i = 0; i < biasIds.length; i++) {
            l[biasIds[i]] = biasValues[i] <= -100f ? BANNED : l[biasIds[i]] + biasValues[i];
        }
        return l;
    }

    /** Emits what is held back (a partial character, a possible stop string's start), then Done. */
    private int finish(Finish why, String text) {
        StopMatcher.Result tail = stops.feed(decoder.flush());
        emit(text + tail.text() + (tail.stopped() ? "" : stops.flush()));
        return done(why);
    }

    /**
     * Marks the generation finished before its Done event is queued: whoever polls Done sees the
     * mark, though the scheduler ends the job (and completes its future) a moment later.
     */
    private int done(Finish why) {
        finished = true;
        events.add(new Event.Done(why, generated));
        return DecodeScheduler.STOP;
    }

    private void emit(String text) {
        if (!text.isEmpty()) events.add(new Event.Text(text));
    }

    /**
     * True once the generation ended by itself (an end-of-generation token, a stop string,
     * max_tokens): its job then ends without a cancel, even while its future is not yet complete.
     */
    public boolean finished() {
        return finished;
    }

    /** Called when the scheduler job failed. */
    public void failed(Throwable t) {
        events.add(new Event.Failed(t));
    }

    /** The next event, waiting at most the given time; null on timeout. */
    public Event poll(long timeout, TimeUnit unit) throws InterruptedException {
        return events.poll(timeout, unit);
    }
}
