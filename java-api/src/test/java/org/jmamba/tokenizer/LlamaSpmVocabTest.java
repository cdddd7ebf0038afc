package org.jmamba.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jmamba.gguf.GgufFile;
import org.junit.jupiter.api.Test;

/** llama.cpp's tokenizer test vectors for its SentencePiece vocabulary {@code ggml-vocab-llama-spm.gguf}. */
class LlamaSpmVocabTest {

    static Tokenizer load() throws Exception {
        Path gguf = TestData.file("ggml-vocab-llama-spm.gguf");
        try (GgufFile file = GgufFile.open(gguf)) {
            return Tokenizer.fromGguf(file);
        }
    }

    /** Inputs as llama.cpp's test-tokenizer-0 reads them: separated by "\n__ggml_vocab_test__\n". */
    static List<String> inputs(Path inp) throws Exception {
        String raw = Files.readString(inp, StandardCharsets.UTF_8);
        String sep = "\n__ggml_vocab_test__\n";
        List<String> out = new ArrayList<>();
        int pos = 0;
        while (pos < raw.length()) {
            int next = raw.indexOf(sep, pos);
            if (next < 0) {
                out.add(raw.substring(pos));
                break;
            }
            out.add(raw.substring(pos, next));
            pos = next + sep.length();
        }
        return out;
    }

    @Test
    void llamaCppVectors() throws Exception {
        Tokenizer tok = load();
        List<String> in = inputs(TestData.file("ggml-vocab-llama-spm.gguf.inp"));
        List<String> out = Files.readAllLines(TestData.file("ggml-vocab-llama-spm.gguf.out"), StandardCharsets.UTF_8);
        assertEquals(out.size(), in.size(), "inputs and expected outputs pair up");
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            String line = out.get(i).strip();
            int[] expected = line.isEmpty() ? new int[0] : Arrays.stream(line.split(" ")).mapToInt(Integer::parseInt).toArray();
            int[] actual = tok.encode(in.get(i), EncodeOptions.PLAIN);
            if (!Arrays.equals(expected, actual)) {
                failures.add("#" + i + " '" + in.get(i) + "'\n  expected " + Arrays.toString(expected)
                        + "\n  actual   " + Arrays.toString(actual));
            }
        }
        assertEquals(List.of(), failures);
        assertEquals(in.size(), 46);
    }

    @Test
    void vocabularyFacts() throws Exception {
        Tokenizer tok = load();
        assertEquals(32000, tok.vocabSize());
        assertEquals(1, tok.bosId());
        assertEquals(2, tok.eosId());
        assertEquals(0, tok.unkId());
        assertEquals(true, tok.addBosDefault());
        assertEquals(TokenType.CONTROL, tok.type(1));
        assertEquals(TokenType.UNKNOWN, tok.type(0));
        assertEquals(TokenType.BYTE, tok.type(3 + 0x0A));
        assertEquals("<0x0A>", tok.piece(13));
        assertEquals(13, tok.tokenId("<0x0A>").orElseThrow());
        assertEquals(true, tok.isEog(2));
        assertEquals(false, tok.isEog(1));
        assertArrayEquals(new int[] {1, 15043, 3186}, tok.encode("Hello world"));
    }
}
