package org.jmamba.generate;

import java.time.Duration;

/**
 * What one generation did and how fast.
 *
 * @param reusedPromptTokens prompt tokens restored from a {@link org.jmamba.PromptCache} instead of evaluated
 */
public record GenerationStats(int promptTokens, int generatedTokens, Duration prefillTime, Duration timeToFirstToken,
                              Duration decodeTime, StopReason stopReason, int reusedPromptTokens) {

    public GenerationStats(int promptTokens, int generatedTokens, Duration prefillTime, Duration timeToFirstToken,
                           Duration decodeTime, StopReason stopReason) {
        this(promptTokens, generatedTokens, prefillTime, timeToFirstToken, decodeTime, stopReason, 0);
    }

    /** Prompt tokens evaluated (not reused) per second of prefill. */
    public double prefillTokensPerSecond() {
        return rate(promptTokens - reusedPromptTokens, prefillTime);
    }

    /** Generated tokens per second, counted after the first token. */
    public double decodeTokensPerSecond() {
        return rate(Math.max(0, generatedTokens - 1), decodeTime);
    }

    private static double rate(int n, Duration d) {
        double s = d.toNanos() / 1e9;
        return s > 0 ? n / s : 0;
    }

    /** One line for a terminal. */
    public String summary() {
        String reused = reusedPromptTokens > 0 ? reusedPromptTokens + " reused from the cache, " : "";
        return String.format("prompt %d tokens (%s%.1f tok/s), generated %d tokens (%.1f tok/s), first token after %d ms, stop: %s",
                promptTokens, reused, prefillTokensPerSecond(), generatedTokens, decodeTokensPerSecond(),
                timeToFirstToken.toMillis(), stopReason.name().toLowerCase().replace('_', ' '));
    }
}
