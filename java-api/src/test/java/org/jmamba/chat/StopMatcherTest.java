package org.jmamba.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

class StopMatcherTest {

    /** What a stream produced: all emitted text, and the stop found (or null). */
    private record Outcome(String text, String stop) {}

    /**
     * The specification, computed on the whole text: the first position where some stop string ends,
     * the longest such stop there; the text before it is the output.
     */
    private static Outcome oracle(String text, List<String> stops) {
        for (int end = 1; end <= text.length(); end++) {
            String best = null;
            for (String s : stops) {
                if (s.length() <= end && text.startsWith(s, end - s.length())
                        && (best == null || s.length() > best.length())) {
                    best = s;
                }
            }
            if (best != null) {
                return new Outcome(text.substring(0, end - best.length()), best);
            }
        }
        return new Outcome(text, null);
    }

    private static Outcome stream(StopMatcher m, List<String> chunks) {
        StringBuilder out = new StringBuilder();
        for (String c : chunks) {
            StopMatcher.Result r = m.feed(c);
            assertWellFormedPiece(r.text());
            out.append(r.text());
            if (r.stopped()) {
                assertTrue(m.stopped());
                assertEquals("", m.flush());
                return new Outcome(out.toString(), r.stop());
            }
        }
        String rest = m.flush();
        out.append(rest);
        return new Outcome(out.toString(), null);
    }

    /** An emitted piece never ends inside a surrogate pair, so it never starts inside one either. */
    private static void assertWellFormedPiece(String piece) {
        if (!piece.isEmpty()) {
            assertFalse(Character.isHighSurrogate(piece.charAt(piece.length() - 1)), "piece ends in a high surrogate");
        }
    }

