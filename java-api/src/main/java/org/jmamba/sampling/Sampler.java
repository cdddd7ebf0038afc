package org.jmamba.sampling;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Objects;
import org.jmamba.Logits;

/**
 * Picks the next token from a row of logits, following llama.cpp's default sampler chain
 * ({@code common_params_sampling.samplers}) restricted to the stages {@link SamplerConfig} has:
 *
 * <ol>
 *   <li><b>penalties</b> over the last {@code repeatLastN} {@linkplain #accept accepted} tokens: a
 *       token seen {@code c > 0} times has its logit divided by {@code repeatPenalty} when positive,
 *       multiplied when {@code <= 0}, then lowered by {@code c * frequencyPenalty + presencePenalty};</li>
 *   <li><b>top-k</b>: the {@code topK} largest logits;</li>
 *   <li><b>top-p</b>: softmax over the remaining candidates; keep the most likely ones in descending
 *       order up to and including the first whose running probability sum reaches {@code topP}
 *       (at least one);</li>
 *   <li><b>min-p</b>: keep candidates with {@code logit >= maxLogit + ln(minP)}, that is
 *       {@code p >= minP * pMax} under the softmax of the candidates;</li>
 *   <li><b>temperature</b>: logits divided by {@code temperature};</li>
 *   <li><b>draw</b>: one token from the softmax of the candidates, using a seeded
 *       xoshiro256** generator.</li>
 * </ol>
 *
 * With {@code temperature == 0} the result is the argmax after the penalties (ties: lowest token
 * id) and the generator is not used. Ties between equal logits in top-k and top-p also go to the
 * lowest token id. Top-p and min-p see the logits before temperature, as in llama.cpp. Probability
 * sums are accumulated in double precision (llama.cpp uses float for top-p), so on very flat
 * distributions the nucleus can differ from llama.cpp's by a token at the boundary.
 *
 * <p>{@link #sample} does not record the token it returns: call {@link #accept(int)} with every token
 * that enters the context (prompt tokens too, if they should count for the penalties), as llama.cpp's
 * {@code common_sampler_accept} is called after {@code common_sampler_sample}.
 *
 * <p>Costs per call: one copy of the logits into an internal buffer (the caller's logits are never
 * modified), one pass over the vocabulary for top-k by a bounded heap ({@code O(V log k)}, no full
 * sort), work proportional to the penalty window, and no allocation. With top-k off and top-p on,
 * the nucleus is found by a selection on probability mass in expected {@code O(V)}, again without a
 * full sort. Not thread-safe: use one sampler per generation stream.
 */
public final class Sampler {

    /** The stages of the chain, in order; used by tests to look at the candidates between stages. */
    enum Stage { PENALTIES, TOP_K, TOP_P, MIN_P, TEMPERATURE }

    private final SamplerConfig config;
    private final int vocabSize;
    private final Xoshiro256StarStar rng;

    /** Copy of the current logits; penalties and, while every token is a candidate, temperature apply here. */
    private final float[] work;
    /** Candidate ids and logits once a stage has narrowed or reordered the set. */
    private final int[] candIds;
    private final float[] candVals;
    /** Unnormalised probabilities of the candidates, for the draw. */
    private final float[] weights;
    /** Packed (logit, id) keys: the top-k heap, or the whole vocabulary for top-p without top-k. */
    private final long[] keys;
    /** Unnormalised probability per token, for top-p without top-k. */
    private final double[] mass;

    /** Number of candidates. */
    private int count;
    /** True while every token is a candidate with its logit in {@link #work} (ids 0..V-1, in id order). */
    private boolean identity;
    /** True when the candidates are in descending logit order, ties by ascending id. */
    private boolean sorted;

    // Penalty window: occurrence count per token, and the accepted tokens of the window.
    private final boolean tracksHistory;
    private final int window; // > 0: ring buffer of that size; -1: everything since reset
    private final int[] counts;
    private int[] history;
    private int historyStart;
    private int historySize;

