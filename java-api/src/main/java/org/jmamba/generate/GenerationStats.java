package org.jmamba.generate;

import java.time.Duration;

/** What one generation did and how fast. */
public record GenerationStats(int promptTokens, int generatedTokens, Duration prefillTime, Duration timeToFirstToken,
                              Duration decodeTime, StopReason stopReason) {

    /** Prompt tokens per second of prefill. */
    public double prefillTokensPerSecond() {
        return rate(promptTokens, prefillTime);
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
        return String.format("prompt %d tokens (%.1f tok/s), generated %d tokens (%.1f tok/s), first token after %d ms, stop: %s",
                promptTokens, prefillTokensPerSecond(), generatedTokens, decodeTokensPerSecond(),
                timeToFirstToken.toMillis(), stopReason.name().toLowerCase().replace('_', ' '));
    }
}
