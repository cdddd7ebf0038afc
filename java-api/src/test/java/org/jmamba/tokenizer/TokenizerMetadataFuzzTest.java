package org.jmamba.tokenizer;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jmamba.testkit.FuzzOutcomes;

/**
 * Tokenizer metadata from fuzzed values (a model, tokens, scores, types, merges, special ids and
 * flags, some of the wrong type or length): {@link TokenizerFormatException} naming the key, or a
 * tokenizer whose encode and decode work on fuzzed text and ids. Anything else is a finding.
 */
class TokenizerMetadataFuzzTest {
    private static final List<String> MODELS = List.of("llama", "gpt2", "bert", "");
    private static final List<String> PRES = List.of("default", "llama3", "gpt-2", "qwen2", "deepseek-coder", "unknown-pre");
    private static final List<String> ID_KEYS = List.of(Vocabulary.KEY_BOS, Vocabulary.KEY_EOS, Vocabulary.KEY_EOT,
            Vocabulary.KEY_UNK, Vocabulary.KEY_PAD, Vocabulary.KEY_FIM_PRE, Vocabulary.KEY_FIM_SUF, Vocabulary.KEY_FIM_MID);

    @FuzzTest(maxDuration = "60s")
    void build(FuzzedDataProvider data) {
        Map<String, Object> md = new HashMap<>();
        md.put(Vocabulary.KEY_MODEL, data.pickValue(MODELS));
        if (data.consumeBoolean()) md.put(Vocabulary.KEY_PRE, data.pickValue(PRES));
        int n = data.consumeInt(0, 300);
        String[] tokens = new String[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = i < 256 && data.consumeBoolean() ? String.format("<0x%02X>", i) : data.consumeString(8);
        }
        md.put(Vocabulary.KEY_TOKENS, data.consumeBoolean() ? tokens : (Object) data.consumeString(4));
        if (data.consumeBoolean()) {
            float[] scores = new float[data.consumeBoolean() ? n : data.consumeInt(0, 300)];
            for (int i = 0; i < scores.length; i++) scores[i] = data.consumeFloat();
            md.put(Vocabulary.KEY_SCORES, scores);
        }
        if (data.consumeBoolean()) {
            int[] types = new int[data.consumeBoolean() ? n : data.consumeInt(0, 300)];
            for (int i = 0; i < types.length; i++) types[i] = data.consumeInt(-1, 7);
            md.put(Vocabulary.KEY_TOKEN_TYPE, types);
        }
        if (data.consumeBoolean()) {
            String[] merges = new String[data.consumeInt(0, 100)];
            for (int i = 0; i < merges.length; i++) merges[i] = data.consumeString(10);
            md.put(Vocabulary.KEY_MERGES, merges);
        }
        for (String k : ID_KEYS) {
            if (data.consumeBoolean()) md.put(k, data.consumeBoolean() ? (Object) (long) data.consumeInt(-2, n + 2) : "x");
        }
        if (data.consumeBoolean()) md.put(Vocabulary.KEY_ADD_BOS, data.consumeBoolean());
        if (data.consumeBoolean()) md.put(Vocabulary.KEY_ADD_EOS, data.consumeBoolean());
        if (data.consumeBoolean()) md.put(Vocabulary.KEY_ADD_SPACE_PREFIX, data.consumeBoolean());
        Tokenizer t;
        try {
            t = Tokenizer.fromMetadata(TokenizerMetadata.of(md));
        } catch (TokenizerFormatException e) {
            FuzzOutcomes.refused("tokenizer-metadata", e);
            return;
        }
        String text = data.consumeString(200);
        int[] ids = t.encode(text, new EncodeOptions(false, data.consumeBoolean()));
        for (int id : ids) {
            if (id < 0 || id >= t.vocabSize()) throw new AssertionError("encode gave id " + id + " outside the vocabulary");
        }
        t.decode(ids);
        int[] random = t.vocabSize() == 0 ? new int[0] : data.consumeInts(20);
        for (int i = 0; i < random.length; i++) random[i] = Math.floorMod(random[i], t.vocabSize());
        StreamingDecoder d = t.streamingDecoder();
        StringBuilder streamed = new StringBuilder();
        for (int id : random) streamed.append(d.feed(id));
        streamed.append(d.flush());
        if (!streamed.toString().equals(t.decode(random))) throw new AssertionError("streamed decode differs from decode");
        FuzzOutcomes.accepted("tokenizer-metadata");
    }
}
