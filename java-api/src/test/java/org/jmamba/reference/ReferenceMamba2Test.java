package org.jmamba.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.jmamba.reference.ActivationRounding.Q8Variant;
import org.jmamba.reference.ReferenceMamba2.Config;
import org.jmamba.reference.ReferenceMamba2.GroupMapping;
import org.jmamba.reference.ReferenceMamba2.Layer;
import org.jmamba.reference.ReferenceMamba2.Options;
import org.jmamba.reference.ReferenceMamba2.Weights;
import org.junit.jupiter.api.Test;

/** The recurrence on models small enough to work out by hand. */
class ReferenceMamba2Test {

    private static final double TOL = 1e-14;

    private static double silu(double v) {
        return v / (1 + Math.exp(-v));
    }

    /**
     * d_model 2, one layer, K 2, d_inner 1, N 1, H 1, G 1, vocab 2, eps 0, no grouped norm, tied output.
     * <pre>
     * token_embd = output = [[1, 1], [1, -1]]       (both rows already have RMS 1, so rmsnorm leaves them alone)
     * attn_norm = output_norm = [1, 1]
     * ssm_in rows (z, x, B, C, dt) = [1,0], [1,1], [.5,.5], [1,0], [0,0]
     * conv taps [oldest, newest]: x [.5, 1], B [0, 1], C [0, 1]; conv bias 0
     * dt_bias = ln(e - 1)  ->  dt = softplus(0 + ln(e - 1)) = ln(e) = 1
     * ssm_a = -ln 2         ->  dA = exp(1 * -ln 2) = 1/2
     * ssm_d = 1/2, ssm_out = [[1], [0]] (adds y to u[0])
     *
     * token 0: xn = [1, 1]; z = 1, x = 2, B = 1, C = 1, dt = 0
     *   conv: x = silu(.5*0 + 1*2) = silu(2), B = silu(1), C = silu(1); conv state becomes [2, 1, 1]
     *   S0 = 0 * 1/2 + 1 * silu(2) * silu(1)
     *   y0 = (S0 * silu(1) + 1/2 * silu(2)) * silu(z = 1)
     *   u = [1 + y0, 1]
     * token 1: xn = [1, -1]; z = 1, x = 0, B = 0, C = 1, dt = 0
     *   conv: x = silu(.5*2 + 1*0) = silu(1), B = silu(0*1 + 1*0) = 0, C = silu(0*1 + 1*1) = silu(1); state [0, 0, 1]
     *   S1 = S0 * 1/2 + 1 * silu(1) * 0 = S0 / 2
     *   y1 = (S1 * silu(1) + 1/2 * silu(1)) * silu(1)
     *   u = [1 + y1, -1]
     * logits of u = [a, b]: r = sqrt((a^2 + b^2) / 2), n = [a/r, b/r], logits = [n0 + n1, n0 - n1] (tied rows)
     * </pre>
     */
    @Test
    void twoTokensByHand() {
        Config c = new Config(2, 1, 2, 1, 1, 1, 1, 0.0, 2);
        Matrix emb = Matrix.f32(2, 2, new double[] {1, 1, 1, -1});
        Matrix ssmIn = Matrix.f32(5, 2, new double[] {1, 0, 1, 1, .5, .5, 1, 0, 0, 0});
        Layer layer = new Layer(new double[] {1, 1}, ssmIn, new double[] {.5, 1, 0, 1, 0, 1}, new double[3],
                new double[] {Math.log(Math.E - 1)}, new double[] {-Math.log(2)}, new double[] {.5}, null,
                Matrix.f32(2, 1, new double[] {1, 0}));
        ReferenceMamba2 m = new ReferenceMamba2(new Weights(c, emb, new double[] {1, 1}, emb, List.of(layer)));

        double s0 = silu(2) * silu(1);
        double y0 = (s0 * silu(1) + .5 * silu(2)) * silu(1);
        double[] logits0 = m.step(0);
        assertArrayEquals(new double[] {2, 1, 1}, m.convState(0));
        assertArrayEquals(new double[] {s0}, m.ssmState(0), TOL);
        assertArrayEquals(new double[] {1 + y0, 1}, m.lastHidden(), TOL);
        assertArrayEquals(expectedLogits(1 + y0, 1), logits0, TOL);

        double s1 = s0 / 2;
        double y1 = (s1 * silu(1) + .5 * silu(1)) * silu(1);
        double[] logits1 = m.step(1);
        assertArrayEquals(new double[] {0, 0, 1}, m.convState(0));
        assertArrayEquals(new double[] {s1}, m.ssmState(0), TOL);
        assertArrayEquals(expectedLogits(1 + y1, -1), logits1, TOL);

        // the same weights with rounding: F32 weights are never rounded
        ReferenceMamba2 r = new ReferenceMamba2(m.weights(), Options.ROUNDED);
        assertArrayEquals(logits0, r.step(0));
    }

