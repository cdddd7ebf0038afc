package org.jmamba.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How special tokens split the text, following llama.cpp's {@code tokenizer_st_partition}. */
class SpecialTokenTest {

    static final int UNK = 0;
    static final int BOS = 1;
    static final int EOS = 2;
    static final int INST = 3;
    static final int END_INST = 4;
    static final int SP = 5;
    static final int A = 6;
    static final int B = 7;
    static final int SP_A = 8;
    static final int SP_AB = 9;
    static final int LT_A = 10;     // "<a>"  CONTROL
    static final int A_GT_BC = 11;  // "a>bc" USER_DEFINED
    static final int NL = 12;       // "<0x0A>" BYTE

    static Tokenizer tokenizer() {
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "llama");
        md.put("tokenizer.ggml.tokens", new String[] {
            "<unk>", "<s>", "</s>", "[INST]", "[/INST]", "▁", "a", "b", "▁a", "▁ab", "<a>", "a>bc", "<0x0A>"});
        md.put("tokenizer.ggml.scores", new float[] {0, 0, 0, 0, 0, -1, -2, -3, -1.5f, -1, 0, 0, 0});
        md.put("tokenizer.ggml.token_type", new int[] {2, 3, 3, 3, 3, 1, 1, 1, 1, 1, 3, 4, 6});
        return Tokenizer.fromMetadata(TokenizerMetadata.of(md));
    }

    @Test
    void textAfterEachSpecialTokenGetsTheSpacePrefix() {
        Tokenizer t = tokenizer();
        // "[INST]" | " ab" | "[/INST]" | " a"
        assertArrayEquals(new int[] {BOS, INST, SP_AB, END_INST, SP_A}, t.encode("[INST]ab[/INST]a", EncodeOptions.PLAIN.withBos().withParseSpecial()));
        // without special parsing the brackets are text: '[' is not in the vocabulary and there are no byte
        // tokens for it, so it becomes <unk>
        int[] literal = t.encode("[INST]", EncodeOptions.PLAIN);
        assertEquals(UNK, literal[1]);
        // " \na": the prefix space stays alone, the newline is a byte token, "a" follows it without a space
        assertArrayEquals(new int[] {INST, SP, NL, A}, t.encode("[INST]\na", EncodeOptions.PLAIN.withParseSpecial()));
    }

    @Test
    void longerSpecialTokensAreCutOutFirst() {
        Tokenizer t = tokenizer();
        // "a>bc" (4 bytes, user-defined) is matched before "<a>" (3 bytes), even though "<a>" starts earlier:
        // "b<a>bc" -> " b<" | "a>bc"; '<' is unknown
        assertArrayEquals(new int[] {SP, B, UNK, A_GT_BC}, t.encode("b<a>bc", EncodeOptions.PLAIN.withParseSpecial()));
        // user-defined tokens are cut out even without special parsing
        assertArrayEquals(new int[] {SP, B, UNK, A_GT_BC}, t.encode("b<a>bc", EncodeOptions.PLAIN));
        // "<a>" alone is a control token, recognised only with special parsing
        assertArrayEquals(new int[] {LT_A, SP_A}, t.encode("<a>a", EncodeOptions.PLAIN.withParseSpecial()));
    }

    @Test
    void decodeRendersSpecialTokensOnlyWhenAsked() {
        Tokenizer t = tokenizer();
        int[] ids = {BOS, INST, SP_AB, END_INST, SP_A};
        assertEquals(" ab a", t.decode(ids));
        assertEquals("<s>[INST] ab[/INST] a", t.decode(ids, false, true));
        // user-defined tokens always render as their text
        assertEquals("ba>bc", t.decode(new int[] {SP, B, A_GT_BC}));
    }
}
