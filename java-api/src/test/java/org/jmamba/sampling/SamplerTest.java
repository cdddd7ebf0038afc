package org.jmamba.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.SplittableRandom;

import org.jmamba.sampling.Sampler.Stage;
import org.junit.jupiter.api.Test;

class SamplerTest {

    /** Every filter off, plain softmax draw at temperature 1, no penalties. */
    private static final SamplerConfig PLAIN =
            new SamplerConfig(1f, 0, 1f, 0f, 1f, 64, 0f, 0f, 42L);

    private static int[] ids(Sampler s) {
        int[] r = new int[s.candidateCount()];
        for (int i = 0; i < r.length; i++) {
            r[i] = s.candidateId(i);
        }
        return r;
    }

    private static int[] sortedIds(Sampler s) {
        int[] r = ids(s);
        Arrays.sort(r);
        return r;
    }

    private static float[] logits(Sampler s) {
        float[] r = new float[s.candidateCount()];
        for (int i = 0; i < r.length; i++) {
            r[i] = s.candidateLogit(i);
        }
        return r;
    }

    // ------------------------------------------------------------ hand-computed stages

    /*
     * Six logits, ids 0..5:  1.0  3.0  2.0  -1.0  2.5  0.5
     * top-k 4      -> ids 1, 4, 2, 0 (logits 3.0, 2.5, 2.0, 1.0)
     * softmax of those: exp(0), exp(-0.5), exp(-1), exp(-2) = 1, 0.60653, 0.36788, 0.13534; sum 2.10975
     *                   p = 0.47399, 0.28749, 0.17437, 0.06415; running sum 0.47399, 0.76148, 0.93585
     * top-p 0.9    -> stops at the third (0.93585 >= 0.9): ids 1, 4, 2
     * min-p 0.4    -> keep logit >= 3.0 + ln 0.4 = 2.08371: ids 1, 4 (id 2's ratio 0.36788 < 0.4)
     * temperature 2 -> logits 1.5, 1.25; p = 1 / (1 + exp(-0.25)) = 0.562177, 0.437823
     */
    private static final float[] SIX = {1.0f, 3.0f, 2.0f, -1.0f, 2.5f, 0.5f};
    private static final SamplerConfig CHAIN = new SamplerConfig(2f, 4, 0.9f, 0.4f, 1f, 64, 0f, 0f, 7L);

    @Test
    void candidatesAfterEachStageMatchHandComputation() {
        Sampler s = new Sampler(CHAIN, 6);

        s.runThrough(SIX, Stage.PENALTIES);
        assertArrayEquals(new int[] {0, 1, 2, 3, 4, 5}, ids(s));
        assertArrayEquals(SIX, logits(s));

        s.runThrough(SIX, Stage.TOP_K);
        assertArrayEquals(new int[] {1, 4, 2, 0}, ids(s));
        assertArrayEquals(new float[] {3.0f, 2.5f, 2.0f, 1.0f}, logits(s));

        s.runThrough(SIX, Stage.TOP_P);
        assertArrayEquals(new int[] {1, 4, 2}, ids(s));

        s.runThrough(SIX, Stage.MIN_P);
        assertArrayEquals(new int[] {1, 4}, ids(s));

        s.runThrough(SIX, Stage.TEMPERATURE);
        assertArrayEquals(new int[] {1, 4}, ids(s));
        assertArrayEquals(new float[] {1.5f, 1.25f}, logits(s));

        double[] p = softmax(logits(s));
        assertEquals(0.562177, p[0], 1e-6);
        assertEquals(0.437823, p[1], 1e-6);
    }

