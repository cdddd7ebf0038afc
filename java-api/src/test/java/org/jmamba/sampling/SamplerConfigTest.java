package org.jmamba.sampling;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;

import org.junit.jupiter.api.Test;

class SamplerConfigTest {

    @Test
    void defaultsAreLlamaCppDefaults() {
        SamplerConfig d = SamplerConfig.defaults();
        assertEquals(0.8f, d.temperature());
        assertEquals(40, d.topK());
        assertEquals(0.95f, d.topP());
        assertEquals(0.05f, d.minP());
        assertEquals(1.0f, d.repeatPenalty());
        assertEquals(64, d.repeatLastN());
        assertEquals(0f, d.frequencyPenalty());
        assertEquals(0f, d.presencePenalty());
        assertFalse(d.isGreedy());
        assertFalse(d.hasPenalties());
    }

    @Test
    void greedyIsTemperatureZeroWithEverythingElseOff() {
        SamplerConfig g = SamplerConfig.greedy();
        assertTrue(g.isGreedy());
        assertEquals(0, g.topK());
        assertEquals(1f, g.topP());
        assertEquals(0f, g.minP());
        assertFalse(g.hasPenalties());
    }

    @Test
    void withersChangeOneField() {
        SamplerConfig base = SamplerConfig.greedy();
        assertEquals(new SamplerConfig(0.5f, 0, 1f, 0f, 1f, 64, 0f, 0f, 0L), base.withTemperature(0.5f));
        assertEquals(new SamplerConfig(0f, 7, 1f, 0f, 1f, 64, 0f, 0f, 0L), base.withTopK(7));
        assertEquals(new SamplerConfig(0f, 0, 0.5f, 0f, 1f, 64, 0f, 0f, 0L), base.withTopP(0.5f));
        assertEquals(new SamplerConfig(0f, 0, 1f, 0.1f, 1f, 64, 0f, 0f, 0L), base.withMinP(0.1f));
        assertEquals(new SamplerConfig(0f, 0, 1f, 0f, 1.2f, 64, 0f, 0f, 0L), base.withRepeatPenalty(1.2f));
        assertEquals(new SamplerConfig(0f, 0, 1f, 0f, 1f, -1, 0f, 0f, 0L), base.withRepeatLastN(-1));
        assertEquals(new SamplerConfig(0f, 0, 1f, 0f, 1f, 64, 0.3f, 0f, 0L), base.withFrequencyPenalty(0.3f));
        assertEquals(new SamplerConfig(0f, 0, 1f, 0f, 1f, 64, 0f, -0.4f, 0L), base.withPresencePenalty(-0.4f));
        assertEquals(new SamplerConfig(0f, 0, 1f, 0f, 1f, 64, 0f, 0f, 99L), base.withSeed(99L));
    }

    @Test
    void hasPenaltiesNeedsAWindowAndANonNeutralPenalty() {
        SamplerConfig g = SamplerConfig.greedy();
        assertTrue(g.withRepeatPenalty(1.1f).hasPenalties());
        assertTrue(g.withFrequencyPenalty(0.1f).hasPenalties());
        assertTrue(g.withPresencePenalty(0.1f).hasPenalties());
        assertFalse(g.withRepeatPenalty(1.1f).withRepeatLastN(0).hasPenalties());
    }

    private static void assertRejected(String field, String value, Supplier<SamplerConfig> make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make::get);
        assertTrue(e.getMessage().startsWith(field + " = " + value), e.getMessage());
    }

    @Test
    void invalidValuesAreRejectedNamingFieldAndValue() {
        SamplerConfig g = SamplerConfig.greedy();
        assertRejected("temperature", "-0.1", () -> g.withTemperature(-0.1f));
        assertRejected("temperature", "NaN", () -> g.withTemperature(Float.NaN));
        assertRejected("temperature", "Infinity", () -> g.withTemperature(Float.POSITIVE_INFINITY));
        assertRejected("topK", "-1", () -> g.withTopK(-1));
        assertRejected("topP", "0.0", () -> g.withTopP(0f));
        assertRejected("topP", "1.5", () -> g.withTopP(1.5f));
        assertRejected("topP", "NaN", () -> g.withTopP(Float.NaN));
        assertRejected("minP", "-0.01", () -> g.withMinP(-0.01f));
        assertRejected("minP", "1.01", () -> g.withMinP(1.01f));
        assertRejected("repeatPenalty", "0.0", () -> g.withRepeatPenalty(0f));
        assertRejected("repeatPenalty", "-1.0", () -> g.withRepeatPenalty(-1f));
        assertRejected("repeatPenalty", "NaN", () -> g.withRepeatPenalty(Float.NaN));
        assertRejected("repeatLastN", "-2", () -> g.withRepeatLastN(-2));
        assertRejected("frequencyPenalty", "NaN", () -> g.withFrequencyPenalty(Float.NaN));
        assertRejected("presencePenalty", "-Infinity", () -> g.withPresencePenalty(Float.NEGATIVE_INFINITY));
    }

    /** The edges of each range are accepted, kept as given, and sample as their meaning says. */
    @Test
    void boundaryValuesAreAcceptedAndMeanWhatTheySay() {
        SamplerConfig g = SamplerConfig.greedy();
        SamplerConfig c = g.withTopP(1f).withMinP(0f).withRepeatLastN(-1).withTopK(0).withTemperature(0f)
                .withRepeatPenalty(0.5f);
        assertEquals(1f, c.topP());
        assertEquals(0f, c.minP());
        assertEquals(-1, c.repeatLastN());
        assertEquals(0, c.topK());
        assertEquals(0.5f, c.repeatPenalty());
        assertTrue(c.isGreedy(), "temperature 0 is greedy");
        assertTrue(c.hasPenalties(), "repeat penalty 0.5 is a penalty");
        assertEquals(0, g.withRepeatLastN(0).repeatLastN());
        assertEquals(1f, g.withMinP(1f).minP());
        assertEquals(Float.MIN_VALUE, g.withTopP(Float.MIN_VALUE).topP());

        // a flat-ish distribution with one clear favourite (id 3) and a runner-up (id 5)
        float[] logits = {0f, 0.5f, 0.2f, 3f, 0.1f, 2.9f, -1f, 0.3f};
        SamplerConfig warm = SamplerConfig.defaults().withTemperature(1f).withTopK(0).withTopP(1f).withMinP(0f).withSeed(7);
        // top-p at its smallest keeps only the most likely token, min-p 1 only tokens as likely as it
        for (SamplerConfig only : new SamplerConfig[] {warm.withTopP(Float.MIN_VALUE), warm.withMinP(1f)}) {
            Sampler s = new Sampler(only, logits.length);
            for (int i = 0; i < 200; i++) assertEquals(3, s.sample(logits.clone()), only.toString());
        }
        // top-p 1 and min-p 0 cut nothing: over many draws every token turns up
        Sampler all = new Sampler(warm, logits.length);
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        for (int i = 0; i < 5000; i++) seen.add(all.sample(logits.clone()));
        assertEquals(logits.length, seen.size(), "tokens drawn with nothing cut: " + seen);
        // top-k 0 is no limit either, and greedy picks the argmax
        assertEquals(3, new Sampler(c, logits.length).sample(logits.clone()));
    }
}