    /**
     * @param config    sampling parameters
     * @param vocabSize number of logits per row, {@code > 0}
     */
    public Sampler(SamplerConfig config, int vocabSize) {
        this.config = Objects.requireNonNull(config, "config");
        if (vocabSize <= 0) {
            throw new IllegalArgumentException("vocabSize = " + vocabSize + ": must be > 0");
        }
        this.vocabSize = vocabSize;
        this.rng = new Xoshiro256StarStar(config.seed());
        this.work = new float[vocabSize];

        boolean narrowTopK = config.topK() > 0 && config.topK() < vocabSize;
        int candidateCapacity = narrowTopK ? config.topK() : vocabSize;
        this.candIds = new int[candidateCapacity];
        this.candVals = new float[candidateCapacity];
        this.weights = new float[candidateCapacity];
        boolean topPOverVocabulary = !narrowTopK && config.topP() < 1f;
        this.keys = new long[narrowTopK ? config.topK() : (topPOverVocabulary ? vocabSize : 0)];
        this.mass = new double[topPOverVocabulary ? vocabSize : 0];

        this.tracksHistory = config.hasPenalties();
        this.window = config.repeatLastN();
        this.counts = tracksHistory ? new int[vocabSize] : null;
        this.history = tracksHistory ? new int[window > 0 ? window : 256] : null;
    }

