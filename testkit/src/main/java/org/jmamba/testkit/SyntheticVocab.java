package org.jmamba.testkit;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A SentencePiece-style vocabulary made up for random-weight models: Mistral's control tokens,
 * the 256 byte-fallback tokens, single characters, and prefixes of common code words (so the
 * bigram merges can reach them), padded with unused tokens to the requested size.
 */
public record SyntheticVocab(List<String> tokens, float[] scores, int[] types) {
    public static final int UNK = 0, BOS = 1, EOS = 2;
    static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, UNUSED = 5, BYTE = 6;

    private static final String[] WORDS = {
        "def", "return", "if", "else", "elif", "for", "while", "in", "import", "from", "class", "self",
        "print", "the", "and", "or", "not", "is", "None", "True", "False", "int", "str", "list", "dict",
        "range", "len", "fib", "main", "function", "const", "let", "var", "public", "static", "void",
        "new", "this", "include", "std", "value", "result", "data", "name", "code", "test", "assert",
    };

    public static SyntheticVocab spm(int size) {
        Set<String> pieces = new LinkedHashSet<>();
        pieces.add("<unk>");
        pieces.add("<s>");
        pieces.add("</s>");
        pieces.add("[INST]");
        pieces.add("[/INST]");
        for (int b = 0; b < 256; b++) pieces.add(String.format("<0x%02X>", b));
        int firstText = pieces.size();
        if (size < firstText) {
            throw new IllegalArgumentException("a synthetic vocabulary needs at least " + firstText + " tokens, asked for " + size);
        }
        pieces.add("\u2581");
        for (char c = 33; c < 127; c++) pieces.add(String.valueOf(c));
        for (String w : WORDS) {
            for (int k = 1; k <= w.length(); k++) pieces.add("\u2581" + w.substring(0, k));
            for (int k = 2; k <= w.length(); k++) pieces.add(w.substring(0, k));
        }
        for (String s : List.of("\u2581\u2581", "\u2581\u2581\u2581\u2581", "()", "):", "\u2581=", "\u2581+", "\u2581-", "\u2581(")) pieces.add(s);
        // then letter pairs and triples, alone and word-initial, so random weights still spell words
        String letters = "etaoinshrdlcumwfgypbvkjxqz";
        outer:
        for (int len = 2; len <= 3; len++) {
            int count = (int) Math.pow(letters.length(), len);
            for (int i = 0; i < count; i++) {
                StringBuilder w = new StringBuilder();
                for (int k = 0, v = i; k < len; k++, v /= letters.length()) w.append(letters.charAt(v % letters.length()));
                pieces.add("\u2581" + w);
                pieces.add(w.toString());
                if (pieces.size() >= size) break outer;
            }
        }
        List<String> tokens = new ArrayList<>(pieces);
        if (tokens.size() > size) tokens = new ArrayList<>(tokens.subList(0, size));
        while (tokens.size() < size) tokens.add("<unused" + tokens.size() + ">");
        float[] scores = new float[size];
        int[] types = new int[size];
        for (int i = 0; i < size; i++) {
            String t = tokens.get(i);
            if (i == UNK) types[i] = UNKNOWN;
            else if (i < 5) types[i] = CONTROL;
            else if (i < firstText) types[i] = BYTE;
            else if (t.startsWith("<unused")) types[i] = UNUSED;
            else types[i] = NORMAL;
            // longer pieces score higher, so merges prefer whole words
            scores[i] = types[i] == NORMAL ? t.length() * 10f - i * 1e-3f : 0f;
        }
        return new SyntheticVocab(List.copyOf(tokens), scores, types);
    }
}
