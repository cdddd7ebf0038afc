package org.jmamba.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Broken or unsupported metadata fails with an exception that names the key. */
class HostileMetadataTest {

    /** A tiny valid SentencePiece vocabulary: unk, bos, eos, ▁, a, b, ▁a, ▁ab. */
    static Map<String, Object> spm() {
        Map<String, Object> md = new HashMap<>();
        md.put("tokenizer.ggml.model", "llama");
        md.put("tokenizer.ggml.tokens", new String[] {"<unk>", "<s>", "</s>", "▁", "a", "b", "▁a", "▁ab"});
        md.put("tokenizer.ggml.scores", new float[] {0, 0, 0, -1, -2, -3, -1.5f, -1});
        md.put("tokenizer.ggml.token_type", new int[] {2, 3, 3, 1, 1, 1, 1, 1});
        return md;
    }

    static TokenizerFormatException fails(Map<String, Object> md, String key, String... phrases) {
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class,
                () -> Tokenizer.fromMetadata(TokenizerMetadata.of(md)));
        assertEquals(key, e.key());
        assertTrue(e.getMessage().contains(key), e.getMessage());
        for (String p : phrases) {
            assertTrue(e.getMessage().contains(p), () -> "'" + e.getMessage() + "' should mention '" + p + "'");
        }
        return e;
    }

    static Map<String, Object> with(Map<String, Object> md, Consumer<Map<String, Object>> change) {
        Map<String, Object> copy = new HashMap<>(md);
        change.accept(copy);
        return copy;
    }

    @Test
    void theValidVocabularyWorks() {
        Tokenizer t = Tokenizer.fromMetadata(TokenizerMetadata.of(spm()));
        assertTrue(t instanceof SentencePieceTokenizer);
        // "ab" -> "▁ab": pairs ▁a (-1.5) and ab (none): ▁a merges, then ▁a+b = ▁ab (-1)
        assertArrayEquals(new int[] {1, 7}, t.encode("ab"));
        // "c" is not in the vocabulary and there are no byte tokens: the unknown token stands in
        assertArrayEquals(new int[] {3, 0}, t.encode("c", EncodeOptions.PLAIN));
        assertEquals("ab", t.decode(new int[] {7}));
    }

    @Test
    void missingOrUnsupportedModel() {
        fails(with(spm(), m -> m.remove("tokenizer.ggml.model")), "tokenizer.ggml.model", "missing");
        fails(with(spm(), m -> m.put("tokenizer.ggml.model", "bert")), "tokenizer.ggml.model", "'bert'");
        fails(with(spm(), m -> m.put("tokenizer.ggml.model", 3L)), "tokenizer.ggml.model", "string");
    }

    @Test
    void missingOrMalformedTokens() {
        fails(with(spm(), m -> m.remove("tokenizer.ggml.tokens")), "tokenizer.ggml.tokens", "missing");
        fails(with(spm(), m -> m.put("tokenizer.ggml.tokens", new String[0])), "tokenizer.ggml.tokens", "empty");
        fails(with(spm(), m -> m.put("tokenizer.ggml.tokens", "abc")), "tokenizer.ggml.tokens");
        fails(with(spm(), m -> m.put("tokenizer.ggml.tokens", List.of("a", 1))), "tokenizer.ggml.tokens", "element 1");
        fails(with(spm(), m -> m.put("tokenizer.ggml.tokens",
                new String[] {"<unk>", "<s>", "</s>", "▁", "a", "a", "▁a", "▁ab"})), "tokenizer.ggml.tokens", "duplicate", "4", "5");
    }

    @Test
    void arraysOfTheWrongLength() {
        fails(with(spm(), m -> m.put("tokenizer.ggml.scores", new float[] {0, 0, 0})), "tokenizer.ggml.scores", "3", "8");
        fails(with(spm(), m -> m.put("tokenizer.ggml.scores", new float[9])), "tokenizer.ggml.scores", "9", "8");
        fails(with(spm(), m -> m.put("tokenizer.ggml.token_type", new int[] {1, 1})), "tokenizer.ggml.token_type", "2", "8");
        fails(with(spm(), m -> m.put("tokenizer.ggml.scores", new String[8])), "tokenizer.ggml.scores");
    }

    @Test
    void specialIdsOutsideTheVocabulary() {
        fails(with(spm(), m -> m.put("tokenizer.ggml.bos_token_id", 8L)), "tokenizer.ggml.bos_token_id", "8", "size 8");
        fails(with(spm(), m -> m.put("tokenizer.ggml.eos_token_id", -1L)), "tokenizer.ggml.eos_token_id", "-1");
        fails(with(spm(), m -> m.put("tokenizer.ggml.unknown_token_id", 1L << 32)), "tokenizer.ggml.unknown_token_id");
        fails(with(spm(), m -> m.put("tokenizer.ggml.padding_token_id", 100L)), "tokenizer.ggml.padding_token_id", "100");
        fails(with(spm(), m -> m.put("tokenizer.ggml.bos_token_id", "1")), "tokenizer.ggml.bos_token_id");
    }

    @Test
    void addBosWithoutBos() {
        // a BPE vocabulary this small has no default BOS (llama.cpp's default id 11 is out of range)
        Map<String, Object> bpe = new HashMap<>();
        bpe.put("tokenizer.ggml.model", "gpt2");
        bpe.put("tokenizer.ggml.pre", "gpt-2");
        bpe.put("tokenizer.ggml.tokens", new String[] {"a", "b", "ab"});
        bpe.put("tokenizer.ggml.merges", new String[] {"a b"});
        Tokenizer t = Tokenizer.fromMetadata(TokenizerMetadata.of(bpe));
        assertEquals(-1, t.bosId());
        assertArrayEquals(new int[] {2, 0}, t.encode("aba", EncodeOptions.PLAIN));
        assertThrows(IllegalStateException.class, () -> t.encode("a", EncodeOptions.PLAIN.withBos()));
        fails(with(bpe, m -> m.put("tokenizer.ggml.add_bos_token", true)), "tokenizer.ggml.add_bos_token", "bos_token_id");
    }

    @Test
    void bpeNeedsMergesAndAKnownPreTokenizer() {
        Map<String, Object> bpe = new HashMap<>();
        bpe.put("tokenizer.ggml.model", "gpt2");
        bpe.put("tokenizer.ggml.tokens", new String[] {"a", "b", "ab"});
        fails(bpe, "tokenizer.ggml.merges", "missing");
        bpe.put("tokenizer.ggml.merges", new String[] {"ab"});
        fails(bpe, "tokenizer.ggml.merges", "entry 0");
        bpe.put("tokenizer.ggml.merges", new String[] {"a b"});
        bpe.put("tokenizer.ggml.pre", "some-new-model");
        fails(bpe, "tokenizer.ggml.pre", "'some-new-model'");
    }

    @Test
    void endOfGenerationTokensAreFoundByTextAndMadeControl() {
        Map<String, Object> bpe = new HashMap<>();
        bpe.put("tokenizer.ggml.model", "gpt2");
        bpe.put("tokenizer.ggml.pre", "qwen2");
        bpe.put("tokenizer.ggml.tokens", new String[] {"a", "b", "<|endoftext|>", "<|im_end|>", "<|fim_pad|>", "<|channel|>"});
        bpe.put("tokenizer.ggml.token_type", new int[] {1, 1, 1, 1, 1, 3});
        bpe.put("tokenizer.ggml.merges", new String[] {"a b"});
        Tokenizer t = Tokenizer.fromMetadata(TokenizerMetadata.of(bpe));
        assertEquals(-1, t.eosId());
        assertEquals(2, t.eotId());
        assertArrayEquals(new int[] {2, 3, 4}, t.eogIds());
        for (int id = 2; id <= 4; id++) {
            assertEquals(TokenType.CONTROL, t.type(id));
        }
        assertEquals("a", t.decode(new int[] {0, 3}));
        assertEquals("a<|im_end|>", t.decode(new int[] {0, 3}, false, true));
        // gpt-oss markers always render and are always split out
        assertEquals(TokenType.USER_DEFINED, t.type(5));
        assertArrayEquals(new int[] {0, 5, 1}, t.encode("a<|channel|>b", EncodeOptions.PLAIN));
    }

    @Test
    void emptyTokenTextsAreRenamedAsLlamaCppDoes() {
        Tokenizer t = Tokenizer.fromMetadata(TokenizerMetadata.of(with(spm(), m -> m.put("tokenizer.ggml.tokens",
                new String[] {"<unk>", "<s>", "</s>", "▁", "a", "", "▁a", "▁ab"}))));
        assertEquals("[EMPTY_5]", t.piece(5));
    }
}
