package org.jmamba.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The vocabulary and tokenizer settings read from {@code tokenizer.ggml.*}, with the defaults and the
 * special-token rules llama.cpp applies when it loads a model.
 */
final class Vocabulary {

    static final String KEY_MODEL = "tokenizer.ggml.model";
    static final String KEY_PRE = "tokenizer.ggml.pre";
    static final String KEY_TOKENS = "tokenizer.ggml.tokens";
    static final String KEY_SCORES = "tokenizer.ggml.scores";
    static final String KEY_TOKEN_TYPE = "tokenizer.ggml.token_type";
    static final String KEY_MERGES = "tokenizer.ggml.merges";
    static final String KEY_BOS = "tokenizer.ggml.bos_token_id";
    static final String KEY_EOS = "tokenizer.ggml.eos_token_id";
    static final String KEY_EOT = "tokenizer.ggml.eot_token_id";
    static final String KEY_EOM = "tokenizer.ggml.eom_token_id";
    static final String KEY_UNK = "tokenizer.ggml.unknown_token_id";
    static final String KEY_SEP = "tokenizer.ggml.seperator_token_id";
    static final String KEY_PAD = "tokenizer.ggml.padding_token_id";
    static final String KEY_MASK = "tokenizer.ggml.mask_token_id";
    static final String KEY_FIM_PRE = "tokenizer.ggml.fim_pre_token_id";
    static final String KEY_FIM_SUF = "tokenizer.ggml.fim_suf_token_id";
    static final String KEY_FIM_MID = "tokenizer.ggml.fim_mid_token_id";
    static final String KEY_FIM_PAD = "tokenizer.ggml.fim_pad_token_id";
    static final String KEY_FIM_REP = "tokenizer.ggml.fim_rep_token_id";
    static final String KEY_FIM_SEP = "tokenizer.ggml.fim_sep_token_id";
    static final String KEY_PREFIX = "tokenizer.ggml.prefix_token_id";
    static final String KEY_SUFFIX = "tokenizer.ggml.suffix_token_id";
    static final String KEY_MIDDLE = "tokenizer.ggml.middle_token_id";
    static final String KEY_ADD_BOS = "tokenizer.ggml.add_bos_token";
    static final String KEY_ADD_EOS = "tokenizer.ggml.add_eos_token";
    static final String KEY_ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";

