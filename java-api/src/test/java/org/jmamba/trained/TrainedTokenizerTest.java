package org.jmamba.trained;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import org.jmamba.gguf.GgufFile;
import org.jmamba.testkit.TrainedModel;
import org.jmamba.tokenizer.EncodeOptions;
import org.jmamba.tokenizer.Tokenizer;
import org.junit.jupiter.api.Test;

/**
 * The trained model's tokenizer, read from its GGUF, against the ids the sentencepiece library gave
 * for the same model on held-out source files and hard strings (models/reference/tokenizer-cases.tsv,
 * written by models/train/export.py).
 */
class TrainedTokenizerTest {

    record Case(String name, String text, int[] ids) {}

    static List<Case> cases() throws Exception {
        return Files.readAllLines(TrainedModel.reference("tokenizer-cases.tsv"), StandardCharsets.UTF_8).stream()
                .filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> {
                    String[] f = l.split("\t", -1);
                    return new Case(f[0], new String(Base64.getDecoder().decode(f[1]), StandardCharsets.UTF_8), TrainedModel.ids(f[2]));
                }).toList();
    }

    @Test
    void idsMatchSentencePiece() throws Exception {
        List<Case> cases = cases();
        assertTrue(cases.size() >= 20, "expected the hard strings and held-out files, found " + cases.size() + " cases");
        try (GgufFile f = GgufFile.open(TrainedModel.gguf())) {
            Tokenizer tok = Tokenizer.fromGguf(f);
            for (Case c : cases) {
                int[] got = tok.encode(c.text(), EncodeOptions.PLAIN);
                assertArrayEquals(c.ids(), got, () -> c.name() + ": sentencepiece " + Arrays.toString(c.ids())
                        + "\n  jmamba " + Arrays.toString(got));
                // U+2581 is how SentencePiece writes a space: sentencepiece decodes it to a space too
                assertEquals(c.text().replace('\u2581', ' '), tok.decode(got), c.name() + ": decoding gives the text back");
            }
            // a prompt as run gives it: BOS, then the same ids
            Case first = cases.stream().filter(c -> c.name().startsWith("heldout-file")).findFirst().orElseThrow();
            int[] withBos = tok.encode(first.text());
            assertEquals(tok.bosId(), withBos[0]);
            assertArrayEquals(first.ids(), Arrays.copyOfRange(withBos, 1, withBos.length));
        }
    }
}
