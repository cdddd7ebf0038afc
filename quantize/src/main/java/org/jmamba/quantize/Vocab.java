package org.jmamba.quantize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.jmamba.gguf.GgufWriter;

/**
 * A vocabulary as GGUF stores it under {@code tokenizer.ggml.*}: the tokenizer model ("llama" for
 * SentencePiece, "gpt2" for byte-level BPE), the pre-tokenizer, the tokens with their scores and
 * types, the BPE merges, the special ids and the add-BOS/EOS flags; read from a SentencePiece
 * {@code tokenizer.model} or a Hugging Face {@code tokenizer.json}.
 */
public record Vocab(String model, String pre, List<String> tokens, float[] scores, int[] types, List<String> merges,
                    int bos, int eos, int unk, int pad, boolean addBos, boolean addEos, Boolean addSpacePrefix,
                    String source, int padded) {
    public static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    public int size() {
        return tokens.size();
    }

    /** From a SentencePiece model. */
    public static Vocab fromSentencePiece(Path file) throws IOException {
        SentencePieceModel m = SentencePieceModel.read(file);
        int n = m.pieces().size();
        List<String> tokens = new ArrayList<>(n);
        float[] scores = new float[n];
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            SentencePieceModel.Piece p = m.pieces().get(i);
            tokens.add(p.text());
            scores[i] = p.score();
            types[i] = p.type();
        }
        return new Vocab("llama", "default", tokens, scores, types, null, idOrNone(m.bosId(), n), idOrNone(m.eosId(), n),
                idOrNone(m.unkId(), n), idOrNone(m.padId(), n), true, false, m.addDummyPrefix(), file.getFileName().toString(), 0);
    }

    private static int idOrNone(int id, int n) {
        return id >= 0 && id < n ? id : -1;
    }

    /**
     * From a Hugging Face {@code tokenizer.json}: a BPE model becomes "gpt2" (byte-level) or, when
     * it uses byte fallback (a SentencePiece-derived BPE), "llama"; a Unigram model becomes "llama".
     * {@code tokenizer_config.json} beside it, when present, gives the BOS/EOS tokens and flags.
     */
    public static Vocab fromTokenizerJson(Path file) throws IOException {
        ObjectMapper om = new ObjectMapper();
        JsonNode root;
        try {
            root = om.readTree(file.toFile());
        } catch (IOException e) {
            throw new QuantizeException(file + ": not valid JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) throw new QuantizeException(file + ": not a JSON object");
        JsonNode model = root.path("model");
        String type = model.path("type").asText("");
        Map<Integer, String> byId = new HashMap<>();
        Map<Integer, Float> scoreById = new HashMap<>();
        List<String> merges = new ArrayList<>();
        switch (type) {
            case "BPE" -> {
                for (Iterator<Map.Entry<String, JsonNode>> it = model.path("vocab").fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().canConvertToInt() || !e.getValue().isIntegralNumber()) {
                        throw new QuantizeException(file + ": model.vocab['" + e.getKey() + "'] = " + e.getValue() + " is not a token id");
                    }
                    byId.put(e.getValue().asInt(), e.getKey());
                }
                for (JsonNode m : model.path("merges")) {
                    if (m.isArray() && m.size() == 2 && m.get(0).isTextual() && m.get(1).isTextual()) {
                        merges.add(m.get(0).asText() + " " + m.get(1).asText());
                    } else if (m.isTextual()) {
                        merges.add(m.asText());
                    } else {
                        throw new QuantizeException(file + ": model.merges has " + m + ", not \"a b\" or [\"a\", \"b\"]");
                    }
                }
            }
            case "Unigram" -> {
                int i = 0;
                for (JsonNode p : model.path("vocab")) {
                    if (!p.isArray() || p.size() != 2 || !p.get(0).isTextual() || !p.get(1).isNumber()) {
                        throw new QuantizeException(file + ": model.vocab[" + i + "] = " + p + " is not [piece, score]");
                    }
                    byId.put(i, p.get(0).asText());
                    scoreById.put(i++, (float) p.get(1).asDouble());
                }
            }
            default -> throw new QuantizeException(file + ": tokenizer model type '" + type + "' is not supported (BPE or Unigram)");
        }
        Map<Integer, Boolean> added = new HashMap<>();
        for (JsonNode a : root.path("added_tokens")) {
            int id = a.path("id").asInt(-1);
            if (id < 0) continue;
            byId.put(id, a.path("content").asText());
            added.put(id, a.path("special").asBoolean(false));
        }
        if (byId.isEmpty()) throw new QuantizeException(file + ": the tokenizer has no tokens");
        int min = byId.keySet().stream().mapToInt(Integer::intValue).min().orElse(0);
        int max = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1);
        // ids are 0..n-1 with at most a few gaps; a huge id would allocate gigabytes of padding
        if (min < 0 || max >= 2 * byId.size() + 1024) {
            throw new QuantizeException(file + ": token ids run from " + min + " to " + max + " for " + byId.size()
                    + " tokens; ids must be 0..n-1");
        }
        int n = max + 1;
        boolean spm = type.equals("Unigram") || model.path("byte_fallback").asBoolean(false);
        List<String> tokens = new ArrayList<>(n);
        float[] scores = new float[n];
        int[] types = new int[n];
        String unkToken = model.path("unk_token").asText(null);
        for (int i = 0; i < n; i++) {
            String t = byId.get(i);
            if (t == null) {
                tokens.add("[PAD" + i + "]");
                types[i] = UNUSED;
                scores[i] = -1000f;
                continue;
            }
            tokens.add(t);
            scores[i] = scoreById.getOrDefault(i, spm ? -i : 0f);
            if (added.containsKey(i)) types[i] = added.get(i) ? CONTROL : USER_DEFINED;
            else if (t.equals(unkToken)) types[i] = UNKNOWN;
            else if (spm && t.length() == 6 && t.startsWith("<0x") && t.endsWith(">")) types[i] = BYTE;
            else types[i] = NORMAL;
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < n; i++) ids.putIfAbsent(tokens.get(i), i);
        // special tokens and flags from tokenizer_config.json, when there
        int bos = -1, eos = -1, pad = -1;
        boolean addBos = spm, addEos = false;
        Path cfgPath = file.resolveSibling("tokenizer_config.json");
        if (Files.isRegularFile(cfgPath)) {
            JsonNode cfg = om.readTree(cfgPath.toFile());
            bos = ids.getOrDefault(tokenText(cfg.get("bos_token")), -1);
            eos = ids.getOrDefault(tokenText(cfg.get("eos_token")), -1);
            pad = ids.getOrDefault(tokenText(cfg.get("pad_token")), -1);
            if (cfg.has("add_bos_token")) addBos = cfg.get("add_bos_token").asBoolean();
            if (cfg.has("add_eos_token")) addEos = cfg.get("add_eos_token").asBoolean();
        }
        if (bos < 0) bos = ids.getOrDefault(spm ? "<s>" : "<|endoftext|>", -1);
        if (eos < 0) eos = ids.getOrDefault(spm ? "</s>" : "<|endoftext|>", -1);
        int unk = unkToken == null ? -1 : ids.getOrDefault(unkToken, -1);
        String pre = spm ? "default" : preTokenizer(root.path("pre_tokenizer"));
        return new Vocab(spm ? "llama" : "gpt2", pre, tokens, scores, types, spm ? null : merges, bos, eos, unk, pad,
                addBos, addEos, null, file.getFileName().toString(), 0);
    }

    private static String tokenText(JsonNode t) {
        if (t == null || t.isNull()) return "\u0000none";
        return t.isObject() ? t.path("content").asText() : t.asText();
    }

    /** GPT-2's pre-tokenizer when the file uses a plain byte-level one, else llama.cpp's default. */
    private static String preTokenizer(JsonNode p) {
        if (p.path("type").asText().equals("ByteLevel") && p.path("use_regex").asBoolean(true)) return "gpt-2";
        return "default";
    }

    /**
     * This vocabulary grown to {@code n} tokens, as llama.cpp's converter pads: "[PADi]" tokens of
     * type UNUSED (score -1000). Refused when the vocabulary is already larger.
     */
    public Vocab padTo(int n) {
        if (n < size()) {
            throw new QuantizeException("the tokenizer (" + source + ") has " + size() + " tokens, more than the "
                    + n + " rows of the model's embedding");
        }
        if (n == size()) return this;
        List<String> t = new ArrayList<>(tokens);
        float[] s = Arrays.copyOf(scores, n);
        int[] ty = Arrays.copyOf(types, n);
        for (int i = size(); i < n; i++) {
            t.add(model.equals("llama") ? "[PAD" + (i - size() + 1) + "]" : "[PAD" + i + "]");
            s[i] = -1000f;
            ty[i] = UNUSED;
        }
        return new Vocab(model, pre, t, s, ty, merges, bos, eos, unk, pad, addBos, addEos, addSpacePrefix, source, n - size());
    }

    /** Writes the {@code tokenizer.ggml.*} keys. */
    public void write(GgufWriter w) {
        w.putString("tokenizer.ggml.model", model);
        w.putString("tokenizer.ggml.pre", pre);
        w.putStringArray("tokenizer.ggml.tokens", tokens);
        if (model.equals("llama")) w.putFloatArray("tokenizer.ggml.scores", scores);
        w.putIntArray("tokenizer.ggml.token_type", types);
        if (merges != null) w.putStringArray("tokenizer.ggml.merges", merges);
        if (bos >= 0) w.putU32("tokenizer.ggml.bos_token_id", bos);
        if (eos >= 0) w.putU32("tokenizer.ggml.eos_token_id", eos);
        if (unk >= 0) w.putU32("tokenizer.ggml.unknown_token_id", unk);
        if (pad >= 0) w.putU32("tokenizer.ggml.padding_token_id", pad);
        w.putBool("tokenizer.ggml.add_bos_token", addBos);
        w.putBool("tokenizer.ggml.add_eos_token", addEos);
        if (addSpacePrefix != null) w.putBool("tokenizer.ggml.add_space_prefix", addSpacePrefix);
    }
}
