package org.jmamba.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Round trips, special tokens and streaming on llama.cpp's SentencePiece vocabulary. */
class SentencePieceTokenizerTest {

    static final List<String> CORPUS = List.of(
            "Hello world",
            " leading space",
            "  two leading spaces and trailing  ",
            "tabs\tand\nnewlines\r\n\n\nand blank lines",
            "中文字符和日本語のテキスト、한국어도",
            "emoji 🦙🚀😶‍🌫️ and flags 🇩🇪 👍🏽",
            "combining: e\u0301 a\u0308 n\u0303 Z\u0335\u0321\u0322",
            "music 𝄞 clef, math 𝔸𝔹ℂ, rare 𐍈",
            "public static void main(String[] args) {\n    System.out.println(\"x = \" + x);\n}\n",
            "def f(x):\n\treturn x ** 2  # comment\n",
            "\u00a0nbsp and\u2003em space\u3000ideographic",
            "      ",
            "\n",
            "a",
            "");

    private static Tokenizer cached;

    /** The shared vocabulary; each test skips with a message when the test data is absent. */
    static synchronized Tokenizer tok() throws Exception {
        if (cached == null) {
            cached = LlamaSpmVocabTest.load();
        }
        return cached;
    }

    @Test
    void roundTripWithoutBosGivesTheTextBack() throws Exception {
        Tokenizer tok = tok();
        for (String s : CORPUS) {
            int[] ids = tok.encode(s, EncodeOptions.PLAIN);
            assertEquals(s, tok.decode(ids), () -> "ids " + Arrays.toString(ids));
        }
    }

    @Test
    void roundTripWithBosKeepsTheSpacePrefixAsLlamaCppDoes() throws Exception {
        Tokenizer tok = tok();
        // llama.cpp strips the prefix space only from the first token; with BOS first (rendered as nothing, or
        // dropped by removeSpecial) the space that encoding added stays.
        for (String s : CORPUS) {
            int[] ids = tok.encode(s, EncodeOptions.PLAIN.withBos());
            assertEquals(1, ids[0]);
            String expected = s.isEmpty() ? "" : " " + s;
            assertEquals(expected, tok.decode(ids));
            assertEquals(expected, tok.decode(ids, true, false));
        }
        assertEquals("<s> Hello world", tok.decode(tok.encode("Hello world", EncodeOptions.PLAIN.withBos()), false, true));
    }

    @Test
    void specialTokensAreParsedOnlyWhenAsked() throws Exception {
        Tokenizer tok = tok();
        // "Hello" gets the prefix space; so does the text after a special token, as in llama.cpp
        assertArrayEquals(new int[] {15043, 2, 3186}, tok.encode("Hello</s>world", EncodeOptions.PLAIN.withParseSpecial()));
        assertArrayEquals(new int[] {1, 1, 15043}, tok.encode("<s>Hello", EncodeOptions.PLAIN.withBos().withParseSpecial()));
        int[] literal = tok.encode("Hello</s>world", EncodeOptions.PLAIN);
        assertFalse(Arrays.stream(literal).anyMatch(i -> i == 2), Arrays.toString(literal));
        assertEquals("Hello</s>world", tok.decode(literal));
        assertArrayEquals(new int[] {2}, tok.encode("</s>", EncodeOptions.PLAIN.withParseSpecial()));
        assertArrayEquals(new int[] {2, 2}, tok.encode("</s></s>", EncodeOptions.PLAIN.withParseSpecial()));
        // the special token renders as nothing unless asked for
        assertEquals("Hello world", tok.decode(new int[] {15043, 2, 3186}));
        assertEquals("Hello</s> world", tok.decode(new int[] {15043, 2, 3186}, false, true));
    }

    @Test
    void byteFallbackForCharactersOutsideTheVocabulary() throws Exception {
        Tokenizer tok = tok();
        int[] ids = tok.encode("𝄞", EncodeOptions.PLAIN);
        // "▁" then the four UTF-8 bytes F0 9D 84 9E as <0xNN> tokens (ids 3 + byte)
        assertArrayEquals(new int[] {29871, 3 + 0xF0, 3 + 0x9D, 3 + 0x84, 3 + 0x9E}, ids);
        assertEquals("𝄞", tok.decode(ids));
    }

