package org.jmamba.sampling;

import java.security.SecureRandom;

/**
 * Settings of a {@link Sampler}: the parameters of llama.cpp's default sampler chain
 * (penalties, top-k, top-p, min-p, temperature, seeded draw).
 *
 * <p>Neutral values switch a stage off: {@code topK == 0}, {@code topP == 1}, {@code minP == 0},
 * {@code repeatPenalty == 1}, {@code frequencyPenalty == 0}, {@code presencePenalty == 0},
 * {@code repeatLastN == 0}. {@code temperature == 0} means greedy decoding (argmax after the
 * penalties, ties going to the lowest token id).
 *
 * @param temperature      divisor of the logits before the draw; {@code >= 0}, 0 = greedy
 * @param topK             keep only the {@code topK} most likely tokens; {@code >= 0}, 0 = off
 * @param topP             nucleus: keep the smallest set of most likely tokens whose probability sum
 *                         reaches {@code topP}; {@code 0 < topP <= 1}, 1 = off
 * @param minP             keep tokens whose probability is at least {@code minP} times the largest;
 *                         {@code 0 <= minP <= 1}, 0 = off
 * @param repeatPenalty    tokens seen in the window: positive logits are divided by it, negative ones
 *                         multiplied; {@code > 0}, 1 = off
 * @param repeatLastN      size of the penalty window in accepted tokens; {@code -1} = every token
 *                         accepted since the last reset, 0 = penalties off
 * @param frequencyPenalty subtracted from a token's logit once per occurrence in the window
 * @param presencePenalty  subtracted from a token's logit once if it occurs in the window
 * @param seed             seed of the random draw; the same seed gives the same token sequence
 */
public record SamplerConfig(float temperature, int topK, float topP, float minP,
                            float repeatPenalty, int repeatLastN, float frequencyPenalty, float presencePenalty,
                            long seed) {

    private static final SecureRandom SEEDS = new SecureRandom();

    public SamplerConfig {
        if (!(temperature >= 0f) || Float.isInfinite(temperature)) {
            throw invalid("temperature", temperature, "must be finite and >= 0");
        }
        if (topK < 0) {
            throw invalid("topK", topK, "must be >= 0 (0 = off)");
        }
        if (!(topP > 0f && topP <= 1f)) {
            throw invalid("topP", topP, "must be in (0, 1] (1 = off)");
        }
        if (!(minP >= 0f && minP <= 1f)) {
            throw invalid("minP", minP, "must be in [0, 1] (0 = off)");
        }
        if (!(repeatPenalty > 0f) || Float.isInfinite(repeatPenalty)) {
            throw invalid("repeatPenalty", repeatPenalty, "must be finite and > 0 (1 = off)");
        }
        if (repeatLastN < -1) {
            throw invalid("repeatLastN", repeatLastN, "must be >= -1 (-1 = whole history, 0 = off)");
        }
        if (!Float.isFinite(frequencyPenalty)) {
            throw invalid("frequencyPenalty", frequencyPenalty, "must be finite");
        }
        if (!Float.isFinite(presencePenalty)) {
            throw invalid("presencePenalty", presencePenalty, "must be finite");
        }
    }

    private static IllegalArgumentException invalid(String field, Object value, String rule) {
        return new IllegalArgumentException(field + " = " + value + ": " + rule);
    }

    /**
     * llama.cpp's defaults: temperature 0.8, top-k 40, top-p 0.95, min-p 0.05, no repetition
     * penalty (1.0, window 64), no frequency or presence penalty, and a random seed (llama.cpp's
     * {@code LLAMA_DEFAULT_SEED}). The random seed is drawn once here, so {@link Sampler#reset()}
     * replays the same sequence; use {@link #withSeed(long)} for a chosen one.
     */
    public static SamplerConfig defaults() {
        return new SamplerConfig(0.8f, 40, 0.95f, 0.05f, 1.0f, 64, 0.0f, 0.0f, SEEDS.nextLong());
    }

    /** Greedy decoding: always the most likely token (lowest id on ties); every filter off, seed 0. */
    public static SamplerConfig greedy() {
        return new SamplerConfig(0.0f, 0, 1.0f, 0.0f, 1.0f, 64, 0.0f, 0.0f, 0L);
    }

    /** True when temperature is 0: the draw is replaced by an argmax. */
    public boolean isGreedy() {
        return temperature == 0f;
    }

    /** True when some penalty would change a logit (window not 0 and some penalty not neutral). */
    public boolean hasPenalties() {
        return repeatLastN != 0
                && (repeatPenalty != 1f || frequencyPenalty != 0f || presencePenalty != 0f);
    }

    public SamplerConfig withTemperature(float temperature) {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed);
    }

    public SamplerConfig withTopK(int topK) {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed);
    }

    public SamplerConfig withTopP(float topP) {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed);
    }

    public SamplerConfig withMinP(float minP) {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed);
    }

    public SamplerConfig withRepeatPenalty(float repeatPenalty) {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed);
    }

    public SamplerConfig withRepeatLastN(int repeatLastN) {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed);
    }

    public SamplerConfig withFrequencyPenalty(float frequencyPenalty) {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed);
    }

    public SamplerConfig withPresencePenalty(float presencePenalty) {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed);
    }

    public SamplerConfig withSeed(long seed) {
        return new SamplerConfig(temperature, topK, topP, minP, repeatPenalty, repeatLastN,
                frequencyPenalty, presencePenalty, seed);
    }
}