    private static double[] expectedLogits(double a, double b) {
        double r = Math.sqrt((a * a + b * b) / 2);
        return new double[] {a / r + b / r, a / r - b / r};
    }

    /**
     * d_model 1, K 1 (no conv state), d_inner 4, N 1, H 4 (P 1), G 2, eps 0. With the embedding [1], xn = 1 and
     * the ssm_in column is zxBCdt itself: z = [1,1,1,1], x = [1,2,3,4], B = [10, 20], C = [1, 1], dt = 0.
     * Conv taps 1, bias 0: x_h = silu(h+1), B_g = silu(10), silu(20), C_g = silu(1).
     * dt = softplus(ln(e-1)) = 1, ssm_a = 0 -> dA = 1; from a zero state S_h = x_h * B_g(h).
     * Heads 0, 1 read group 0 and heads 2, 3 group 1 (g = h / (H/G)); round-robin would give 0, 1, 0, 1.
     * Then y_h = (S_h * C + 1/2 * x_h) * silu(1); the grouped RMSNorm normalises (y0, y1) and (y2, y3) separately:
     * yn_i = y_i / sqrt((y_a^2 + y_b^2) / 2), times ssm_norm = [1, 2, 3, 4]; ssm_out = [1, 0, 1, 0], so the layer adds
     * yn_0 * 1 + yn_2 * 3 to u = 1.
     */
    @Test
    void headsReadGroupsInBlocksAndTheNormIsPerGroup() {
        Config c = new Config(1, 1, 1, 4, 1, 4, 2, 0.0, 1);
        double[] col = {1, 1, 1, 1, 1, 2, 3, 4, 10, 20, 1, 1, 0, 0, 0, 0};
        double[] ones8 = {1, 1, 1, 1, 1, 1, 1, 1};
        double b = Math.log(Math.E - 1);
        Layer layer = new Layer(new double[] {1}, Matrix.f32(16, 1, col), ones8, new double[8], new double[] {b, b, b, b},
                new double[4], new double[] {.5, .5, .5, .5}, new double[] {1, 2, 3, 4},
                Matrix.f32(1, 4, new double[] {1, 0, 1, 0}));
        Weights w = new Weights(c, Matrix.f32(1, 1, new double[] {1}), new double[] {1}, Matrix.f32(1, 1, new double[] {1}),
                List.of(layer));

        double[] x = {silu(1), silu(2), silu(3), silu(4)};
        double[] bg = {silu(10), silu(20)};
        ReferenceMamba2 blocked = new ReferenceMamba2(w);
        blocked.step(0);
        assertArrayEquals(new double[] {x[0] * bg[0], x[1] * bg[0], x[2] * bg[1], x[3] * bg[1]}, blocked.ssmState(0), TOL);
        assertEquals(0, blocked.convState(0).length);

        double[] y = new double[4];
        double[] s = blocked.ssmState(0);
        for (int h = 0; h < 4; h++) y[h] = (s[h] * silu(1) + .5 * x[h]) * silu(1);
        double yn0 = y[0] / Math.sqrt((y[0] * y[0] + y[1] * y[1]) / 2);
        double yn2 = y[2] / Math.sqrt((y[2] * y[2] + y[3] * y[3]) / 2);
        assertArrayEquals(new double[] {1 + yn0 * 1 + yn2 * 3}, blocked.lastHidden(), TOL);

        ReferenceMamba2 interleaved = new ReferenceMamba2(w, new Options(false, Q8Variant.X86_SIMD, GroupMapping.INTERLEAVED));
        interleaved.step(0);
        assertArrayEquals(new double[] {x[0] * bg[0], x[1] * bg[1], x[2] * bg[0], x[3] * bg[1]}, interleaved.ssmState(0), TOL);
    }