    @Test
    void streamingEqualsWholeDecodeAndNeverSplitsCharacters() throws Exception {
        Tokenizer tok = tok();
        for (String s : CORPUS) {
            for (boolean bos : new boolean[] {false, true}) {
                int[] ids = tok.encode(s, EncodeOptions.PLAIN.withBos(bos));
                StreamingDecoder d = tok.streamingDecoder();
                StringBuilder got = new StringBuilder();
                for (int id : ids) {
                    String part = d.feed(id);
                    assertNoBrokenText(part);
                    got.append(part);
                }
                String rest = d.flush();
                assertNoBrokenText(rest);
                got.append(rest);
                assertEquals(tok.decode(ids), got.toString());
            }
        }
    }

    @Test
    void streamingHoldsBackPartialByteSequences() throws Exception {
        Tokenizer tok = tok();
        StreamingDecoder d = tok.streamingDecoder();
        assertEquals("", d.feed(3 + 0xE2));
        assertEquals("", d.feed(3 + 0x82));
        assertEquals("€", d.feed(3 + 0xAC));
        assertEquals("", d.flush());
        // an incomplete sequence at the end becomes one replacement character on flush
        assertEquals("", d.feed(3 + 0xE2));
        assertEquals("\uFFFD", d.flush());
        // after a flush the first token's prefix space is stripped again
        assertEquals("Hello", d.feed(15043));
        assertEquals(" world", d.feed(3186));
    }

    @Test
    void idsOutsideTheVocabularyAreRejected() throws Exception {
        Tokenizer tok = tok();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> tok.decode(new int[] {1, 32000}));
        assertTrue(e.getMessage().contains("32000") && e.getMessage().contains("[0, 32000)"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> tok.piece(-1));
        assertThrows(IllegalArgumentException.class, () -> tok.streamingDecoder().feed(40000));
    }

    @Test
    void streamingRandomIdsEqualsWholeDecode() throws Exception {
        Tokenizer tok = tok();
        // byte tokens in random order make invalid UTF-8 too; both paths must replace it the same way
        java.util.Random rnd = new java.util.Random(11);
        for (int iter = 0; iter < 5000; iter++) {
            int[] ids = new int[rnd.nextInt(10)];
            for (int i = 0; i < ids.length; i++) {
                int r = rnd.nextInt(3);
                ids[i] = r == 0 ? 3 + 0x80 + rnd.nextInt(0x80) : r == 1 ? rnd.nextInt(3) : rnd.nextInt(tok.vocabSize());
            }
            for (boolean special : new boolean[] {false, true}) {
                assertEquals(tok.decode(ids, false, special), BpeTokenizerTest.streamSpecial(tok, ids, special),
                        Arrays.toString(ids));
            }
        }
    }

    @Test
    void encodingLargeTextIsFast() throws Exception {
        Tokenizer tok = tok();
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (b.length() < 100_000) {
            b.append(CORPUS.get(i++ % CORPUS.size())).append(' ').append(i).append('\n');
        }
        String text = b.toString();
        // CPU time of this thread, so that a busy machine does not make the test fail
        java.lang.management.ThreadMXBean mx = java.lang.management.ManagementFactory.getThreadMXBean();
        long t0 = mx.getCurrentThreadCpuTime();
        int[] ids = tok.encode(text, EncodeOptions.PLAIN.withBos());
        long ms = (mx.getCurrentThreadCpuTime() - t0) / 1_000_000;
        assertEquals(" " + text, tok.decode(ids));
        assertTrue(ms < 1000, "encoding 100 KB took " + ms + " ms of CPU time");
    }

    static void assertNoBrokenText(String s) {
        assertFalse(s.indexOf('\uFFFD') >= 0, "replacement character in '" + s + "'");
        if (!s.isEmpty()) {
            assertFalse(Character.isLowSurrogate(s.charAt(0)), "starts with a low surrogate");
            assertFalse(Character.isHighSurrogate(s.charAt(s.length() - 1)), "ends with a high surrogate");
        }
    }
}