    public SamplerConfig config() {
        return config;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /**
     * Samples a token from {@code vocabSize} float32 logits in native byte order. The segment is read
     * once into an internal buffer and never written.
     *
     * @throws IllegalArgumentException if the segment is not exactly {@code vocabSize * 4} bytes, or a
     *                                  logit is NaN or infinite (the message names its index)
     */
    public int sample(MemorySegment logits) {
        load(logits);
        return sampleLoaded();
    }

    /**
     * Samples a token from a session's logits, read once without copying them first.
     *
     * @throws IllegalStateException if the view is stale (see {@link Logits})
     * @throws IllegalArgumentException if its size is not {@code vocabSize}, or a logit is NaN or
     *                                  infinite (the message names its index)
     */
    public int sample(Logits logits) {
        MemorySegment data = Objects.requireNonNull(logits, "logits").segment();
        try {
            return sample(data);
        } catch (IllegalStateException e) {
            // the session closed under the read (FFM's "Already closed"): say so as the view would
            if (!logits.isValid()) logits.segment();
            throw e;
        }
    }

    /**
     * Samples a token from {@code logits} ({@code vocabSize} values), which are not modified.
     *
     * @throws IllegalArgumentException if the length is not {@code vocabSize}, or a logit is NaN or
     *                                  infinite (the message names its index)
     */
    public int sample(float[] logits) {
        load(logits);
        return sampleLoaded();
    }

    /** Records a token that entered the context, for the penalties. */
    public void accept(int token) {
        if (token < 0 || token >= vocabSize) {
            throw new IllegalArgumentException("token = " + token + ": must be in [0, " + vocabSize + ")");
        }
        if (!tracksHistory) {
            return;
        }
        if (window > 0) {
            if (historySize == window) {
                counts[history[historyStart]]--;
                history[historyStart] = token;
                historyStart = historyStart + 1 == window ? 0 : historyStart + 1;
            } else {
                history[historySize++] = token; // historyStart stays 0 until the ring is full
            }
        } else {
            if (historySize == history.length) {
                history = Arrays.copyOf(history, history.length * 2);
            }
            history[historySize++] = token;
        }
        counts[token]++;
    }

    /** Forgets the accepted tokens and restarts the random sequence from the configured seed. */
    public void reset() {
        if (tracksHistory) {
            for (int i = 0; i < historySize; i++) {
                counts[history[i]] = 0;
            }
            historySize = 0;
            historyStart = 0;
        }
        rng.seed(config.seed());
    }

    // ---------------------------------------------------------------- loading

    private void load(MemorySegment logits) {
        Objects.requireNonNull(logits, "logits");
        long expected = (long) vocabSize * Float.BYTES;
        if (logits.byteSize() != expected) {
            throw new IllegalArgumentException("logits: " + logits.byteSize() + " bytes, expected "
                    + expected + " (" + vocabSize + " float32)");
        }
        MemorySegment.copy(logits, ValueLayout.JAVA_FLOAT_UNALIGNED, 0L, work, 0, vocabSize);
        checkFinite();
    }

    private void load(float[] logits) {
        Objects.requireNonNull(logits, "logits");
        if (logits.length != vocabSize) {
            throw new IllegalArgumentException("logits: " + logits.length + " values, expected " + vocabSize);
        }
        System.arraycopy(logits, 0, work, 0, vocabSize);
        checkFinite();
    }

    private void checkFinite() {
        float[] w = work;
        for (int i = 0; i < w.length; i++) {
            if (!Float.isFinite(w[i])) {
                throw new IllegalArgumentException("logits[" + i + "] = " + w[i] + ": must be finite");
            }
        }
    }

    // ---------------------------------------------------------------- the chain

    private int sampleLoaded() {
        applyPenalties();
        if (config.isGreedy()) {
            return argmax();
        }
        identity = true;
        sorted = false;
        count = vocabSize;
        applyTopK();
        applyTopP();
        applyMinP();
        applyTemperature();
        return draw();
    }

    /** Test hook: loads {@code logits} and runs the chain through {@code last} (no draw). */
    void runThrough(float[] logits, Stage last) {
        load(logits);
        identity = true;
        sorted = false;
        count = vocabSize;
        for (Stage stage : Stage.values()) {
            switch (stage) {
                case PENALTIES -> applyPenalties();
                case TOP_K -> applyTopK();
                case TOP_P -> applyTopP();
                case MIN_P -> applyMinP();
                case TEMPERATURE -> applyTemperature();
            }
            if (stage == last) {
                return;
            }
        }
    }

    int candidateCount() {
        return count;
    }

    int candidateId(int i) {
        return identity ? i : candIds[i];
    }

    float candidateLogit(int i) {
        return identity ? work[i] : candVals[i];
    }

    private void applyPenalties() {
        if (!tracksHistory || historySize == 0) {
            return;
        }
        float repeat = config.repeatPenalty();
        float frequency = config.frequencyPenalty();
        float presence = config.presencePenalty();
        int capacity = history.length;
        // Each distinct token once: its count is negated while it has been handled, then restored.
        for (int i = 0, j = historyStart; i < historySize; i++, j = j + 1 == capacity ? 0 : j + 1) {
            int token = history[j];
            int c = counts[token];
            if (c > 0) {
                float logit = work[token];
                logit = logit <= 0f ? logit * repeat : logit / repeat;
                logit -= (float) c * frequency + presence;
                work[token] = logit;
                counts[token] = -c;
            }
        }
        for (int i = 0, j = historyStart; i < historySize; i++, j = j + 1 == capacity ? 0 : j + 1) {
            int token = history[j];
            if (counts[token] < 0) {
                counts[token] = -counts[token];
            }
        }
    }

    private int argmax() {
        float[] w = work;
        int best = 0;
        float bestValue = w[0];
        for (int i = 1; i < w.length; i++) {
            if (w[i] > bestValue) {
                bestValue = w[i];
                best = i;
            }
        }
        return best;
    }

    private void applyTopK() {
        int k = config.topK();
        if (k <= 0 || k >= count) {
            return; // off, or keeps everything (the order does not change the distribution)
        }
        // identity holds here: top-k is the first filter of the chain.
        float[] w = work;
        long[] heap = keys;
        for (int i = 0; i < k; i++) {
            heap[i] = key(w[i], i);
        }
        for (int i = k / 2 - 1; i >= 0; i--) {
            siftDownMax(heap, i, k);
        }
        // The root is the worst kept token. A later token with an equal logit has a larger id,
        // so it is worse than the root: only a strictly larger logit enters.
        float worst = w[(int) heap[0]];
        for (int i = k; i < w.length; i++) {
            float v = w[i];
            if (v > worst) {
                heap[0] = key(v, i);
                siftDownMax(heap, 0, k);
                worst = w[(int) heap[0]];
            }
        }
        // In-place heapsort: ascending keys, i.e. descending logits.
        for (int end = k - 1; end > 0; end--) {
            long t = heap[0];
            heap[0] = heap[end];
            heap[end] = t;
            siftDownMax(heap, 0, end);
        }
        for (int i = 0; i < k; i++) {
            int id = (int) heap[i];
            candIds[i] = id;
            candVals[i] = w[id];
        }
        count = k;
        identity = false;
        sorted = true;
    }

    private void applyTopP() {
        float p = config.topP();
        if (p >= 1f) {
            return;
        }
        if (identity) {
            topPOverVocabulary(p);
            return;
        }
        // Candidates are sorted here (top-k sorted them).
        double max = candVals[0];
        double sum = 0.0;
        for (int i = 0; i < count; i++) {
            sum += Math.exp(candVals[i] - max);
        }
        double cumulative = 0.0;
        for (int i = 0; i < count; i++) {
            cumulative += Math.exp(candVals[i] - max) / sum;
            if (cumulative >= p) {
                count = i + 1;
                return;
            }
        }
    }

    /**
     * Top-p with every token a candidate, in expected O(V) whatever the size of the nucleus: a
     * quickselect on the packed keys, guided by probability mass instead of rank, finds the prefix
     * (in key order) whose mass reaches {@code p}. The kept tokens come out unsorted.
     */
    private void topPOverVocabulary(float p) {
        float[] w = work;
        int n = w.length;
        float max = w[0];
        for (int i = 1; i < n; i++) {
            max = Math.max(max, w[i]);
        }
        double[] m = mass;
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            double e = Math.exp((double) w[i] - max);
            m[i] = e;
            sum += e;
        }
        long[] a = keys;
        for (int i = 0; i < n; i++) {
            a[i] = key(w[i], i);
        }
        int kept = nucleus(a, n, m, p * sum);
        for (int i = 0; i < kept; i++) {
            int id = (int) a[i];
            candIds[i] = id;
            candVals[i] = w[id];
        }
        count = kept;
        identity = false;
        sorted = false;
    }

