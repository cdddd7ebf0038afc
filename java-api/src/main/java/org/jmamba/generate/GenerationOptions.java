package org.jmamba.generate;

import java.util.List;
import org.jmamba.sampling.SamplerConfig;

/**
 * How to generate: at most maxTokens new tokens, sampled with sampler; generation stops early at
 * an end-of-generation token (when stopAtEog) or when the text produced contains one of
 * stopStrings (the stop string itself is not emitted).
 */
public record GenerationOptions(int maxTokens, SamplerConfig sampler, List<String> stopStrings, boolean stopAtEog) {
    public GenerationOptions {
        if (maxTokens <= 0) throw new IllegalArgumentException("maxTokens = " + maxTokens + " must be positive");
        if (sampler == null) throw new IllegalArgumentException("sampler config is null");
        stopStrings = List.copyOf(stopStrings);
        for (String s : stopStrings) {
            if (s.isEmpty()) throw new IllegalArgumentException("empty stop string");
        }
    }

    public static GenerationOptions defaults() {
        return new GenerationOptions(256, SamplerConfig.defaults(), List.of(), true);
    }

    public GenerationOptions withMaxTokens(int n) {
        return new GenerationOptions(n, sampler, stopStrings, stopAtEog);
    }

    public GenerationOptions withSampler(SamplerConfig s) {
        return new GenerationOptions(maxTokens, s, stopStrings, stopAtEog);
    }

    public GenerationOptions withStopStrings(List<String> stops) {
        return new GenerationOptions(maxTokens, sampler, stops, stopAtEog);
    }
}