    @Test
    void topPKeepsTheTokenThatCrossesTheThreshold() {
        // p = 0.47399, 0.28749, ...: the running sum reaches 0.7 only with the second token.
        Sampler s = new Sampler(CHAIN.withTopP(0.7f).withMinP(0f), 6);
        s.runThrough(SIX, Stage.TOP_P);
        assertArrayEquals(new int[] {1, 4}, ids(s));
        // 0.47 >= 0.4: the first token alone is enough.
        s = new Sampler(CHAIN.withTopP(0.4f).withMinP(0f), 6);
        s.runThrough(SIX, Stage.TOP_P);
        assertArrayEquals(new int[] {1}, ids(s));
        // A tiny p still keeps one token.
        s = new Sampler(CHAIN.withTopP(1e-6f).withMinP(0f), 6);
        s.runThrough(SIX, Stage.TOP_P);
        assertArrayEquals(new int[] {1}, ids(s));
    }

    @Test
    void topPWithoutTopKUsesTheSoftmaxOfTheWholeVocabulary() {
        // Softmax over all six: exps 0.13534, 1, 0.36788, 0.01832, 0.60653, 0.08208; sum 2.21015
        // sorted p: 0.45246 (id 1), 0.27443 (4), 0.16645 (2), 0.06124 (0), 0.03714 (5), 0.00829 (3)
        // running: 0.45246, 0.72689, 0.89334, 0.95458, 0.99172 -> top-p 0.95 keeps 4 tokens
        // (without top-k the kept tokens come out in no particular order)
        Sampler s = new Sampler(PLAIN.withTopP(0.95f), 6);
        s.runThrough(SIX, Stage.TOP_P);
        assertArrayEquals(new int[] {0, 1, 2, 4}, sortedIds(s));
        s = new Sampler(PLAIN.withTopP(0.96f), 6);
        s.runThrough(SIX, Stage.TOP_P);
        assertArrayEquals(new int[] {0, 1, 2, 4, 5}, sortedIds(s));
        s = new Sampler(PLAIN.withTopP(0.45f), 6);
        s.runThrough(SIX, Stage.TOP_P);
        assertArrayEquals(new int[] {1}, sortedIds(s));
        // then min-p 0.3 on that unsorted set: threshold 3.0 + ln 0.3 = 1.79603 drops ids 0 and 5
        s = new Sampler(PLAIN.withTopP(0.96f).withMinP(0.3f), 6);
        s.runThrough(SIX, Stage.MIN_P);
        assertArrayEquals(new int[] {1, 2, 4}, sortedIds(s));
    }

    @Test
    void minPWithoutOtherFiltersKeepsTokensInIdOrder() {
        // threshold 3.0 + ln 0.3 = 1.79603: ids 1 (3.0), 2 (2.0), 4 (2.5)
        Sampler s = new Sampler(PLAIN.withMinP(0.3f), 6);
        s.runThrough(SIX, Stage.MIN_P);
        assertArrayEquals(new int[] {1, 2, 4}, ids(s));
        // min-p 1 keeps only the maximum
        s = new Sampler(PLAIN.withMinP(1f), 6);
        s.runThrough(SIX, Stage.MIN_P);
        assertArrayEquals(new int[] {1}, ids(s));
    }

    @Test
    void topKBreaksTiesByLowestId() {
        float[] l = {1f, 3f, 2f, 3f, 0f, 3f};
        Sampler s = new Sampler(PLAIN.withTopK(2), 6);
        s.runThrough(l, Stage.TOP_K);
        assertArrayEquals(new int[] {1, 3}, ids(s));
        s = new Sampler(PLAIN.withTopK(4), 6);
        s.runThrough(l, Stage.TOP_K);
        assertArrayEquals(new int[] {1, 3, 5, 2}, ids(s));
        // k >= vocabulary keeps every token
        s = new Sampler(PLAIN.withTopK(6), 6);
        s.runThrough(l, Stage.TOP_K);
        assertEquals(6, s.candidateCount());
        s = new Sampler(PLAIN.withTopK(100), 6);
        s.runThrough(l, Stage.TOP_K);
        assertEquals(6, s.candidateCount());
    }

