package org.jmamba.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokenizers read from GGUF files: vocabulary-only files written here, and the shared test model. */
class GgufTokenizerTest {

    @TempDir
    Path dir;

    /** The tiny SentencePiece vocabulary of {@link HostileMetadataTest#spm()}, as GGUF metadata. */
    static void spm(GgufWriter w) {
        w.putString("general.architecture", "llama");
        w.putString("tokenizer.ggml.model", "llama");
        w.putStringArray("tokenizer.ggml.tokens", List.of("<unk>", "<s>", "</s>", "▁", "a", "b", "▁a", "▁ab"));
        w.putFloatArray("tokenizer.ggml.scores", new float[] {0, 0, 0, -1, -2, -3, -1.5f, -1});
        w.putIntArray("tokenizer.ggml.token_type", new int[] {2, 3, 3, 1, 1, 1, 1, 1});
        w.putU32("tokenizer.ggml.bos_token_id", 1);
        w.putU32("tokenizer.ggml.eos_token_id", 2);
        w.putBool("tokenizer.ggml.add_bos_token", true);
    }

    Tokenizer load(Consumer<GgufWriter> content) throws IOException {
        Path p = dir.resolve("vocab-" + System.nanoTime() + ".gguf");
        try (GgufWriter w = GgufWriter.create(p)) {
            content.accept(w);
            w.commit();
        }
        try (GgufFile f = GgufFile.open(p)) {
            return Tokenizer.fromGguf(f);
        }
    }

    @Test
    void vocabularyOnlyFile() throws IOException {
        Tokenizer t = load(GgufTokenizerTest::spm);
        assertEquals(8, t.vocabSize());
        assertArrayEquals(new int[] {1, 7}, t.encode("ab"));
        assertEquals("ab", t.decode(new int[] {7}));
    }

    @Test
    void wrongTypesNameTheKey() {
        TokenizerFormatException e = assertThrows(TokenizerFormatException.class, () -> load(w -> {
            w.putString("tokenizer.ggml.model", "llama");
            w.putFloatArray("tokenizer.ggml.tokens", new float[] {1, 2});
        }));
        assertEquals("tokenizer.ggml.tokens", e.key());
        e = assertThrows(TokenizerFormatException.class, () -> load(w -> {
            spm(w);
            w.putString("tokenizer.ggml.unknown_token_id", "0");
        }));
        assertEquals("tokenizer.ggml.unknown_token_id", e.key());
        e = assertThrows(TokenizerFormatException.class, () -> load(w -> {
            w.putString("general.architecture", "mamba2");
        }));
        assertEquals("tokenizer.ggml.model", e.key());
        e = assertThrows(TokenizerFormatException.class, () -> load(w -> {
            spm(w);
            w.putU32("tokenizer.ggml.padding_token_id", 8);
        }));
        assertEquals("tokenizer.ggml.padding_token_id", e.key());
        assertTrue(e.getMessage().contains("size 8"), e.getMessage());
    }

    @Test
    void integerScoresAreAccepted() throws IOException {
        Tokenizer t = load(w -> {
            w.putString("tokenizer.ggml.model", "llama");
            w.putStringArray("tokenizer.ggml.tokens", List.of("<unk>", "<s>", "</s>", "▁", "a", "▁a"));
            w.putIntArray("tokenizer.ggml.scores", new int[] {0, 0, 0, -1, -2, 5});
        });
        assertEquals(5f, t.score(5));
        assertArrayEquals(new int[] {5}, t.encode("a", EncodeOptions.PLAIN));
    }

    @Test
    void sharedTestModel() throws IOException {
        Path model = TestData.file("mamba2-tiny-f32.gguf");
        try (GgufFile f = GgufFile.open(model)) {
            Tokenizer t = Tokenizer.fromGguf(f);
            assertEquals(320, t.vocabSize());
            String text = "hello world";
            int[] ids = t.encode(text, EncodeOptions.PLAIN);
            assertEquals(text, t.decode(ids));
        }
    }
}