    private static void assertAllSplits(String text, String... stops) {
        List<String> stopList = List.of(stops);
        Outcome want = oracle(text, stopList);
        int n = text.length();
        // one chunk, one character at a time, and every cut into two and three chunks
        assertEquals(want, stream(new StopMatcher(stopList), List.of(text)), "whole");
        List<String> chars = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            chars.add(text.substring(i, i + 1));
        }
        assertEquals(want, stream(new StopMatcher(stopList), chars), "char by char");
        for (int i = 0; i <= n; i++) {
            for (int j = i; j <= n; j++) {
                List<String> chunks = List.of(text.substring(0, i), text.substring(i, j), text.substring(j));
                assertEquals(want, stream(new StopMatcher(stopList), chunks), "cuts " + i + ", " + j);
            }
        }
    }

    @Test
    void stopSplitAcrossChunksAtEveryPosition() {
        assertAllSplits("Hello world</s> ignored", "</s>");
        assertAllSplits("no stop here at all <", "</s>");
        assertAllSplits("<<</s", "</s>");
        assertAllSplits("</s>", "</s>");
    }

    @Test
    void overlappingPrefixes() {
        assertEquals(new Outcome("a", "ab"), oracle("aab", List.of("ab", "abc")));
        assertAllSplits("aab", "ab", "abc");
        assertAllSplits("aabc", "abc", "ab");
        // the stop that ends first wins even if another started earlier
        assertEquals(new Outcome("a", "bc"), oracle("abcd", List.of("abcd", "bc")));
        assertAllSplits("abcd", "abcd", "bc");
        // same end: the longest wins
        assertEquals(new Outcome("x", "abc"), oracle("xabc", List.of("c", "abc")));
        assertAllSplits("xabc", "c", "abc");
        // self-overlapping stop
        assertAllSplits("aaab", "aab");
        assertAllSplits("abababac", "ababac");
    }

    @Test
    void multipleStops() {
        assertAllSplits("Sure.\n\nUser: next", "</s>", "[INST]", "\n\nUser:");
        assertAllSplits("code [INST] more </s>", "</s>", "[INST]", "\n\nUser:");
        assertAllSplits("[INS [IN [INST", "</s>", "[INST]");
    }

    @Test
    void unicodeIncludingSurrogatePairs() {
        // U+1F6D1 and U+1F600 share their high surrogate (D83D).
        assertAllSplits("a\uD83D\uDE00b\uD83D\uDED1c", "\uD83D\uDED1");
        assertAllSplits("\uD83D\uDE00\uD83D\uDE00", "\uD83D\uDED1");
        assertAllSplits("日本語のテキスト終わり残り", "終わり");
        assertAllSplits("ça va? — oui", "— o");
    }

    @Test
    void holdsBackOnlyWhatCouldStillBecomeAStop() {
        StopMatcher m = new StopMatcher("</s>");
        assertEquals(new StopMatcher.Result("hello", null), m.feed("hello"));
        assertEquals(new StopMatcher.Result(" wor", null), m.feed(" wor</"));
        assertEquals(new StopMatcher.Result("", null), m.feed("s"));
        assertEquals(new StopMatcher.Result("</sx", null), m.feed("x"));
        assertEquals(new StopMatcher.Result("", null), m.feed("<"));
        assertEquals("<", m.flush());
        assertEquals("", m.flush());
    }

    @Test
    void reportsTheTextBeforeTheStop() {
        StopMatcher m = new StopMatcher("</s>", "[INST]");
        assertEquals(new StopMatcher.Result("abc", null), m.feed("abc["));
        StopMatcher.Result r = m.feed("IN");
        assertEquals("", r.text());
        r = m.feed("ST] after");
        assertTrue(r.stopped());
        assertEquals("", r.text());
        assertEquals("[INST]", r.stop());

        m = new StopMatcher("</s>");
        r = m.feed("one two</s>three");
        assertEquals(new StopMatcher.Result("one two", "</s>"), r);
    }

    @Test
    void emptyChunks() {
        StopMatcher m = new StopMatcher("ab");
        assertEquals(new StopMatcher.Result("", null), m.feed(""));
        assertEquals(new StopMatcher.Result("", null), m.feed("a"));
        assertEquals(new StopMatcher.Result("", null), m.feed(""));
        StopMatcher.Result r = m.feed("b");
        assertTrue(r.stopped());
        assertEquals(List.of("ab"), m.stops());
    }

    @Test
    void afterAStopFeedingIsAnErrorUntilReset() {
        StopMatcher m = new StopMatcher("x");
        assertTrue(m.feed("x").stopped());
        assertThrows(IllegalStateException.class, () -> m.feed("more"));
        m.reset();
        assertFalse(m.stopped());
        assertEquals(new StopMatcher.Result("abc", null), m.feed("abc"));
    }

    @Test
    void withoutStopsEverythingPassesThrough() {
        StopMatcher m = new StopMatcher(List.of());
        assertEquals(new StopMatcher.Result("abc</s>", null), m.feed("abc</s>"));
        assertEquals("", m.flush());
        StopMatcher.Result r = m.feed("x\uD83D");
        assertEquals("x", r.text()); // half of a pair waits for its other half
        assertEquals("\uD83D\uDE00", m.feed("\uDE00").text());
    }

    @Test
    void invalidStopsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new StopMatcher(""));
        assertThrows(IllegalArgumentException.class, () -> new StopMatcher("a\uD83D"));
        assertThrows(IllegalArgumentException.class, () -> new StopMatcher("\uDE00b"));
        assertThrows(NullPointerException.class, () -> new StopMatcher((String) null));
        assertThrows(NullPointerException.class, () -> new StopMatcher("a").feed(null));
        assertNull(new StopMatcher.Result("", null).stop());
    }

    @Test
    void randomTextsAndChunkingsAgreeWithTheOracle() {
        SplittableRandom r = new SplittableRandom(4);
        List<String> stops = List.of("ab", "abc", "bca", "cc", "aaaa");
        for (int round = 0; round < 3000; round++) {
            int n = r.nextInt(25);
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < n; i++) {
                text.append((char) ('a' + r.nextInt(r.nextBoolean() ? 3 : 4)));
            }
            List<String> chunks = new ArrayList<>();
            int at = 0;
            while (at < n) {
                int len = Math.min(n - at, r.nextInt(6));
                chunks.add(text.substring(at, at + len));
                at += len;
            }
            assertEquals(oracle(text.toString(), stops), stream(new StopMatcher(stops), chunks), text + " " + chunks);
        }
    }
}