    @Test
    void topKTreatsNegativeAndPositiveZeroAsEqual() {
        float[] l = {-1f, -0.0f, 0.0f, -0.0f};
        Sampler s = new Sampler(PLAIN.withTopK(2), 4);
        s.runThrough(l, Stage.TOP_K);
        assertArrayEquals(new int[] {1, 2}, ids(s));
    }

    // ------------------------------------------------------------ penalties

    /*
     * logits 2.0 -1.0 0.5 1.0 0.0; window 4; accepted 2, 0, 1, 0, 0 -> window [0, 1, 0, 0]
     * counts: token 0 three times, token 1 once; token 2 has left the window.
     * repeat 2, frequency 0.1, presence 0.5:
     *   token 0:  2.0 / 2 = 1.0,  minus 3 * 0.1 + 0.5 = 0.8  -> 0.2
     *   token 1: -1.0 * 2 = -2.0, minus 1 * 0.1 + 0.5 = 0.6  -> -2.6
     */
    @Test
    void penaltiesOnAHandMadeHistory() {
        SamplerConfig c = PLAIN.withRepeatPenalty(2f).withRepeatLastN(4)
                .withFrequencyPenalty(0.1f).withPresencePenalty(0.5f);
        Sampler s = new Sampler(c, 5);
        for (int t : new int[] {2, 0, 1, 0, 0}) {
            s.accept(t);
        }
        s.runThrough(new float[] {2.0f, -1.0f, 0.5f, 1.0f, 0.0f}, Stage.PENALTIES);
        float[] got = logits(s);
        assertEquals(0.2f, got[0], 1e-6f);
        assertEquals(-2.6f, got[1], 1e-6f);
        assertEquals(0.5f, got[2]);
        assertEquals(1.0f, got[3]);
        assertEquals(0.0f, got[4]);
    }

    @Test
    void repeatPenaltyMultipliesZeroAndNegativeLogits() {
        Sampler s = new Sampler(PLAIN.withRepeatPenalty(1.5f), 3);
        s.accept(0);
        s.accept(1);
        s.accept(2);
        s.runThrough(new float[] {0.0f, -2.0f, 3.0f}, Stage.PENALTIES);
        assertArrayEquals(new float[] {0.0f, -3.0f, 2.0f}, logits(s));
    }

    @Test
    void windowOfMinusOneCountsEveryAcceptedToken() {
        Sampler s = new Sampler(PLAIN.withRepeatLastN(-1).withFrequencyPenalty(1f), 3);
        for (int i = 0; i < 1000; i++) {
            s.accept(i % 2); // 500 times token 0, 500 times token 1
        }
        s.accept(0);
        s.runThrough(new float[] {0f, 0f, 0f}, Stage.PENALTIES);
        assertArrayEquals(new float[] {-501f, -500f, 0f}, logits(s));
    }

    @Test
    void windowZeroOrNeutralPenaltiesChangeNothing() {
        float[] l = {2.0f, -1.0f, 0.5f};
        for (SamplerConfig c : new SamplerConfig[] {
                PLAIN.withRepeatPenalty(2f).withRepeatLastN(0),
                PLAIN.withRepeatLastN(8)}) {
            Sampler s = new Sampler(c, 3);
            s.accept(0);
            s.accept(1);
            s.runThrough(l, Stage.PENALTIES);
            assertArrayEquals(l, logits(s));
        }
    }

    @Test
    void penaltiesDoNotLeakIntoTheCallersArrayAndRepeatIdentically() {
        float[] l = {2.0f, 1.0f};
        float[] copy = l.clone();
        Sampler s = new Sampler(PLAIN.withRepeatPenalty(4f), 2);
        s.accept(0);
        s.runThrough(l, Stage.PENALTIES);
        s.runThrough(l, Stage.PENALTIES);
        assertArrayEquals(new float[] {0.5f, 1.0f}, logits(s)); // penalised once, not twice
        assertArrayEquals(copy, l);
    }