    /**
     * Reorders {@code a[0..n)} so that its first {@code r} keys are the {@code r} smallest, where
     * {@code r} is the least count whose summed {@code mass} (indexed by the id in each key's low
     * half) reaches {@code target}; returns {@code r} ({@code n} if rounding leaves it short).
     */
    static int nucleus(long[] a, int n, double[] mass, double target) {
        int lo = 0;
        int hi = n;
        double need = target; // mass still missing once everything before lo is kept
        while (hi - lo > 16) {
            int mid = (lo + hi) >>> 1;
            // median of three as pivot, parked at hi - 1
            if (a[mid] < a[lo]) swap(a, mid, lo);
            if (a[hi - 1] < a[lo]) swap(a, hi - 1, lo);
            if (a[hi - 1] < a[mid]) swap(a, hi - 1, mid);
            swap(a, mid, hi - 1);
            long pivot = a[hi - 1];
            int store = lo;
            double left = 0.0;
            for (int i = lo; i < hi - 1; i++) {
                long k = a[i];
                if (k < pivot) {
                    left += mass[(int) k];
                    a[i] = a[store];
                    a[store++] = k;
                }
            }
            swap(a, store, hi - 1);
            if (left >= need) {
                hi = store; // the boundary lies among the keys below the pivot
            } else {
                need -= left + mass[(int) pivot];
                if (need <= 0.0) {
                    return store + 1;
                }
                lo = store + 1;
            }
        }
        // small range: sort and scan
        for (int i = lo + 1; i < hi; i++) {
            long k = a[i];
            int j = i - 1;
            while (j >= lo && a[j] > k) {
                a[j + 1] = a[j];
                j--;
            }
            a[j + 1] = k;
        }
        for (int i = lo; i < hi; i++) {
            need -= mass[(int) a[i]];
            if (need <= 0.0) {
                return i + 1;
            }
        }
        return hi;
    }

