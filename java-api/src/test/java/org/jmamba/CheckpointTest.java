package org.jmamba;

import static org.jmamba.SessionTest.maxRelDiff;
import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Token history, checkpoints, rewind and evalSequence, each checked against a fresh session fed
 * the same tokens, within the tolerance the forward already holds between one batch and single
 * steps (SessionTest: 1e-5 of the largest value).
 */
class CheckpointTest extends SmallModelTests {
    static final float TOLERANCE = 1e-5f;

    static SessionOptions checkpoints(int n, int spacing) {
        return SessionOptions.defaults().withCheckpoints(model, n).withCheckpointSpacing(spacing);
    }

    /** A fresh session fed the tokens one call at a time in pieces of 7: another split than any tested here. */
    static Session fresh(int[] ids) {
        Session s = model.newSession();
        for (int i = 0; i < ids.length; i += 7) s.eval(Arrays.copyOfRange(ids, i, Math.min(ids.length, i + 7)));
        return s;
    }

    static void assertSameState(Session expected, Session actual, String what) {
        assertEquals(expected.position(), actual.position(), what + ": position");
        float[] a = expected.stateView().toArray(ValueLayout.JAVA_FLOAT), b = actual.stateView().toArray(ValueLayout.JAVA_FLOAT);
        assertTrue(maxRelDiff(b, a) < TOLERANCE, what + ": states differ by " + maxRelDiff(b, a));
        float[] la = expected.logits().toArray(), lb = actual.logits().toArray();
        assertTrue(maxRelDiff(lb, la) < TOLERANCE, what + ": logits differ by " + maxRelDiff(lb, la));
    }

    @Test
    void rewindThenContinuingEqualsAFreshSession() {
        int[] ids = tokens(130, 1);
        int[] next = {5, 77, 120, 3};
        for (SessionOptions o : List.of(checkpoints(4, 16), checkpoints(100, 16), SessionOptions.defaults())) {
            try (Session s = model.newSession(o)) {
                s.eval(Arrays.copyOf(ids, 100)); // one call, checkpoints inside it
                for (int i = 100; i < ids.length; i++) s.eval(ids[i]); // decode steps
                assertEquals(130, s.position());
                assertArrayEquals(ids, s.history());
                for (int k : new int[] {129, 121, 97, 64, 60, 48, 33, 1}) { // going back further each time
                    s.rewind(k);
                    int[] prefix = Arrays.copyOf(ids, k);
                    try (Session f = fresh(prefix)) {
                        assertSameState(f, s, "rewind to " + k + " with " + o);
                        assertArrayEquals(prefix, s.history());
                        float[] want = f.eval(next).toArray();
                        float[] got = s.eval(next).toArray();
                        assertTrue(maxRelDiff(got, want) < TOLERANCE, "continuing after rewind to " + k + ": " + maxRelDiff(got, want));
                    }
                    s.rewind(k); // drop the continuation again
                }
                s.rewind(0);
                try (Session zero = model.newSession()) {
                    assertArrayEquals(zero.stateView().toArray(ValueLayout.JAVA_FLOAT), s.stateView().toArray(ValueLayout.JAVA_FLOAT), 0f);
                }
                assertEquals(0, s.history().length);
            }
        }
    }

    @Test
    void evalSequenceAfterAnEditReevaluatesOnlyFromTheCheckpointBeforeIt() {
        int[] file = tokens(1000, 2);
        try (Session s = model.newSession(checkpoints(20, 64))) {
            s.evalSequence(file);
            assertEquals(1000, s.tokensEvaluated());
            assertEquals(15, s.checkpointCount(), "one at each multiple of 64: " + s.checkpointPositions());

            int[] edited = file.clone();
            edited[700] = (edited[700] + 1) % vocab; // an edit in the middle
            long before = s.tokensEvaluated();
            float[] got = s.evalSequence(edited).toArray();
            assertEquals(1000 - 640, s.tokensEvaluated() - before, "only the tokens after the checkpoint at 640");
            try (Session f = fresh(edited)) {
                assertSameState(f, s, "after the edit");
                assertTrue(maxRelDiff(got, f.logits().toArray()) < TOLERANCE);
            }

            // typing at the end: only the new tokens; the same sequence again: nothing
            int[] typed = Arrays.copyOf(edited, 1003);
            typed[1000] = 9;
            typed[1001] = 10;
            typed[1002] = 11;
            before = s.tokensEvaluated();
            s.evalSequence(typed);
            assertEquals(3, s.tokensEvaluated() - before);
            before = s.tokensEvaluated();
            float[] again = s.evalSequence(typed).toArray();
            assertEquals(0, s.tokensEvaluated() - before);

            // a deletion at the end: back to the checkpoint at 960, then 990 - 960 tokens
            int[] cut = Arrays.copyOf(typed, 990);
            before = s.tokensEvaluated();
            s.evalSequence(cut);
            assertEquals(990 - 960, s.tokensEvaluated() - before);
            try (Session f = fresh(cut)) {
                assertSameState(f, s, "after cutting the end");
            }
            try (Session f = fresh(typed)) {
                assertTrue(maxRelDiff(again, f.logits().toArray()) < TOLERANCE);
            }
        }
    }

    @Test
    void withoutCheckpointsEvalSequenceStartsOverButStillReusesAnUnchangedPrefixAtTheEnd() {
        int[] file = tokens(200, 3);
        try (Session s = model.newSession()) {
            s.evalSequence(file);
            int[] edited = file.clone();
            edited[150] = 0;
            long before = s.tokensEvaluated();
            s.evalSequence(edited);
            assertEquals(200, s.tokensEvaluated() - before, "no checkpoint: from the zero state");
            int[] longer = Arrays.copyOf(edited, 205);
            before = s.tokensEvaluated();
            s.evalSequence(longer);
            assertEquals(5, s.tokensEvaluated() - before, "the current state is its own checkpoint");
            try (Session f = fresh(longer)) {
                assertSameState(f, s, "appended");
            }
        }
    }

