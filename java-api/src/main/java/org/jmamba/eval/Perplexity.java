package org.jmamba.eval;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import org.jmamba.Model;
import org.jmamba.Session;

/**
 * Perplexity as llama.cpp's {@code llama-perplexity} computes it: the tokens are cut into
 * {@code n_chunk = n_tokens / ctx} windows of {@code ctx} tokens, the first token of each window
 * replaced by BOS (when the model adds one), each window evaluated from the zero state, and only
 * the second half scored (positions {@code ctx/2 .. ctx-2} predicting the token after them), so
 * every scored token has at least {@code ctx/2} tokens of context. PPL = exp(mean NLL), and its
 * error exp(mean) * sqrt(var(NLL) / (n - 1)), as llama.cpp prints it.
 *
 * <p>With a base (the log-probabilities of another run of the same text, {@link LogProbsFile}), it
 * also measures, per scored token, the KL divergence KL(base || this) and whether both put the
 * same token first.
 */
public final class Perplexity {

    /** Called after each window: {@code chunk} of {@code nChunk} done, PPL so far. */
    @FunctionalInterface
    public interface Listener {
        void chunkDone(int chunk, int nChunk, double pplSoFar);
    }

    /** Divergence from the base: KL mean (and its standard error), percentiles, top-1 agreement. */
    public record Divergence(long n, double klMean, double klMeanError, double klMedian, double klP99, double klMax,
                             double top1, double top1Error, double basePpl, double pplRatio) {}

