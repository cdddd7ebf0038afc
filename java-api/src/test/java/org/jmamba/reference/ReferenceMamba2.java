package org.jmamba.reference;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * An independent, plain-Java, double-precision reference forward of a Mamba-2 language model, one token
 * at a time (the recurrent form), written from the model's math and used as the test oracle for the
 * native forward.
 *
 * <p>Per token, with {@code u} the residual stream and every RMSNorm using the model's epsilon:
 * <pre>
 *   u = token_embd[token]
 *   for each layer:
 *     xn = rmsnorm(u) * attn_norm
 *     [z | xBC | dt] = ssm_in . xn                       (widths d_inner, d_inner + 2GN, H)
 *     xBC = silu(causal depthwise conv of width K over the last K inputs of xBC + conv bias)
 *     x = xBC[0, d_inner) as [H][P];  B, C = the next two G*N values, each as [G][N]
 *     per head h (group g = h / (H/G)):
 *       dt_h = softplus(dt_h + dt_bias_h);  dA = exp(dt_h * ssm_a_h)
 *       S[h][p][n] = S[h][p][n] * dA + dt_h * x[h][p] * B[g][n]
 *       y[h][p]    = sum_n S[h][p][n] * C[g][n] + ssm_d_h * x[h][p]
 *     y = y * silu(z);  y = rmsnorm over each of the G groups of d_inner/G values, times ssm_norm
 *     u = u + ssm_out . y
 *   logits = output . (rmsnorm(u) * output_norm)
 * </pre>
 * softplus(v) is v above 20 and log(1 + e^v) otherwise, as ggml's {@code ggml_compute_softplus_f32}.
 *
 * <p>With {@link Options#roundInputs()} the inputs of the three matmuls (ssm_in, ssm_out, output) are
 * rounded as llama.cpp rounds them for the weight type ({@link ActivationRounding}); the embedding
 * lookup is never rounded.
 *
 * <p>State layouts (as ggml keeps them): conv state of a layer is {@code [conv_dim][K-1]}, oldest input
 * first (ggml {@code {K-1, conv_dim}}); SSM state is {@code [H][P][N]} (ggml {@code {N, P, H}}).
 */
public final class ReferenceMamba2 {

    /** Which B/C group head h reads. */
    public enum GroupMapping {
        /** g = h / (H/G): consecutive heads share a group (llama.cpp's ssm_scan, and Mamba-2's repeat of groups). */
        BLOCKED,
        /** g = h % G: heads dealt out round-robin. Wrong for Mamba-2; kept to show the test data tells them apart. */
        INTERLEAVED
    }

    /** Hyper-parameters. {@code nHead} is GGUF's {@code ssm.time_step_rank}. */
    public record Config(int dModel, int nLayer, int dConv, int dInner, int dState, int nHead, int nGroup,
                         double eps, int nVocab) {
        public Config {
            if (dModel <= 0 || nLayer <= 0 || dConv <= 0 || dInner <= 0 || dState <= 0 || nHead <= 0 || nGroup <= 0
                    || nVocab <= 0) {
                throw new IllegalArgumentException("non-positive hyper-parameter in " + this);
            }
            if (dInner % nHead != 0) throw new IllegalArgumentException("d_inner % n_head != 0 in " + this);
            if (nHead % nGroup != 0) throw new IllegalArgumentException("n_head % n_group != 0 in " + this);
            if (dInner % nGroup != 0) throw new IllegalArgumentException("d_inner % n_group != 0 in " + this);
            if (!(eps >= 0)) throw new IllegalArgumentException("bad eps in " + this);
        }

        public int headDim() { return dInner / nHead; }

        public int convDim() { return dInner + 2 * nGroup * dState; }

        public int dInProj() { return 2 * dInner + 2 * nGroup * dState + nHead; }
    }

    /**
     * One layer's weights. {@code conv1d} is {@code [conv_dim][K]} (ggml {@code [K, conv_dim]}), tap K-1
     * multiplying the newest input; {@code a} holds {@code -exp(A_log)} per head; {@code ssmNorm} is
     * {@code [G][d_inner/G]} (ggml {@code [d_inner/G, G]}), i.e. indexed like y, or null when the model has
     * no grouped norm.
     */
    public record Layer(double[] attnNorm, Matrix ssmIn, double[] conv1d, double[] conv1dBias, double[] dtBias,
                        double[] a, double[] d, double[] ssmNorm, Matrix ssmOut) {
        public Layer {
            Objects.requireNonNull(attnNorm, "attnNorm");
            Objects.requireNonNull(ssmIn, "ssmIn");
            Objects.requireNonNull(conv1d, "conv1d");
            Objects.requireNonNull(conv1dBias, "conv1dBias");
            Objects.requireNonNull(dtBias, "dtBias");
            Objects.requireNonNull(a, "a");
            Objects.requireNonNull(d, "d");
            Objects.requireNonNull(ssmOut, "ssmOut");
        }
    }

    /** All weights; {@code output} may be the same object as {@code tokenEmbd} (tied embeddings). */
    public record Weights(Config config, Matrix tokenEmbd, double[] outputNorm, Matrix output, List<Layer> layers) {
        public Weights {
            Objects.requireNonNull(config, "config");
            layers = List.copyOf(layers);
            check(config, tokenEmbd, outputNorm, output, layers);
        }

        private static void check(Config c, Matrix emb, double[] outNorm, Matrix out, List<Layer> layers) {
            shape("token_embd", emb, c.nVocab(), c.dModel());
            len("output_norm", outNorm, c.dModel());
            shape("output", out, c.nVocab(), c.dModel());
            if (layers.size() != c.nLayer()) {
                throw new IllegalArgumentException(layers.size() + " layers given, config says " + c.nLayer());
            }
            for (int i = 0; i < layers.size(); i++) {
                Layer l = layers.get(i);
                String p = "blk." + i + ".";
                len(p + "attn_norm", l.attnNorm(), c.dModel());
                shape(p + "ssm_in", l.ssmIn(), c.dInProj(), c.dModel());
                len(p + "ssm_conv1d.weight", l.conv1d(), c.convDim() * c.dConv());
                len(p + "ssm_conv1d.bias", l.conv1dBias(), c.convDim());
                len(p + "ssm_dt.bias", l.dtBias(), c.nHead());
                len(p + "ssm_a", l.a(), c.nHead());
                len(p + "ssm_d", l.d(), c.nHead());
                if (l.ssmNorm() != null) len(p + "ssm_norm", l.ssmNorm(), c.dInner());
                shape(p + "ssm_out", l.ssmOut(), c.dModel(), c.dInner());
            }
        }

        private static void shape(String name, Matrix m, int rows, int cols) {
            Objects.requireNonNull(m, name);
            if (m.rows() != rows || m.cols() != cols) {
                throw new IllegalArgumentException(name + " is " + m.rows() + "x" + m.cols() + ", expected " + rows + "x" + cols);
            }
        }

        private static void len(String name, double[] v, int n) {
            Objects.requireNonNull(v, name);
            if (v.length != n) throw new IllegalArgumentException(name + " has " + v.length + " values, expected " + n);
        }
    }

    /**
     * Forward options.
     *
     * @param roundInputs  round matmul inputs as llama.cpp does for each weight type
     * @param q8Variant    Q8_0/Q8_1 rounding flavour used when rounding
     * @param groupMapping which group a head reads (BLOCKED is the correct one)
     */
    public record Options(boolean roundInputs, ActivationRounding.Q8Variant q8Variant, GroupMapping groupMapping) {
        public static final Options EXACT =
                new Options(false, ActivationRounding.Q8Variant.REFERENCE, GroupMapping.BLOCKED);
        /** Rounded as llama.cpp's x86 build rounds (the flavour that reproduces the shared test data). */
        public static final Options ROUNDED =
                new Options(true, ActivationRounding.Q8Variant.X86_SIMD, GroupMapping.BLOCKED);

        /** Rounded with the given Q8_0/Q8_1 flavour. */
        public static Options rounded(ActivationRounding.Q8Variant variant) {
            return new Options(true, variant, GroupMapping.BLOCKED);
        }

        public Options {
            Objects.requireNonNull(q8Variant, "q8Variant");
            Objects.requireNonNull(groupMapping, "groupMapping");
        }
    }

    private final Weights weights;
    private final Config cfg;
    private final Options options;
    private final double[][] conv; // per layer [convDim][K-1]
    private final double[][] ssm;  // per layer [H][P][N]
    private double[] lastHidden;

    public ReferenceMamba2(Weights weights, Options options) {
        this.weights = Objects.requireNonNull(weights, "weights");
        this.options = Objects.requireNonNull(options, "options");
        this.cfg = weights.config();
        this.conv = new double[cfg.nLayer()][cfg.convDim() * (cfg.dConv() - 1)];
        this.ssm = new double[cfg.nLayer()][cfg.dInner() * cfg.dState()];
    }

    public ReferenceMamba2(Weights weights) {
        this(weights, Options.EXACT);
    }

    /** Loads a mamba2 GGUF file (see {@link ReferenceWeightsLoader}). */
    public static ReferenceMamba2 load(Path gguf, Options options) throws IOException {
        return new ReferenceMamba2(ReferenceWeightsLoader.load(gguf), options);
    }

    public Weights weights() { return weights; }

    public Config config() { return cfg; }

    public Options options() { return options; }

    /** Zeroes the conv and SSM state of every layer. */
    public void reset() {
        for (double[] c : conv) java.util.Arrays.fill(c, 0);
        for (double[] s : ssm) java.util.Arrays.fill(s, 0);
        lastHidden = null;
    }

    /** A copy of layer {@code layer}'s conv state, {@code [conv_dim][K-1]}, oldest first. */
    public double[] convState(int layer) { return conv[layer].clone(); }

    /** A copy of layer {@code layer}'s SSM state, {@code [H][P][N]}. */
    public double[] ssmState(int layer) { return ssm[layer].clone(); }

    /** Replaces layer {@code layer}'s conv state. */
    public void setConvState(int layer, double[] state) {
        if (state.length != conv[layer].length) throw new IllegalArgumentException("conv state length");
        System.arraycopy(state, 0, conv[layer], 0, state.length);
    }

    /** Replaces layer {@code layer}'s SSM state. */
    public void setSsmState(int layer, double[] state) {
        if (state.length != ssm[layer].length) throw new IllegalArgumentException("ssm state length");
        System.arraycopy(state, 0, ssm[layer], 0, state.length);
    }

    /** The residual stream after the last layer for the last token stepped (before the output norm), or null. */
    public double[] lastHidden() { return lastHidden == null ? null : lastHidden.clone(); }

    /** Feeds one token and returns its logits. */
    public double[] step(int token) {
        if (token < 0 || token >= cfg.nVocab()) {
            throw new IllegalArgumentException("token " + token + " outside vocab of " + cfg.nVocab());
        }
        return stepEmbedding(weights.tokenEmbd().row(token));
    }

    /** Feeds one input vector (what the embedding lookup would give) and returns the logits. */
    public double[] stepEmbedding(double[] embedding) {
        if (embedding.length != cfg.dModel()) throw new IllegalArgumentException("embedding length");
        double[] u = embedding.clone();
        for (int il = 0; il < cfg.nLayer(); il++) {
            double[] out = layer(il, u);
            for (int i = 0; i < u.length; i++) u[i] += out[i];
        }
        lastHidden = u.clone();
        double[] h = rmsNorm(u, 0, u.length, cfg.eps());
        mulInPlace(h, weights.outputNorm());
        return matmul(weights.output(), h);
    }

    private double[] matmul(Matrix m, double[] x) {
        return m.mul(x, options.roundInputs(), options.q8Variant());
    }

    private double[] layer(int il, double[] u) {
        Layer w = weights.layers().get(il);
        final int dInner = cfg.dInner(), nState = cfg.dState(), nHead = cfg.nHead(), nGroup = cfg.nGroup();
        final int headDim = cfg.headDim(), convDim = cfg.convDim(), k = cfg.dConv();

        double[] xn = rmsNorm(u, 0, u.length, cfg.eps());
        mulInPlace(xn, w.attnNorm());
        double[] zxbcdt = matmul(w.ssmIn(), xn);

        // causal depthwise conv: window = [K-1 previous inputs (state, oldest first), current input]
        double[] state = conv[il];
        double[] xbc = new double[convDim];
        for (int c = 0; c < convDim; c++) {
            double in = zxbcdt[dInner + c];
            double acc = 0;
            for (int t = 0; t < k - 1; t++) acc += state[c * (k - 1) + t] * w.conv1d()[c * k + t];
            acc += in * w.conv1d()[c * k + k - 1];
            xbc[c] = silu(acc + w.conv1dBias()[c]);
            // shift the window: drop the oldest, append the raw input
            for (int t = 0; t + 1 < k - 1; t++) state[c * (k - 1) + t] = state[c * (k - 1) + t + 1];
            if (k > 1) state[c * (k - 1) + k - 2] = in;
        }

        // selective scan, one step
        double[] s = ssm[il];
        double[] y = new double[dInner];
        int headsPerGroup = nHead / nGroup;
        int bOff = dInner, cOff = dInner + nGroup * nState, dtOff = 2 * dInner + 2 * nGroup * nState;
        for (int h = 0; h < nHead; h++) {
            double dt = softplus(zxbcdt[dtOff + h] + w.dtBias()[h]);
            double dA = Math.exp(dt * w.a()[h]);
            int g = options.groupMapping() == GroupMapping.BLOCKED ? h / headsPerGroup : h % nGroup;
            for (int p = 0; p < headDim; p++) {
                int ch = h * headDim + p;
                double x = xbc[ch];
                double acc = 0;
                for (int n = 0; n < nState; n++) {
                    int si = ch * nState + n;
                    s[si] = s[si] * dA + dt * x * xbc[bOff + g * nState + n];
                    acc += s[si] * xbc[cOff + g * nState + n];
                }
                y[ch] = acc + w.d()[h] * x;
            }
        }

        // gate, grouped RMSNorm
        for (int i = 0; i < dInner; i++) y[i] *= silu(zxbcdt[i]);
        if (w.ssmNorm() != null) {
            int gs = dInner / nGroup;
            for (int g = 0; g < nGroup; g++) {
                double[] part = rmsNorm(y, g * gs, gs, cfg.eps());
                for (int i = 0; i < gs; i++) y[g * gs + i] = part[i] * w.ssmNorm()[g * gs + i];
            }
        }
        return matmul(w.ssmOut(), y);
    }

    /**
     * A random F32 model with the given shape, deterministic in {@code seed}, with values of the sizes trained
     * Mamba-2 models have (unit-scale embeddings, norms near 1, projections scaled by 1/sqrt(fan-in), dt after
     * softplus in [0.001, 0.1], A in [-16, -1]); for tests that need a model without a file. Retype matrices with
     * {@link Matrix#of} to have the forward round inputs as for quantized weights.
     */
    public static Weights randomWeights(Config c, long seed) {
        java.util.Random r = new java.util.Random(seed);
        java.util.function.BiFunction<Integer, Double, double[]> gauss = (n, sd) -> {
            double[] v = new double[n];
            for (int i = 0; i < n; i++) v[i] = r.nextGaussian() * sd;
            return v;
        };
        java.util.function.Function<Integer, double[]> nearOne = n -> {
            double[] v = gauss.apply(n, 0.1);
            for (int i = 0; i < n; i++) v[i] += 1;
            return v;
        };
        Matrix emb = Matrix.f32(c.nVocab(), c.dModel(), gauss.apply(c.nVocab() * c.dModel(), 1.0));
        List<Layer> layers = new java.util.ArrayList<>();
        for (int i = 0; i < c.nLayer(); i++) {
            double[] dtBias = new double[c.nHead()], a = new double[c.nHead()];
            for (int h = 0; h < c.nHead(); h++) {
                double dt = Math.exp(Math.log(0.001) + r.nextDouble() * (Math.log(0.1) - Math.log(0.001)));
                dtBias[h] = Math.log(Math.expm1(dt)); // inverse softplus
                a[h] = -(1 + r.nextDouble() * 15);
            }
            layers.add(new Layer(nearOne.apply(c.dModel()),
                    Matrix.f32(c.dInProj(), c.dModel(), gauss.apply(c.dInProj() * c.dModel(), 1 / Math.sqrt(c.dModel()))),
                    gauss.apply(c.convDim() * c.dConv(), 0.5), gauss.apply(c.convDim(), 0.1), dtBias, a,
                    nearOne.apply(c.nHead()), nearOne.apply(c.dInner()),
                    Matrix.f32(c.dModel(), c.dInner(), gauss.apply(c.dModel() * c.dInner(), 1 / Math.sqrt(c.dInner())))));
        }
        Matrix out = Matrix.f32(c.nVocab(), c.dModel(), gauss.apply(c.nVocab() * c.dModel(), 1 / Math.sqrt(c.dModel())));
        return new Weights(c, emb, nearOne.apply(c.dModel()), out, layers);
    }

    // ---------------------------------------------------------------- scalar helpers

    /** v / sqrt(mean(v^2) + eps) over {@code v[from, from+n)}. */
    static double[] rmsNorm(double[] v, int from, int n, double eps) {
        double ss = 0;
        for (int i = from; i < from + n; i++) ss += v[i] * v[i];
        double scale = 1.0 / Math.sqrt(ss / n + eps);
        double[] out = new double[n];
        for (int i = 0; i < n; i++) out[i] = v[from + i] * scale;
        return out;
    }

    private static void mulInPlace(double[] v, double[] w) {
        for (int i = 0; i < v.length; i++) v[i] *= w[i];
    }

    static double silu(double v) {
        return v / (1.0 + Math.exp(-v));
    }

    /** ggml's softplus: the identity above 20, log(1 + e^v) otherwise. */
    static double softplus(double v) {
        return v > 20.0 ? v : Math.log1p(Math.exp(v));
    }
}
