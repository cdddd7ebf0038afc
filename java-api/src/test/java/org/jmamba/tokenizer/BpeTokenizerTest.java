package org.jmamba.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Byte-level BPE on a small hand-written GPT-2 style vocabulary.
 *
 * <p>Ids 0..255 are the single-byte tokens, id {@code b} being byte {@code b} in GPT-2's byte-to-character mapping
 * (space 0x20 is "Ġ", newline 0x0A is "Ċ", printable ASCII stands for itself). Then the merged tokens in merge
 * order, then special tokens:
 * <pre>
 * rank merge        token id        rank merge        token id
 *  0   Ġ t          Ġt    256        8   o r          or     264
 *  1   l l          ll    257        9   Ġw or        Ġwor   265
 *  2   e ll         ell   258       10   Ġwor l       Ġworl  266
 *  3   h ell        hell  259       11   Ġworl d      Ġworld 267
 *  4   hell o       hello 260       12   Ġ Ġ          ĠĠ     268
 *  5   h e          he    261       13   ĠĠ ĠĠ        ĠĠĠĠ   269
 *  6   Ġt he        Ġthe  262       14   1 2          12     270
 *  7   Ġ w          Ġw    263
 * 271 &lt;|endoftext|&gt; CONTROL (bos, eos)    272 "\t\t" USER_DEFINED
 * </pre>
 */
class BpeTokenizerTest {

    static final String[] MERGES = {
        "Ġ t", "l l", "e ll", "h ell", "hell o", "h e", "Ġt he", "Ġ w", "o r", "Ġw or", "Ġwor l", "Ġworl d",
        "Ġ Ġ", "ĠĠ ĠĠ", "1 2"};
    static final int HELLO = 260;
    static final int HE = 261;
    static final int LL = 257;
    static final int THE = 262;
    static final int WORLD = 267;
    static final int SPACE2 = 268;
    static final int SPACE4 = 269;
    static final int TWELVE = 270;
    static final int EOT = 271;
    static final int TABS = 272;