    @Test
    void resetForgetsTheHistory() {
        Sampler s = new Sampler(PLAIN.withRepeatPenalty(2f).withRepeatLastN(2), 3);
        s.accept(0);
        s.accept(1);
        s.accept(2);
        s.reset();
        s.runThrough(new float[] {1f, 1f, 1f}, Stage.PENALTIES);
        assertArrayEquals(new float[] {1f, 1f, 1f}, logits(s));
        s.accept(1);
        s.runThrough(new float[] {1f, 1f, 1f}, Stage.PENALTIES);
        assertArrayEquals(new float[] {1f, 0.5f, 1f}, logits(s));
    }

    @Test
    void acceptRejectsTokensOutsideTheVocabulary() {
        Sampler s = new Sampler(PLAIN, 3);
        assertThrows(IllegalArgumentException.class, () -> s.accept(3));
        assertThrows(IllegalArgumentException.class, () -> s.accept(-1));
    }

    // ------------------------------------------------------------ greedy

    @Test
    void greedyPicksTheLowestIdAmongTies() {
        Sampler s = new Sampler(SamplerConfig.greedy(), 5);
        assertEquals(1, s.sample(new float[] {0f, 5f, 2f, 5f, 5f}));
        assertEquals(0, s.sample(new float[] {-1f, -1f, -1f, -1f, -1f}));
        assertEquals(4, s.sample(new float[] {0f, 1f, 2f, 3f, 4f}));
    }

    @Test
    void greedyComesAfterThePenalties() {
        Sampler s = new Sampler(SamplerConfig.greedy().withRepeatPenalty(2f), 3);
        float[] l = {3f, 2f, 1f};
        assertEquals(0, s.sample(l));
        s.accept(0); // 3 / 2 = 1.5 < 2
        assertEquals(1, s.sample(l));
        s.accept(1); // 2 / 2 = 1.0 ties with token 2's 1.0 -> lowest id wins
        assertEquals(0, s.sample(l));
    }

    @Test
    void greedyIgnoresTheOtherFilters() {
        Sampler s = new Sampler(SamplerConfig.defaults().withTemperature(0f), 4);
        assertEquals(2, s.sample(new float[] {0f, 1f, 9f, 8.9f}));
    }

    // ------------------------------------------------------------ statistics

    @Test
    void drawFrequenciesMatchTheComputedDistribution() {
        // CHAIN with min-p 0.3: ids 1, 4, 2 survive (ratios 1, 0.6065, 0.3679 >= 0.3); at temperature 2
        // their logits 1.5, 1.25, 1.0 give p proportional to 1, exp(-0.25), exp(-0.5):
        double[] expected = new double[6];
        double z = 1 + Math.exp(-0.25) + Math.exp(-0.5);
        expected[1] = 1 / z;                 // 0.419229
        expected[4] = Math.exp(-0.25) / z;   // 0.326496
        expected[2] = Math.exp(-0.5) / z;    // 0.254275
        Sampler s = new Sampler(CHAIN.withMinP(0.3f).withSeed(20240611L), 6);
        int n = 200_000;
        long[] observed = new long[6];
        for (int i = 0; i < n; i++) {
            observed[s.sample(SIX)]++;
        }
        assertEquals(0, observed[0] + observed[3] + observed[5], "filtered tokens were drawn");
        double chi2 = chiSquare(observed, expected, n);
        // 2 degrees of freedom; 13.82 is the 0.999 quantile. The seed is fixed: the result never changes.
        assertTrue(chi2 < 13.82, "chi-square " + chi2 + " observed " + Arrays.toString(observed));
        for (int id : new int[] {1, 4, 2}) {
            assertEquals(expected[id], observed[id] / (double) n, 0.004, "token " + id);
        }
    }

