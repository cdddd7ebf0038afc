package org.jmamba.swing;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.jmamba.Model;
import org.jmamba.Session;
import org.junit.jupiter.api.Test;

class IncrementalContextTest {
    static float maxRelDiff(float[] a, float[] b) {
        double max = 0, scale = 1e-6;
        for (float v : b) scale = Math.max(scale, Math.abs(v));
        for (int i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
        return (float) (max / scale);
    }

    private static int[] randomTokens(int n, int vocab, long seed) {
        Random r = new Random(seed);
        int[] t = new int[n];
        for (int i = 0; i < n; i++) t[i] = 3 + r.nextInt(vocab - 3);
        return t;
    }

    /** An edit 100 tokens from the end of 2,000: only the tokens after the snapshot before the edit are evaluated. */
    @Test
    void anEditReEvaluatesFromTheSnapshotBeforeItAndGivesColdLogits() throws Exception {
        try (Model m = Model.load(TestModel.path()); Session s = m.newSession(); Session cold = m.newSession();
                IncrementalContext ctx = new IncrementalContext(s)) {
            int vocab = m.params().nVocab();
            int[] file = randomTokens(2000, vocab, 1);
            IncrementalContext.Prepared first = ctx.prepare(file);
            assertEquals(0, first.reused());
            assertEquals(2000, first.evaluated());

            int[] edited = file.clone();
            int at = 1900;
            edited[at] = edited[at] == 5 ? 6 : 5;
            s.eval(7, 8, 9); // a generation moved the session on: prepare must not care
            IncrementalContext.Prepared p = ctx.prepare(edited);
            int snapshotBefore = at / IncrementalContext.SPACING * IncrementalContext.SPACING;
            assertEquals(snapshotBefore, p.reused());
            assertEquals(2000 - snapshotBefore, p.evaluated());
            float[] want = cold.eval(edited).toArray();
            assertTrue(maxRelDiff(p.logits().toArray(), want) < 1e-5, "logits differ by " + maxRelDiff(p.logits().toArray(), want));

            // typing at the end: the tip snapshot leaves one token to evaluate, then the new ones
            int[] typed = java.util.Arrays.copyOf(edited, 2003);
            typed[2000] = 10; typed[2001] = 11; typed[2002] = 12;
            IncrementalContext.Prepared q = ctx.prepare(typed);
            assertEquals(1999, q.reused());
            assertEquals(4, q.evaluated());
            cold.reset();
            assertTrue(maxRelDiff(q.logits().toArray(), cold.eval(typed).toArray()) < 1e-5);

            // the same text again (a dismissed completion asked for anew): one token
            assertEquals(1, ctx.prepare(typed).evaluated());
            assertTrue(ctx.snapshotCount() <= IncrementalContext.MAX_SNAPSHOTS);
        }
    }

    @Test
    void snapshotsStayWithinTheirBoundOnALongBuffer() throws Exception {
        try (Model m = Model.load(TestModel.path()); Session s = m.newSession(); IncrementalContext ctx = new IncrementalContext(s)) {
            int[] t = randomTokens(IncrementalContext.SPACING * (IncrementalContext.MAX_SNAPSHOTS + 10), m.params().nVocab(), 2);
            ctx.prepare(t);
            assertEquals(IncrementalContext.MAX_SNAPSHOTS, ctx.snapshotCount());
            int[] edited = t.clone();
            edited[t.length - 10] ^= 1;
            IncrementalContext.Prepared p = ctx.prepare(edited);
            assertTrue(p.evaluated() <= 10 + IncrementalContext.SPACING, "evaluated " + p.evaluated());
        }
    }
}