    static Map<String, Object> metadata(String pre) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteUnicode.encode(b)));
        }
        for (String m : MERGES) {
            tokens.add(m.replace(" ", ""));
        }
        tokens.add("<|endoftext|>");
        tokens.add("\t\t");
        int[] types = new int[tokens.size()];
        Arrays.fill(types, TokenType.NORMAL.code());
        types[EOT] = TokenType.CONTROL.code();
        types[TABS] = TokenType.USER_DEFINED.code();
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "gpt2");
        if (pre != null) {
            md.put("tokenizer.ggml.pre", pre);
        }
        md.put("tokenizer.ggml.tokens", tokens.toArray(String[]::new));
        md.put("tokenizer.ggml.token_type", types);
        md.put("tokenizer.ggml.merges", MERGES);
        md.put("tokenizer.ggml.bos_token_id", (long) EOT);
        md.put("tokenizer.ggml.eos_token_id", (long) EOT);
        return md;
    }

    static Tokenizer tokenizer(String pre) {
        return Tokenizer.fromMetadata(TokenizerMetadata.of(metadata(pre)));
    }

    @Test
    void vocabularyShape() {
        Tokenizer t = tokenizer("gpt-2");
        assertTrue(t instanceof BpeTokenizer);
        assertEquals(273, t.vocabSize());
        assertEquals("hello", t.piece(HELLO));
        assertEquals(HELLO, t.tokenId("hello").orElseThrow());
        assertEquals("Ġ", t.piece(32));
        assertEquals(EOT, t.bosId());
        assertTrue(t.isEog(EOT));
        assertFalse(t.isEog(HELLO));
        assertFalse(t.addBosDefault());
        assertFalse(t.addSpacePrefix());
        assertEquals("gpt-2", ((BpeTokenizer) t).preTokenizerName());
    }

    @Test
    void mergesApplyByRank() {
        Tokenizer t = tokenizer("gpt-2");
        // "hello": l+l (rank 1) first, then e+ll (2), h+ell (3), hell+o (4); h+e (5) is stale by then
        // " the":  Ġ+t (0), then h+e (5), then Ġt+he (6)
        // " world": Ġ+w (7), o+r (8), Ġw+or (9), Ġwor+l (10), Ġworl+d (11)
        assertArrayEquals(new int[] {HELLO, THE, WORLD}, t.encode("hello the world", EncodeOptions.PLAIN));
        // "he" stays "he": no merge continues it
        assertArrayEquals(new int[] {HE}, t.encode("he", EncodeOptions.PLAIN));
        // "hel": only h+e (5) applies, as "ll" needs two l's -> he, l
        assertArrayEquals(new int[] {HE, 'l'}, t.encode("hel", EncodeOptions.PLAIN));
        // "lll": both l+l pairs have rank 1, the leftmost merges first -> ll, l
        assertArrayEquals(new int[] {LL, 'l'}, t.encode("lll", EncodeOptions.PLAIN));
        // "hellhello" is one word: l+l twice (leftmost first), e+ll twice, h+ell twice, then hell+o
        assertArrayEquals(new int[] {259, HELLO}, t.encode("hellhello", EncodeOptions.PLAIN));
        assertArrayEquals(new int[] {EOT, HELLO}, t.encode("hello", EncodeOptions.PLAIN.withBos()));
    }

    @Test
    void whitespaceRuns() {
        Tokenizer t = tokenizer("gpt-2");
        // "a   b" splits into "a", "  ", " b"; "  " is Ġ Ġ -> ĠĠ; " b" has no merge -> Ġ, b
        assertArrayEquals(new int[] {'a', SPACE2, ' ', 'b'}, t.encode("a   b", EncodeOptions.PLAIN));
        // five spaces before x: "    " then " x"; in ĠĠĠĠ the pairs (0,1) and (2,3) merge first (leftmost, rank
        // 12), then ĠĠ+ĠĠ (13)
        assertArrayEquals(new int[] {SPACE4, ' ', 'x'}, t.encode("     x", EncodeOptions.PLAIN));
        // newline is byte 0x0A, a token of its own
        assertArrayEquals(new int[] {HELLO, '\n', '\n', 'x'}, t.encode("hello\n\nx", EncodeOptions.PLAIN));
    }

    @Test
    void preTokenizerChangesDigitSplits() {
        // gpt-2: "1212" is one word -> 12 12; llama3 cuts "121" "2" -> 12 1 | 2; qwen2 single digits
        assertArrayEquals(new int[] {TWELVE, TWELVE}, tokenizer("gpt-2").encode("1212", EncodeOptions.PLAIN));
        assertArrayEquals(new int[] {TWELVE, TWELVE}, tokenizer("mpt").encode("1212", EncodeOptions.PLAIN));
        assertArrayEquals(new int[] {TWELVE, '1', '2'}, tokenizer("llama3").encode("1212", EncodeOptions.PLAIN));
        assertArrayEquals(new int[] {'1', '2', '1', '2'}, tokenizer("qwen2").encode("1212", EncodeOptions.PLAIN));
        assertArrayEquals(new int[] {TWELVE, '1', '2'}, tokenizer("default").encode("1212", EncodeOptions.PLAIN));
        assertArrayEquals(new int[] {TWELVE, '1', '2'}, tokenizer(null).encode("1212", EncodeOptions.PLAIN));
        // llama3 models add BOS by default
        assertTrue(tokenizer("llama-bpe").addBosDefault());
    }

    @Test
    void multiByteCharactersBecomeByteTokens() {
        Tokenizer t = tokenizer("gpt-2");
        // é is C3 A9; 🦙 is F0 9F A6 99; no merges cover them, so each byte is its own token
        assertArrayEquals(new int[] {0xC3, 0xA9}, t.encode("é", EncodeOptions.PLAIN));
        assertArrayEquals(new int[] {' ', 0xF0, 0x9F, 0xA6, 0x99}, t.encode(" 🦙", EncodeOptions.PLAIN));
        assertEquals("é 🦙", t.decode(t.encode("é 🦙", EncodeOptions.PLAIN)));
        assertEquals("Ã", t.piece(0xC3));
    }

    @Test
    void specialAndUserDefinedTokens() {
        Tokenizer t = tokenizer("gpt-2");
        assertArrayEquals(new int[] {HELLO, EOT, WORLD}, t.encode("hello<|endoftext|> world", EncodeOptions.PLAIN.withParseSpecial()));
        // not parsed: the text is split as text ("hello", "<|", "endoftext", "|>")
        int[] literal = t.encode("hello<|endoftext|>", EncodeOptions.PLAIN);
        assertArrayEquals(new int[] {HELLO, '<', '|', 'e', 'n', 'd', 'o', 'f', 't', 'e', 'x', 't', '|', '>'}, literal);
        assertEquals("hello<|endoftext|>", t.decode(literal));
        // user-defined tokens are split out even without special parsing, and render as their text
        assertArrayEquals(new int[] {'a', TABS, 'b'}, t.encode("a\t\tb", EncodeOptions.PLAIN));
        assertEquals("a\t\tb", t.decode(new int[] {'a', TABS, 'b'}));
        // control tokens render only when asked
        assertEquals("hello world", t.decode(new int[] {HELLO, EOT, WORLD}));
        assertEquals("hello<|endoftext|> world", t.decode(new int[] {HELLO, EOT, WORLD}, false, true));
    }

    @Test
    void decodeCleansSpacesLikeLlamaCpp() {
        Tokenizer gpt2 = tokenizer("gpt-2");
        Tokenizer qwen = tokenizer("qwen2");
        int[] ids = gpt2.encode("hello , world ! it 's ' x ' ok 're 'll", EncodeOptions.PLAIN);
        // pass 1 drops the spaces before , and !; pass 2 turns both " ' " into "'"; pass 3 drops the spaces
        // before 's and 're but not before 'll
        assertEquals("hello, world! it's'x'ok're 'll", gpt2.decode(ids));
        assertEquals("hello , world ! it 's ' x ' ok 're 'll", qwen.decode(ids));
    }

    @Test
    void roundTrip() {
        Tokenizer t = tokenizer("gpt-2");
        for (String s : SentencePieceTokenizerTest.CORPUS) {
            for (String pre : new String[] {"gpt-2", "llama3", "qwen2", "default"}) {
                Tokenizer tp = tokenizer(pre);
                int[] ids = tp.encode(s, EncodeOptions.PLAIN);
                String expected = pre.equals("qwen2") ? s : SpaceCleaner.clean(s);
                assertEquals(expected, tp.decode(ids), () -> pre + " on '" + s + "'");
            }
        }
        assertEquals("x", t.decode(t.encode("x", EncodeOptions.PLAIN)));
    }

    @Test
    void streamingEqualsWholeDecode() {
        Tokenizer t = tokenizer("gpt-2");
        for (String s : SentencePieceTokenizerTest.CORPUS) {
            int[] ids = t.encode(s + " , it 's ok 're", EncodeOptions.PLAIN.withBos());
            assertEquals(t.decode(ids), stream(t, ids, true));
        }
        // random ids, including byte tokens that do not form valid UTF-8: streamed text still equals decode
        Random rnd = new Random(7);
        for (int iter = 0; iter < 5000; iter++) {
            int[] ids = new int[rnd.nextInt(12)];
            for (int i = 0; i < ids.length; i++) {
                int r = rnd.nextInt(10);
                ids[i] = r < 3 ? new int[] {' ', '\'', 's', 'r', 'e', '.', ',', 'x'}[rnd.nextInt(8)]
                        : r < 6 ? 0x80 + rnd.nextInt(0x80) : rnd.nextInt(t.vocabSize());
            }
            for (boolean special : new boolean[] {false, true}) {
                assertEquals(t.decode(ids, false, special), streamSpecial(t, ids, special), Arrays.toString(ids));
            }
        }
    }

    @Test
    void streamingHoldsBackWhatCleanUpMayStillChange() {
        Tokenizer t = tokenizer("gpt-2");
        StreamingDecoder d = t.streamingDecoder();
        assertEquals("hello", d.feed(HELLO));
        assertEquals("", d.feed(' '));         // " " might precede "," or "'s"
        assertEquals(",", d.feed(','));        // the space went away
        assertEquals("", d.feed(' '));
        assertEquals("", d.feed('\''));
        assertEquals("'s", d.feed('s'));       // " 's" -> "'s"
        assertEquals("", d.feed(0xE2));        // first byte of a three-byte character
        assertEquals("", d.feed(0x82));
        assertEquals("€", d.feed(0xAC));
        assertEquals("", d.feed(' '));
        assertEquals(" ", d.flush());
    }

    static String stream(Tokenizer t, int[] ids, boolean checkClean) {
        StreamingDecoder d = t.streamingDecoder();
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            String part = d.feed(id);
            if (checkClean) {
                SentencePieceTokenizerTest.assertNoBrokenText(part);
            }
            b.append(part);
        }
        return b.append(d.flush()).toString();
    }

    static String streamSpecial(Tokenizer t, int[] ids, boolean special) {
        StreamingDecoder d = t.streamingDecoder(special);
        StringBuilder b = new StringBuilder();
        for (int id : ids) {
            b.append(d.feed(id));
        }
        return b.append(d.flush()).toString();
    }
}