    @Test
    void checkpointsStayWithinTheBudgetAndThinLogarithmically() {
        try (Session s = model.newSession(checkpoints(6, 10))) {
            s.feed(tokens(2000, 4));
            long per = Checkpoints.bytesPerCheckpoint(model.params());
            assertEquals(6, s.checkpointCount());
            assertEquals(6 * per, s.checkpointBytes());
            List<Long> p = s.checkpointPositions();
            assertEquals(2000L, p.getLast(), p.toString());
            assertTrue(2000 - p.getFirst() >= 500, "old checkpoints survive, not a sliding window of 60 tokens: " + p);
            long firstGap = p.get(1) - p.get(0), lastGap = p.get(5) - p.get(4);
            assertTrue(firstGap > 4 * lastGap, "gaps grow with the distance from the end: " + p);
        }
    }

    @Test
    void explicitCheckpointsAreKeptBeforeAutomaticOnesAndRewindToThemNeedsNoEvaluation() {
        try (Session s = model.newSession(checkpoints(3, 8))) {
            s.eval(tokens(13, 5));
            s.checkpoint(); // e.g. the start of a chat turn
            s.eval(tokens(60, 6));
            assertTrue(s.checkpointPositions().contains(13L), s.checkpointPositions().toString());
            long before = s.tokensEvaluated();
            s.rewind(13);
            assertEquals(0, s.tokensEvaluated() - before, "the checkpoint holds the state and the logits");
            try (Session f = fresh(tokens(13, 5))) {
                assertSameState(f, s, "rewind to the explicit checkpoint");
            }
        }
        try (Session s = model.newSession()) {
            var e = assertThrows(IllegalStateException.class, s::checkpoint);
            assertTrue(e.getMessage().contains("budget"), e.getMessage());
        }
    }

    @Test
    void badRewindsAreRefusedAndChangeNothing() {
        try (Session s = model.newSession(checkpoints(4, 8))) {
            s.eval(tokens(20, 7));
            float[] before = s.stateView().toArray(ValueLayout.JAVA_FLOAT);
            var past = assertThrows(IllegalArgumentException.class, () -> s.rewind(21));
            assertTrue(past.getMessage().contains("21") && past.getMessage().contains("[0, 20]"), past.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.rewind(-1));
            assertThrows(IllegalArgumentException.class, () -> s.rewind(Long.MIN_VALUE));
            assertThrows(IllegalArgumentException.class, () -> s.rewind(Long.MAX_VALUE));
            assertArrayEquals(before, s.stateView().toArray(ValueLayout.JAVA_FLOAT), 0f);
            assertEquals(20, s.position());
            assertThrows(IllegalArgumentException.class, () -> s.evalSequence());
            assertThrows(IllegalArgumentException.class, () -> s.evalSequence(1, vocab));
            assertEquals(20, s.position());
        }
        Session closed = model.newSession();
        closed.close();
        assertThrows(IllegalStateException.class, () -> closed.rewind(0));
        assertThrows(IllegalStateException.class, () -> closed.evalSequence(1));
    }

    @Test
    void aStateRestoredWithoutItsTokensCannotRewindBeforeIt() {
        int[] ids = tokens(40, 8);
        try (Session a = model.newSession(); State full = (a.eval(ids) != null ? a.snapshot() : null);
             State bare = full.withoutTokens(); Session s = model.newSession(checkpoints(4, 16))) {
            s.restore(bare);
            assertEquals(40, s.historyStart());
            s.eval(1, 2, 3, 4, 5);
            var e = assertThrows(IllegalArgumentException.class, () -> s.rewind(39));
            assertTrue(e.getMessage().contains("not known"), e.getMessage());
            s.rewind(42); // from the restored state, kept as a checkpoint
            int[] all = Arrays.copyOf(ids, 42);
            all[40] = 1;
            all[41] = 2;
            try (Session f = fresh(all)) {
                assertSameState(f, s, "rewind after a restore without tokens");
            }
            // evalSequence cannot compare with an unknown history: it starts over
            int[] seq = tokens(30, 9);
            s.evalSequence(seq);
            assertEquals(0, s.historyStart());
            try (Session f = fresh(seq)) {
                assertSameState(f, s, "evalSequence after a restore without tokens");
            }
        }
    }

    @Test
    void snapshotsCarryHistoryAndLogitsAndForksCarryHistory() {
        int[] ids = tokens(30, 10);
        try (Session s = model.newSession(checkpoints(4, 8))) {
            float[] logits = s.eval(ids).toArray();
            try (State st = s.snapshot(); Session t = model.newSession(); Session f = s.fork()) {
                assertArrayEquals(ids, st.tokens().orElseThrow());
                assertArrayEquals(logits, st.logits().orElseThrow(), 0f);
                t.restore(st);
                assertArrayEquals(ids, t.history());
                assertArrayEquals(logits, t.logits().toArray(), 0f);
                assertArrayEquals(ids, f.history());
                f.rewind(10);
                try (Session fr = fresh(Arrays.copyOf(ids, 10))) {
                    assertSameState(fr, f, "rewind in a fork");
                }
            }
            s.feed(1); // 31: no checkpoint boundary, so no logits either
            try (State st = s.snapshot()) {
                assertTrue(st.logits().isEmpty(), "feed computes no logits");
            }
        }
    }
}