    /** Token texts that mark the end of generation whatever the metadata says (llama.cpp's list). */
    private static final Set<String> EOG_TEXTS = Set.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<|return|>", "<|call|>", "<|flush|>", "<|calls|>",
            "<end_of_turn>", "<|endoftext|>", "</s>", "<|eom_id|>", "<EOT>", "_<EOT>", "[EOT]", "[EOS]",
            "<|end_of_text|>", "<end_of_utterance>", "<eos>", "<turn|>", "<|tool_response>",
            "<\uFF5Cend\u2581of\u2581sentence\uFF5C>", "[e~[");
    /** Texts taken as the end-of-turn token when {@code eot_token_id} is absent. */
    private static final Set<String> EOT_TEXTS = Set.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|end_of_text|>", "<EOT>",
            "_<EOT>", "[EOT]", "<\uFF5Cend\u2581of\u2581sentence\uFF5C>", "<end_of_utterance>");
    private static final Set<String> FIM_PAD_TEXTS = Set.of("<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>", "[PAD]");
    private static final Set<String> FIM_REP_TEXTS = Set.of("<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>");
    private static final Set<String> FIM_SEP_TEXTS = Set.of("<|file_sep|>");
    private static final Set<String> FIM_PRE_TEXTS = Set.of("<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>",
            "<\uFF5Cfim\u2581begin\uFF5C>", "<PRE>", "\u2581<PRE>", "<|code_prefix|>", "<|prefix|>");
    private static final Set<String> FIM_SUF_TEXTS = Set.of("<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>",
            "<\uFF5Cfim\u2581hole\uFF5C>", "<SUF>", "\u2581<SUF>", "<|code_suffix|>", "<|suffix|>");
    private static final Set<String> FIM_MID_TEXTS = Set.of("<|fim_middle|>", "<fim-middle>", "<fim_middle>",
            "<\uFF5Cfim\u2581end\uFF5C>", "<MID>", "\u2581<MID>", "<|code_middle|>", "<|middle|>");

    enum Model { SPM, BPE }

    final Model model;
    final String modelName;
    final String preName;
    final PreTokenizer.Kind preKind;
    final String[] tokens;
    final float[] scores;
    final TokenType[] types;
    final int maxTokenChars;

    final int bos;
    final int eos;
    final int eot;
    final int eom;
    final int unk;
    final int sep;
    final int pad;
    final boolean addBos;
    final boolean addEos;
    final boolean addSpacePrefix;
    final boolean cleanSpaces;
    final boolean ignoreMerges;
    final BitSet eog;
    /** CONTROL, USER_DEFINED and UNKNOWN tokens, longest (in UTF-8 bytes) first. */
    final int[] specialTokens;
    /** Token texts to ids, looked up without copying. */
    final PieceTable pieces;
    /** BPE merge ranks; {@code null} for SentencePiece. */
    final PieceTable.Merges merges;

    private final byte[][] plainPieces;
    private final byte[][] specialPieces;

    private Vocabulary(TokenizerMetadata md) {
        modelName = md.getString(KEY_MODEL)
                .orElseThrow(() -> new TokenizerFormatException(KEY_MODEL, "missing: the file has no tokenizer"));
        model = switch (modelName) {
            case "llama" -> Model.SPM;
            case "gpt2" -> Model.BPE;
            default -> throw new TokenizerFormatException(KEY_MODEL,
                    "tokenizer model '" + modelName + "' is not supported (supported: 'llama' = SentencePiece, 'gpt2' = byte-level BPE)");
        };

        tokens = md.getStringArray(KEY_TOKENS)
                .orElseThrow(() -> new TokenizerFormatException(KEY_TOKENS, "missing"));
        int n = tokens.length;
        if (n == 0) {
            throw new TokenizerFormatException(KEY_TOKENS, "the vocabulary is empty");
        }
        float[] sc = md.getFloatArray(KEY_SCORES).orElse(null);
        if (sc != null && sc.length != n) {
            throw new TokenizerFormatException(KEY_SCORES,
                    "has " + sc.length + " entries but " + KEY_TOKENS + " has " + n);
        }
        scores = sc != null ? sc : new float[n];
        int[] tt = md.getIntArray(KEY_TOKEN_TYPE).orElse(null);
        if (tt != null && tt.length != n) {
            throw new TokenizerFormatException(KEY_TOKEN_TYPE,
                    "has " + tt.length + " entries but " + KEY_TOKENS + " has " + n);
        }
        types = new TokenType[n];
        Map<String, Integer> ids = HashMap.newHashMap(n);
        int maxLen = 0;
        for (int i = 0; i < n; i++) {
            String t = tokens[i];
            if (t == null) {
                throw new TokenizerFormatException(KEY_TOKENS, "entry " + i + " is null");
            }
            if (t.isEmpty()) {
                t = "[EMPTY_" + i + "]";   // what llama.cpp substitutes, so the text stays unique and findable
                tokens[i] = t;
            }
            Integer previous = ids.putIfAbsent(t, i);
            if (previous != null) {
                throw new TokenizerFormatException(KEY_TOKENS,
                        "duplicate token '" + t + "' at ids " + previous + " and " + i);
            }
            maxLen = Math.max(maxLen, t.length());
            types[i] = tt != null ? TokenType.fromCode(tt[i]) : TokenType.NORMAL;
        }
        maxTokenChars = maxLen;
        pieces = new PieceTable(tokens);

        // model-dependent defaults, as llama.cpp sets them before reading the keys
        boolean defAddBos;
        boolean defSpacePrefix;
        boolean clean;
        boolean noMerges = false;
        PreTokenizer.Kind kind = null;
        int defBos;
        int defEos;
        int defUnk;
        if (model == Model.SPM) {
            defBos = 1;
            defEos = 2;
            defUnk = 0;
            defAddBos = true;
            defSpacePrefix = true;
            clean = false;
            preName = md.getString(KEY_PRE).orElse(null);
        } else {
            defBos = 11;
            defEos = 11;
            defUnk = -1;
            defAddBos = false;
            defSpacePrefix = false;
            clean = true;
            preName = md.getString(KEY_PRE).orElse("default");
            switch (preName) {
                case "default" -> kind = PreTokenizer.Kind.DEFAULT;
                case "gpt-2", "phi-2", "mpt", "olmo", "jina-es", "jina-de", "gigachat", "jina-v2-es", "jina-v2-de",
                     "a.x-4.0", "mellum", "exaone4", "jais" -> kind = PreTokenizer.Kind.GPT2;
                case "trillion", "granite-docling" -> {
                    kind = PreTokenizer.Kind.GPT2;
                    clean = false;
                }
                case "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2" -> {
                    kind = PreTokenizer.Kind.LLAMA3;
                    noMerges = true;
                    defAddBos = true;
                }
                case "dbrx", "smaug-bpe" -> kind = PreTokenizer.Kind.LLAMA3;
                case "chatglm-bpe", "glm4" -> kind = PreTokenizer.Kind.LLAMA3;
                case "qwen2", "deepseek-r1-qwen", "kormo", "f2llmv2" -> {
                    kind = PreTokenizer.Kind.QWEN2;
                    clean = false;
                }
                case "megrez", "stablelm2" -> kind = PreTokenizer.Kind.QWEN2;
                default -> throw new TokenizerFormatException(KEY_PRE,
                        "pre-tokenizer '" + preName + "' is not supported (supported: default, gpt-2 and its aliases"
                        + " such as mpt/olmo/phi-2, llama3/llama-bpe, qwen2)");
            }
        }
        preKind = kind;
        ignoreMerges = noMerges;
        cleanSpaces = clean;
        addSpacePrefix = md.getBoolean(KEY_ADD_SPACE_PREFIX).orElse(defSpacePrefix);

        if ("chatglm-bpe".equals(preName) || "glm4".equals(preName)) {
            defBos = -1;
        }
        bos = specialId(md, KEY_BOS, defBos, n);
        eos = specialId(md, KEY_EOS, defEos, n);
        unk = specialId(md, KEY_UNK, defUnk, n);
        sep = specialId(md, KEY_SEP, -1, n);
        pad = specialId(md, KEY_PAD, -1, n);
        specialId(md, KEY_MASK, -1, n);
        int fimPre = specialId(md, KEY_FIM_PRE, specialId(md, KEY_PREFIX, -1, n), n);
        int fimSuf = specialId(md, KEY_FIM_SUF, specialId(md, KEY_SUFFIX, -1, n), n);
        int fimMid = specialId(md, KEY_FIM_MID, specialId(md, KEY_MIDDLE, -1, n), n);
        int eotId = specialId(md, KEY_EOT, -1, n);
        int eomId = specialId(md, KEY_EOM, -1, n);
        int fimPad = specialId(md, KEY_FIM_PAD, -1, n);
        int fimRep = specialId(md, KEY_FIM_REP, -1, n);
        int fimSep = specialId(md, KEY_FIM_SEP, -1, n);

        addBos = md.getBoolean(KEY_ADD_BOS).orElse(defAddBos);
        addEos = md.getBoolean(KEY_ADD_EOS).orElse(false);
        if (addBos && bos < 0) {
            throw new TokenizerFormatException(KEY_ADD_BOS, "is true but " + KEY_BOS + " is not set");
        }
        if (addEos && eos < 0) {
            throw new TokenizerFormatException(KEY_ADD_EOS, "is true but " + KEY_EOS + " is not set");
        }

        // Find end-of-turn, end-of-message and fill-in-the-middle tokens by their text when the metadata does not
        // name them, and make such tokens CONTROL tokens (as llama.cpp does). Ids are scanned in order so the
        // lowest id wins when several texts qualify.
        if (eotId < 0) {
            eotId = makeControl(firstWithText(EOT_TEXTS));
        }
        if (eomId < 0) {
            eomId = makeControl(firstWithText(Set.of("<|eom_id|>")));
        }
        if (fimPre < 0) {
            makeControl(firstWithText(FIM_PRE_TEXTS));
        }
        if (fimSuf < 0) {
            makeControl(firstWithText(FIM_SUF_TEXTS));
        }
        if (fimMid < 0) {
            makeControl(firstWithText(FIM_MID_TEXTS));
        }
        if (fimPad < 0) {
            fimPad = makeControl(firstWithText(FIM_PAD_TEXTS));
        }
        if (fimRep < 0) {
            fimRep = makeControl(firstWithText(FIM_REP_TEXTS));
        }
        if (fimSep < 0) {
            fimSep = makeControl(firstWithText(FIM_SEP_TEXTS));
        }
        eot = eotId;
        eom = eomId;

        eog = new BitSet(n);
        for (int id : new int[] {fimPad, fimRep, fimSep}) {
            if (id >= 0) {
                eog.set(id);
            }
        }
        for (int i = 0; i < n; i++) {
            if (EOG_TEXTS.contains(tokens[i])) {
                eog.set(i);
                makeControl(i);
            }
        }
        // gpt-oss channel markers are always rendered, so llama.cpp makes them user-defined
        for (String text : new String[] {"<|channel|>", "<|message|>", "<|start|>", "<|constrain|>"}) {
            int id = pieces.get(text);
            if (id >= 0) {
                types[id] = TokenType.USER_DEFINED;
            }
        }
        for (int id : new int[] {eos, eot, eom}) {
            if (id >= 0) {
                eog.set(id);
            }
        }
        // gpt-oss style vocabularies: "<|end|>" ends a message, not the generation, when "<|return|>" and
        // "<|call|>" (or "<|calls|>" and "<|flush|>") exist; then it is an ordinary user-defined token.
        int end = pieces.get("<|end|>");
        if (end >= 0 && eog.get(end)) {
            boolean hasReturn = eogHas("<|return|>");
            boolean hasCall = eogHas("<|call|>") || eogHas("<|calls|>");
            boolean hasFlush = eogHas("<|flush|>");
            if ((hasReturn && hasCall) || (hasCall && hasFlush)) {
                eog.clear(end);
                types[end] = TokenType.USER_DEFINED;
            }
        }
        int closeS = pieces.get("</s>");
        if (closeS >= 0 && eog.get(closeS) && eogHas("<|tool_response>")) {
            eog.clear(closeS);
            types[closeS] = TokenType.NORMAL;
        }

        List<Integer> special = new ArrayList<>();
        int[] byteLength = new int[n];
        for (int i = 0; i < n; i++) {
            TokenType t = types[i];
            if (t == TokenType.CONTROL || t == TokenType.USER_DEFINED || t == TokenType.UNKNOWN) {
                special.add(i);
                byteLength[i] = tokens[i].getBytes(StandardCharsets.UTF_8).length;
            }
        }
        special.sort(Comparator.<Integer>comparingInt(i -> -byteLength[i]).thenComparingInt(i -> i));
        specialTokens = special.stream().mapToInt(Integer::intValue).toArray();

        merges = model == Model.BPE ? readMerges(md) : null;

        plainPieces = new byte[n][];
        specialPieces = new byte[n][];
        for (int i = 0; i < n; i++) {
            specialPieces[i] = render(i, true);
            TokenType t = types[i];
            plainPieces[i] = (t == TokenType.CONTROL || t == TokenType.UNKNOWN) ? new byte[0] : specialPieces[i];
        }
    }

    static Vocabulary load(TokenizerMetadata md) {
        return new Vocabulary(md);
    }

    private boolean eogHas(String text) {
        int id = pieces.get(text);
        return id >= 0 && eog.get(id);
    }

    private int firstWithText(Set<String> texts) {
        for (int i = 0; i < tokens.length; i++) {
            if (texts.contains(tokens[i])) {
                return i;
            }
        }
        return -1;
    }

    private int makeControl(int id) {
        if (id >= 0) {
            types[id] = TokenType.CONTROL;
        }
        return id;
    }

    private static int specialId(TokenizerMetadata md, String key, int dflt, int n) {
        OptionalLong v = md.getLong(key);
        if (v.isEmpty()) {
            return dflt >= 0 && dflt < n ? dflt : -1;   // a default outside the vocabulary just means "none"
        }
        long id = v.getAsLong();
        if (id < 0 || id >= n) {
            throw new TokenizerFormatException(key, "token id " + id + " is outside the vocabulary (size " + n + ")");
        }
        return (int) id;
    }

    private static PieceTable.Merges readMerges(TokenizerMetadata md) {
        String[] merges = md.getStringArray(KEY_MERGES)
                .orElseThrow(() -> new TokenizerFormatException(KEY_MERGES, "missing (required for the 'gpt2' tokenizer)"));
        for (int i = 0; i < merges.length; i++) {
            String m = merges[i];
            if (m == null || m.indexOf(' ', 1) < 0) {
                throw new TokenizerFormatException(KEY_MERGES, "entry " + i + " ('" + m + "') is not two pieces separated by a space");
            }
        }
        return new PieceTable.Merges(merges);
    }

    /** The bytes a token stands for when rendered with special tokens shown. */
    private byte[] render(int id, boolean special) {
        String text = tokens[id];
        return switch (types[id]) {
            case CONTROL, UNKNOWN -> special ? utf8(text) : new byte[0];
            case USER_DEFINED -> utf8(text);
            case NORMAL -> model == Model.SPM ? utf8(text.replace('\u2581', ' ')) : byteDecode(text);
            case BYTE -> byteTokenValue(text);
            case UNDEFINED, UNUSED -> new byte[0];
        };
    }

    /** The byte of a {@code <0xNN>} token; other texts render as themselves. */
    private static byte[] byteTokenValue(String text) {
        if (text.length() == 6 && text.startsWith("<0x") && text.charAt(5) == '>') {
            int hi = Character.digit(text.charAt(3), 16);
            int lo = Character.digit(text.charAt(4), 16);
            if (hi >= 0 && lo >= 0) {
                return new byte[] {(byte) (hi * 16 + lo)};
            }
        }
        return utf8(text);
    }

    /** Undoes GPT-2's byte-to-character mapping; characters outside the mapping are kept as UTF-8. */
    private static byte[] byteDecode(String text) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            int b = ByteUnicode.decode(cp);
            if (b >= 0) {
                out.write(b);
            } else {
                out.writeBytes(utf8(Character.toString(cp)));
            }
        }
        return out.toByteArray();
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    int size() {
        return tokens.length;
    }

    void checkId(int id) {
        if (id < 0 || id >= tokens.length) {
            throw new IllegalArgumentException("token id " + id + " is outside the vocabulary [0, " + tokens.length + ")");
        }
    }

    /** The rendered bytes of a token (shared array: do not modify). */
    byte[] pieceBytes(int id, boolean special) {
        checkId(id);
        return special ? specialPieces[id] : plainPieces[id];
    }

    /** Splits text at special tokens the way llama.cpp's {@code tokenizer_st_partition} does. */
    List<Fragment> partition(String text, boolean parseSpecial) {
        List<Fragment> fragments = new ArrayList<>();
        if (text.isEmpty()) {
            return fragments;
        }
        fragments.add(new Fragment(-1, 0, text.length()));
        for (int id : specialTokens) {
            TokenType t = types[id];
            if (!parseSpecial && (t == TokenType.CONTROL || t == TokenType.UNKNOWN)) {
                continue;   // user-defined tokens are split out even when special tokens are not parsed
            }
            String piece = tokens[id];
            if (!text.contains(piece)) {
                continue;
            }
            List<Fragment> next = new ArrayList<>(fragments.size() + 4);
            for (Fragment f : fragments) {
                if (f.token() >= 0) {
                    next.add(f);
                    continue;
                }
                int pos = f.start();
                int end = f.end();
                while (pos < end) {
                    int at = text.indexOf(piece, pos, end);
                    if (at < 0) {
                        break;
                    }
                    if (at > pos) {
                        next.add(new Fragment(-1, pos, at));
                    }
                    next.add(new Fragment(id, at, at + piece.length()));
                    pos = at + piece.length();
                }
                if (pos < end) {
                    next.add(new Fragment(-1, pos, end));
                }
            }
            fragments = next;
        }
        return fragments;
    }

    /** A piece of the input: a special token ({@code token >= 0}) or raw text {@code [start, end)}. */
    record Fragment(int token, int start, int end) {
    }

    int[] eogIds() {
        return eog.stream().toArray();
    }

    @Override
    public String toString() {
        return modelName + " vocabulary, " + tokens.length + " tokens" + (preName != null ? ", pre '" + preName + "'" : "")
                + ", bos " + bos + ", eos " + eos + ", eog " + Arrays.toString(eogIds());
    }
}