    @Test
    void drawWithEveryFilterOffFollowsTheSoftmax() {
        float[] l = {0.3f, -1.2f, 2.0f, 0.0f, 1.1f, -0.4f, 0.9f, -3.0f};
        double[] expected = softmax(l, 0.7);
        Sampler s = new Sampler(PLAIN.withTemperature(0.7f).withSeed(99L), l.length);
        int n = 200_000;
        long[] observed = new long[l.length];
        for (int i = 0; i < n; i++) {
            observed[s.sample(l)]++;
        }
        double chi2 = chiSquare(observed, expected, n);
        // 7 degrees of freedom; 24.32 is the 0.999 quantile.
        assertTrue(chi2 < 24.32, "chi-square " + chi2 + " observed " + Arrays.toString(observed));
    }

    private static double chiSquare(long[] observed, double[] expected, int n) {
        double chi2 = 0;
        for (int i = 0; i < observed.length; i++) {
            if (expected[i] > 0) {
                double e = expected[i] * n;
                chi2 += (observed[i] - e) * (observed[i] - e) / e;
            }
        }
        return chi2;
    }

    private static double[] softmax(float[] l) {
        return softmax(l, 1.0);
    }

    private static double[] softmax(float[] l, double temperature) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : l) {
            max = Math.max(max, v / temperature);
        }
        double[] p = new double[l.length];
        double sum = 0;
        for (int i = 0; i < l.length; i++) {
            p[i] = Math.exp(l[i] / temperature - max);
            sum += p[i];
        }
        for (int i = 0; i < l.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    // ------------------------------------------------------------ reproducibility

    private static int[] run(Sampler s, float[][] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = s.sample(rows[i]);
            s.accept(out[i]);
        }
        return out;
    }

    private static float[][] randomRows(int rows, int vocab, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[][] m = new float[rows][vocab];
        for (float[] row : m) {
            for (int j = 0; j < vocab; j++) {
                row[j] = (float) (r.nextDouble() * 8 - 4);
            }
        }
        return m;
    }

    @Test
    void sameSeedGivesTheSameSequenceAndResetReplaysIt() {
        float[][] rows = randomRows(200, 500, 1);
        SamplerConfig c = SamplerConfig.defaults().withTopK(0).withMinP(0f).withTemperature(1.5f)
                .withRepeatPenalty(1.1f).withSeed(123L);
        Sampler a = new Sampler(c, 500);
        int[] first = run(a, rows);
        int[] second = run(new Sampler(c, 500), rows);
        assertArrayEquals(first, second);
        a.reset();
        assertArrayEquals(first, run(a, rows));
        int[] other = run(new Sampler(c.withSeed(124L), 500), rows);
        assertNotEquals(Arrays.toString(first), Arrays.toString(other));
    }

    @Test
    void aFixedSeedGivesAFixedSequence() {
        // Pins the generator and the draw: a change here changes every seeded run.
        Sampler s = new Sampler(PLAIN.withSeed(1234567L), 4);
        float[] uniform = {0f, 0f, 0f, 0f};
        int[] got = new int[12];
        for (int i = 0; i < got.length; i++) {
            got[i] = s.sample(uniform);
        }
        // With equal weights the draw is floor(4 * u), u = (x >>> 11) * 2^-53 for the generator's x.
        Xoshiro256StarStar g = new Xoshiro256StarStar(1234567L);
        int[] expected = new int[12];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = (int) ((g.nextLong() >>> 11) * 0x1.0p-53 * 4);
        }
        assertArrayEquals(expected, got);
    }

    @Test
    void defaultsDrawARandomSeedOnce() {
        SamplerConfig a = SamplerConfig.defaults();
        SamplerConfig b = SamplerConfig.defaults();
        assertNotEquals(a.seed(), b.seed());
        float[][] rows = randomRows(50, 100, 5);
        Sampler s = new Sampler(a.withTopK(0).withMinP(0f).withTopP(1f), 100);
        int[] first = run(s, rows);
        s.reset();
        assertArrayEquals(first, run(s, rows));
    }

    // ------------------------------------------------------------ inputs

    @Test
    void nonFiniteLogitsAreRejectedByIndex() {
        Sampler s = new Sampler(PLAIN, 4);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> s.sample(new float[] {0f, 1f, Float.NaN, 0f}));
        assertTrue(e.getMessage().contains("logits[2]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> s.sample(new float[] {0f, 1f, 0f, Float.POSITIVE_INFINITY}));
        assertTrue(e.getMessage().contains("logits[3]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> s.sample(new float[] {Float.NEGATIVE_INFINITY, 1f, 0f, 0f}));
        assertTrue(e.getMessage().contains("logits[0]"), e.getMessage());
        Sampler g = new Sampler(SamplerConfig.greedy(), 4);
        assertThrows(IllegalArgumentException.class, () -> g.sample(new float[] {0f, Float.NaN, 0f, 0f}));
    }

    @Test
    void wrongSizesAreRejected() {
        Sampler s = new Sampler(PLAIN, 4);
        assertThrows(IllegalArgumentException.class, () -> s.sample(new float[3]));
        assertThrows(IllegalArgumentException.class, () -> s.sample(new float[5]));
        assertThrows(IllegalArgumentException.class, () -> s.sample(MemorySegment.ofArray(new float[5])));
        assertThrows(IllegalArgumentException.class, () -> new Sampler(PLAIN, 0));
        assertThrows(NullPointerException.class, () -> new Sampler(null, 4));
    }

    @Test
    void segmentAndArrayGiveTheSameTokensAndTheSegmentIsUntouched() {
        int vocab = 1000;
        float[][] rows = randomRows(100, vocab, 3);
        SamplerConfig c = SamplerConfig.defaults().withRepeatPenalty(1.3f).withSeed(5L);
        int[] fromArrays = run(new Sampler(c, vocab), rows);
        Sampler s = new Sampler(c, vocab);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment seg = arena.allocate((long) vocab * Float.BYTES, 4);
            int[] fromSegment = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                MemorySegment.copy(rows[i], 0, seg, ValueLayout.JAVA_FLOAT, 0, vocab);
                fromSegment[i] = s.sample(seg);
                s.accept(fromSegment[i]);
                assertArrayEquals(rows[i], seg.toArray(ValueLayout.JAVA_FLOAT));
            }
            assertArrayEquals(fromArrays, fromSegment);
        }
        // an unaligned view is accepted too
        byte[] bytes = new byte[vocab * Float.BYTES + 1];
        MemorySegment unaligned = MemorySegment.ofArray(bytes).asSlice(1);
        assertEquals(0, new Sampler(SamplerConfig.greedy(), vocab).sample(unaligned));
    }

    // ------------------------------------------------------------ against a naive oracle, large vocabularies

    /** The chain written the obvious way: full sort, doubles, lists. */
    private static int[] oracleCandidates(float[] raw, SamplerConfig c) {
        return oracleCandidates(raw, descendingOrder(raw), c);
    }

    private static Integer[] descendingOrder(float[] raw) {
        Integer[] order = new Integer[raw.length];
        for (int i = 0; i < raw.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> raw[a] != raw[b] ? Float.compare(raw[b], raw[a]) : Integer.compare(a, b));
        return order;
    }

    private static int[] oracleCandidates(float[] raw, Integer[] order, SamplerConfig c) {
        int n = raw.length;
        if (c.topK() > 0) {
            n = Math.min(n, c.topK());
        }
        if (c.topP() < 1f) {
            double max = raw[order[0]];
            double sum = 0;
            for (int i = 0; i < n; i++) {
                sum += Math.exp(raw[order[i]] - max);
            }
            double cumulative = 0;
            for (int i = 0; i < n; i++) {
                cumulative += Math.exp(raw[order[i]] - max) / sum;
                if (cumulative >= c.topP()) {
                    n = i + 1;
                    break;
                }
            }
        }
        if (c.minP() > 0f) {
            double pMax = 1.0; // relative to the best candidate
            int kept = 1;
            while (kept < n && Math.exp(raw[order[kept]] - raw[order[0]]) >= c.minP() * pMax) {
                kept++;
            }
            n = kept;
        }
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = order[i];
        }
        return r;
    }

    @Test
    void candidateSetsMatchANaiveImplementationOnLargeVocabularies() {
        int vocab = 32768;
        float[][] rows = randomRows(6, vocab, 11);
        // sharpen some rows so that top-p keeps few tokens, flatten others so that it keeps thousands
        for (int r = 0; r < rows.length; r++) {
            float scale = r % 2 == 0 ? 3f : 0.3f;
            for (int j = 0; j < vocab; j++) {
                rows[r][j] *= scale;
            }
        }
        SamplerConfig[] configs = {
                SamplerConfig.defaults(),
                SamplerConfig.defaults().withTopK(0),
                SamplerConfig.defaults().withTopK(0).withMinP(0f),
                SamplerConfig.defaults().withTopK(0).withTopP(1f),
                SamplerConfig.defaults().withTopK(1000).withTopP(1f).withMinP(0f),
                SamplerConfig.defaults().withTopK(vocab + 5).withTopP(0.5f),
        };
        Integer[][] orders = new Integer[rows.length][];
        for (int r = 0; r < rows.length; r++) {
            orders[r] = descendingOrder(rows[r]);
        }
        for (SamplerConfig c : configs) {
            Sampler s = new Sampler(c, vocab);
            for (int r = 0; r < rows.length; r++) {
                float[] row = rows[r];
                s.runThrough(row, Stage.MIN_P);
                int[] got = ids(s);
                int[] want = oracleCandidates(row, orders[r], c);
                boolean narrowTopK = c.topK() > 0 && c.topK() < vocab;
                if (!narrowTopK) { // only top-k leaves the candidates sorted
                    Arrays.sort(want);
                    Arrays.sort(got);
                }
                assertArrayEquals(want, got, c.toString());
            }
        }
    }

    @Test
    void drawsOnlyFromTheCandidateSet() {
        int vocab = 50_000;
        float[][] rows = randomRows(8, vocab, 17);
        SamplerConfig c = SamplerConfig.defaults().withSeed(3L);
        Sampler s = new Sampler(c, vocab);
        for (float[] row : rows) {
            int[] allowed = oracleCandidates(row, c);
            int token = s.sample(row);
            assertTrue(Arrays.stream(allowed).anyMatch(t -> t == token), "token " + token);
        }
    }

    @Test
    void nucleusSelectionMatchesASortedScan() {
        SplittableRandom r = new SplittableRandom(8);
        for (int round = 0; round < 300; round++) {
            int n = 1 + r.nextInt(round < 100 ? 40 : 5000);
            long[] a = new long[n];
            double[] mass = new double[n];
            float[] logits = new float[n];
            double total = 0;
            for (int i = 0; i < n; i++) {
                float logit = (float) (r.nextDouble() * 10 - 5);
                if (r.nextInt(4) == 0) {
                    logit = Math.round(logit); // many exact ties
                }
                logits[i] = logit;
                mass[i] = Math.exp(logit);
                total += mass[i];
                a[i] = Sampler.key(logit, i);
            }
            long[] sortedKeys = a.clone();
            Arrays.sort(sortedKeys);
            double target = r.nextDouble() * total;
            double cumulative = 0;
            int want = n;
            for (int i = 0; i < n; i++) {
                cumulative += mass[(int) sortedKeys[i]];
                if (cumulative >= target) {
                    want = i + 1;
                    break;
                }
            }
            int got = Sampler.nucleus(a, n, mass, target);
            assertEquals(want, got, "round " + round + " n " + n);
            long[] prefix = Arrays.copyOf(a, got);
            Arrays.sort(prefix);
            assertArrayEquals(Arrays.copyOf(sortedKeys, want), prefix, "round " + round);
        }
    }
}