    private static void swap(long[] a, int i, int j) {
        long t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    private void applyMinP() {
        float minP = config.minP();
        if (minP <= 0f) {
            return;
        }
        double logMinP = Math.log(minP);
        if (identity) {
            float[] w = work;
            float max = w[0];
            for (int i = 1; i < w.length; i++) {
                max = Math.max(max, w[i]);
            }
            double threshold = max + logMinP;
            int kept = 0;
            for (int i = 0; i < w.length; i++) {
                if (w[i] >= threshold) {
                    candIds[kept] = i;
                    candVals[kept] = w[i];
                    kept++;
                }
            }
            count = kept;
            identity = false;
            sorted = false;
            return;
        }
        if (sorted) {
            double threshold = candVals[0] + logMinP;
            int i = 1;
            while (i < count && candVals[i] >= threshold) {
                i++;
            }
            count = i;
            return;
        }
        float max = candVals[0];
        for (int i = 1; i < count; i++) {
            max = Math.max(max, candVals[i]);
        }
        double threshold = max + logMinP;
        int kept = 0;
        for (int i = 0; i < count; i++) {
            float v = candVals[i];
            if (v >= threshold) {
                candIds[kept] = candIds[i];
                candVals[kept] = v;
                kept++;
            }
        }
        count = kept;
    }

    private void applyTemperature() {
        float t = config.temperature();
        if (t == 1f || t == 0f) {
            return;
        }
        if (identity) {
            float[] w = work;
            for (int i = 0; i < w.length; i++) {
                w[i] /= t;
            }
        } else {
            for (int i = 0; i < count; i++) {
                candVals[i] /= t;
            }
        }
    }

    private int draw() {
        float[] values = identity ? work : candVals;
        int n = count;
        float max = values[0];
        for (int i = 1; i < n; i++) {
            max = Math.max(max, values[i]);
        }
        float[] e = weights;
        double sum = 0.0;
        for (int i = 0; i < n; i++) {
            float x = (float) Math.exp(values[i] - max);
            e[i] = x;
            sum += x;
        }
        double target = rng.nextDouble() * sum;
        double running = 0.0;
        int last = 0;
        for (int i = 0; i < n; i++) {
            float x = e[i];
            if (x > 0f) {
                running += x;
                last = i;
                if (running > target) {
                    return identity ? i : candIds[i];
                }
            }
        }
        return identity ? last : candIds[last]; // rounding left the target at the very end
    }

    // ---------------------------------------------------------------- packed keys and heaps

    /**
     * A long whose signed order is: larger logit first, then smaller id. The high half is the
     * complement of the logit's bits mapped to a signed-comparable int; the low half is the id.
     */
    static long key(float logit, int id) {
        int bits = Float.floatToRawIntBits(logit + 0.0f); // -0.0 becomes +0.0
        int ordered = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) ~ordered << 32) | (id & 0xffffffffL);
    }

    /** Max-heap on keys: the root is the worst entry. */
    private static void siftDownMax(long[] a, int i, int n) {
        long x = a[i];
        int child;
        while ((child = 2 * i + 1) < n) {
            if (child + 1 < n && a[child + 1] > a[child]) {
                child++;
            }
            if (a[child] <= x) {
                break;
            }
            a[i] = a[child];
            i = child;
        }
        a[i] = x;
    }
}
