package org.jmamba.server;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import org.jmamba.DecodeScheduler;
import org.jmamba.server.cache.PromptPrefixCache;

/** The server's counters and gauges, written in Prometheus' text format for GET /metrics. */
final class Metrics {
    private static final int WINDOW_SECONDS = 10;

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>(); // by route and status
    final LongAdder promptTokens = new LongAdder();
    final LongAdder generatedTokens = new LongAdder();
    final LongAdder cancelled = new LongAdder();
    final LongAdder rejected = new LongAdder();
    final AtomicLong inFlight = new AtomicLong();
    private final LongAdder ttftNanos = new LongAdder();
    private final LongAdder ttftCount = new LongAdder();
    // generated tokens per second of the last WINDOW_SECONDS seconds, a bucket per second
    private final AtomicLongArray bucketSecond = new AtomicLongArray(WINDOW_SECONDS);
    private final AtomicLongArray bucketTokens = new AtomicLongArray(WINDOW_SECONDS);

    /** The routes counted by name; any other path counts as "other", so clients cannot grow the label set. */
    private static final java.util.Set<String> ROUTES = java.util.Set.of("/v1/chat/completions", "/v1/completions",
            "/v1/models", "/health", "/metrics");

    void request(String route, int status) {
        String r = ROUTES.contains(route) ? route : route.startsWith("/v1/models/") ? "/v1/models" : "other";
        requests.computeIfAbsent(r + "\u0000" + status, k -> new LongAdder()).increment();
    }

    void token() {
        generatedTokens.increment();
        long sec = System.nanoTime() / 1_000_000_000L;
        int i = (int) (sec % WINDOW_SECONDS);
        long was = bucketSecond.get(i);
        if (was != sec && bucketSecond.compareAndSet(i, was, sec)) bucketTokens.set(i, 0);
        bucketTokens.incrementAndGet(i);
    }

    void firstToken(long nanos) {
        ttftNanos.add(nanos);
        ttftCount.increment();
    }

    private double tokensPerSecond() {
        long now = System.nanoTime() / 1_000_000_000L, sum = 0;
        for (int i = 0; i < WINDOW_SECONDS; i++) {
            long s = bucketSecond.get(i);
            if (s < now && now - s <= WINDOW_SECONDS) sum += bucketTokens.get(i); // whole seconds only
        }
        return sum / (double) WINDOW_SECONDS;
    }

    String render(DecodeScheduler.Stats s, PromptPrefixCache cache, int parallel) {
        StringBuilder b = new StringBuilder();
        b.append("# HELP jmamba_requests_total HTTP requests answered, by route and status.\n");
        b.append("# TYPE jmamba_requests_total counter\n");
        requests.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> {
            String[] k = e.getKey().split("\u0000");
            b.append("jmamba_requests_total{route=\"").append(k[0]).append("\",status=\"").append(k[1]).append("\"} ")
                    .append(e.getValue().sum()).append('\n');
        });
        counter(b, "jmamba_prompt_tokens_total", "Prompt tokens of accepted requests.", promptTokens.sum());
        counter(b, "jmamba_generated_tokens_total", "Tokens generated.", generatedTokens.sum());
        counter(b, "jmamba_requests_cancelled_total", "Generations ended because the client went away.", cancelled.sum());
        counter(b, "jmamba_requests_rejected_total", "Requests refused because the queue was full.", rejected.sum());
        counter(b, "jmamba_decode_steps_total", "Batched model steps run.", s.steps());
        counter(b, "jmamba_prompt_cache_hits_total", "Requests that started from a cached prompt prefix.", cache.hits());
        counter(b, "jmamba_prompt_cache_misses_total", "Requests that found no cached prefix.", cache.misses());
        gauge(b, "jmamba_tokens_per_second", "Tokens generated per second over the last " + WINDOW_SECONDS + " s.", tokensPerSecond());
        gauge(b, "jmamba_sequences_active", "Sequences in the batched decode loop now.", s.running());
        gauge(b, "jmamba_sequences_max", "Sequences the decode loop runs at once (--parallel).", parallel);
        gauge(b, "jmamba_queue_length", "Requests waiting for a sequence slot.", s.waiting());
        gauge(b, "jmamba_requests_in_flight", "Requests being answered.", inFlight.get());
        gauge(b, "jmamba_prompt_cache_bytes", "Bytes of cached prompt states.", cache.bytes());
        long n = ttftCount.sum();
        gauge(b, "jmamba_time_to_first_token_seconds_avg", "Mean time from request to first token.",
                n == 0 ? 0 : ttftNanos.sum() / 1e9 / n);
        return b.toString();
    }

    private static void counter(StringBuilder b, String name, String help, long v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" counter\n").append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder b, String name, String help, double v) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" gauge\n").append(name).append(' ');
        if (v == Math.rint(v)) b.append((long) v);
        else b.append(v);
        b.append('\n');
    }
}