    /** The state persists across steps: a second token decays the first token's state by dA and adds its own. */
    @Test
    void stateDecaysByDaBetweenSteps() {
        // d_model 1, K 1, d_inner 1, N 1, H 1, G 1; x = silu(1), B = silu(1), dt = 1 (bias ln(e-1)), a = -ln 4 -> dA = 1/4
        Config c = new Config(1, 1, 1, 1, 1, 1, 1, 0.0, 1);
        Layer layer = new Layer(new double[] {1}, Matrix.f32(5, 1, new double[] {0, 1, 1, 1, 0}), new double[] {1, 1, 1},
                new double[3], new double[] {Math.log(Math.E - 1)}, new double[] {-Math.log(4)}, new double[] {0}, null,
                Matrix.f32(1, 1, new double[] {0}));
        Matrix one = Matrix.f32(1, 1, new double[] {1});
        ReferenceMamba2 m = new ReferenceMamba2(new Weights(c, one, new double[] {1}, one, List.of(layer)));
        double inc = silu(1) * silu(1);
        m.step(0);
        assertArrayEquals(new double[] {inc}, m.ssmState(0), TOL);
        m.step(0);
        assertArrayEquals(new double[] {inc / 4 + inc}, m.ssmState(0), TOL);
        m.setSsmState(0, new double[] {8});
        m.step(0);
        assertArrayEquals(new double[] {2 + inc}, m.ssmState(0), TOL);
    }

    @Test
    void softplusFollowsGgmlsThreshold() {
        assertEquals(Math.log(2), ReferenceMamba2.softplus(0), TOL);
        assertEquals(Math.log1p(Math.exp(20)), ReferenceMamba2.softplus(20), TOL);   // 20 is not above the threshold
        assertEquals(20.5, ReferenceMamba2.softplus(20.5));                            // identity above 20
        assertEquals(Math.exp(-30), ReferenceMamba2.softplus(-30), 1e-20);             // log1p keeps tiny values
    }

    @Test
    void randomModelsAreDeterministicAndFinite() {
        Config c = new Config(32, 2, 4, 64, 8, 4, 2, 1e-5, 50);
        ReferenceMamba2 a = new ReferenceMamba2(ReferenceMamba2.randomWeights(c, 42));
        ReferenceMamba2 b = new ReferenceMamba2(ReferenceMamba2.randomWeights(c, 42));
        for (int t : new int[] {3, 14, 15, 9, 2, 6}) {
            double[] la = a.step(t);
            assertArrayEquals(la, b.step(t));
            for (double v : la) assertEquals(true, Double.isFinite(v));
        }
        assertArrayEquals(a.ssmState(1), b.ssmState(1));
    }

    @Test
    void rejectsInconsistentWeights() {
        Config c = new Config(2, 1, 2, 1, 1, 1, 1, 0.0, 2);
        Matrix emb = Matrix.f32(2, 2, new double[4]);
        Layer badConv = new Layer(new double[2], Matrix.f32(5, 2, new double[10]), new double[5], new double[3],
                new double[1], new double[1], new double[1], null, Matrix.f32(2, 1, new double[2]));
        assertThrows(IllegalArgumentException.class, () -> new Weights(c, emb, new double[2], emb, List.of(badConv)));
        assertThrows(IllegalArgumentException.class, () -> new Config(64, 1, 4, 128, 16, 6, 4, 1e-5, 10)); // 6 % 4
        Layer ok = new Layer(new double[2], Matrix.f32(5, 2, new double[10]), new double[6], new double[3],
                new double[1], new double[1], new double[1], null, Matrix.f32(2, 1, new double[2]));
        ReferenceMamba2 m = new ReferenceMamba2(new Weights(c, emb, new double[2], emb, List.of(ok)));
        assertThrows(IllegalArgumentException.class, () -> m.step(2));
    }
}