    /** The result; {@code divergence} only when a base was given. */
    public record Result(int ctx, int nChunk, long nScored, double ppl, double pplError, double meanNll,
                         Optional<Divergence> divergence) {
        /** llama-perplexity's closing line. */
        public String finalEstimate() {
            return String.format(java.util.Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f", ppl, pplError);
        }
    }

    private Perplexity() {}

    /** The windows' tokens as evaluated (first of each window made BOS when the model adds one). */
    public static int[] windows(int[] tokens, int ctx, int bos, boolean addBos) {
        checkCtx(tokens.length, ctx);
        int nChunk = tokens.length / ctx;
        int[] w = Arrays.copyOf(tokens, nChunk * ctx);
        if (addBos && bos >= 0) for (int c = 0; c < nChunk; c++) w[c * ctx] = bos;
        return w;
    }

    static void checkCtx(int nTokens, int ctx) {
        if (ctx < 8) throw new IllegalArgumentException("the context must be at least 8 tokens, got " + ctx);
        if (nTokens < ctx) {
            throw new IllegalArgumentException("the text has " + nTokens + " tokens, fewer than one window of " + ctx
                    + " (give a longer text or a smaller -c)");
        }
    }

    /**
     * Runs the model over {@code tokens} (the text as tokenized, BOS included when the model adds one).
     * {@code base} and {@code save} may be null.
     */
    public static Result run(Model model, int[] tokens, int ctx, LogProbsFile.Reader base, Path save, Listener listener)
            throws IOException {
        Objects.requireNonNull(model, "model");
        int nVocab = model.params().nVocab();
        var tok = model.tokenizer();
        int[] w = windows(tokens, ctx, tok.bosId(), tok.addBosDefault());
        int nChunk = w.length / ctx;
        int first = ctx / 2, scored = LogProbsFile.scoredPerChunk(ctx);
        if (base != null) checkBase(base, nVocab, ctx, tokens, nChunk);

        double nll = 0, nll2 = 0;
        long n = 0;
        double[] lp = new double[nVocab], baseLp = base == null ? null : new double[nVocab];
        double[] kls = base == null ? null : new double[nChunk * scored];
        double klSum = 0, klSum2 = 0, baseNll = 0;
        long same = 0;
        LogProbsFile.Writer writer = save == null ? null : new LogProbsFile.Writer(save, nVocab, ctx, Arrays.copyOf(tokens, nChunk * ctx));
        try (Session s = model.newSession()) {
            for (int c = 0; c < nChunk; c++) {
                s.reset();
                int off = c * ctx;
                s.feed(Arrays.copyOfRange(w, off, off + first));
                float[] logits = s.evalAll(Arrays.copyOfRange(w, off + first, off + ctx - 1));
                for (int j = 0; j < scored; j++) {
                    logSoftmax(logits, j * nVocab, nVocab, lp);
                    int next = w[off + first + j + 1];
                    double v = -lp[next];
                    nll += v;
                    nll2 += v * v;
                    n++;
                    if (writer != null) writer.add(lp);
                    if (base != null) {
                        base.logProbs(c, j, baseLp);
                        double kl = 0;
                        int top = 0, baseTop = 0;
                        for (int i = 0; i < nVocab; i++) {
                            double pb = Math.exp(baseLp[i]);
                            kl += pb * (baseLp[i] - lp[i]);
                            if (lp[i] > lp[top]) top = i;
                            if (baseLp[i] > baseLp[baseTop]) baseTop = i;
                        }
                        kl = Math.max(0, kl);  // the 16-bit base rounds a true 0 to about -1e-9 at worst
                        kls[(int) n - 1] = kl;
                        klSum += kl;
                        klSum2 += kl * kl;
                        if (top == baseTop) same++;
                        baseNll -= baseLp[next];
                    }
                }
                if (listener != null) listener.chunkDone(c + 1, nChunk, Math.exp(nll / n));
            }
            if (writer != null) writer.commit();
        } finally {
            if (writer != null) writer.close();
        }
        double mean = nll / n;
        double var = nll2 / n - mean * mean;
        double err = n > 1 && var > 0 ? Math.sqrt(var / (n - 1)) : 0;
        double ppl = Math.exp(mean);
        Optional<Divergence> div = Optional.empty();
        if (base != null) {
            double klMean = klSum / n;
            double klVar = klSum2 / n - klMean * klMean;
            double p = (double) same / n;
            double[] sorted = kls.clone();
            Arrays.sort(sorted);
            div = Optional.of(new Divergence(n, klMean, n > 1 && klVar > 0 ? Math.sqrt(klVar / (n - 1)) : 0,
                    percentile(sorted, 0.5), percentile(sorted, 0.99), sorted[sorted.length - 1],
                    p, n > 1 ? Math.sqrt(p * (1 - p) / (n - 1)) : 0, Math.exp(baseNll / n), ppl / Math.exp(baseNll / n)));
        }
        return new Result(ctx, nChunk, n, ppl, ppl * err, mean, div);
    }

    private static void checkBase(LogProbsFile.Reader base, int nVocab, int ctx, int[] tokens, int nChunk) {
        if (base.nVocab != nVocab) {
            throw new IllegalArgumentException("the base logits are of a model with " + base.nVocab
                    + " vocabulary entries, this model has " + nVocab);
        }
        if (base.ctx != ctx) {
            throw new IllegalArgumentException("the base logits were saved with a context of " + base.ctx
                    + " tokens, this run uses " + ctx + " (give -c " + base.ctx + ")");
        }
        if (base.nChunk != nChunk) {
            throw new IllegalArgumentException("the base logits cover " + base.nChunk + " windows, this text makes "
                    + nChunk + ": they were saved for another text");
        }
        for (int i = 0; i < nChunk * ctx; i++) {
            if (base.token(i) != tokens[i]) {
                throw new IllegalArgumentException("token " + i + " of the text is " + tokens[i] + ", the base logits were saved for "
                        + base.token(i) + ": they were saved for another text or tokenizer");
            }
        }
    }

    /** Natural-log softmax of row {@code logits[off, off + n)} into {@code out}, in double. */
    static void logSoftmax(float[] logits, int off, int n, double[] out) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, logits[off + i]);
        double sum = 0;
        for (int i = 0; i < n; i++) sum += Math.exp(logits[off + i] - max);
        double logZ = max + Math.log(sum);
        for (int i = 0; i < n; i++) out[i] = logits[off + i] - logZ;
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double q) {
        int i = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
