package org.jmamba.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Word splits of the BPE pre-tokenizers, checked by hand against llama.cpp's rules. */
class PreTokenizerTest {

    static List<String> split(PreTokenizer.Kind kind, String text) {
        int[] cps = text.codePoints().toArray();
        List<String> words = new ArrayList<>();
        int pos = 0;
        for (int len : PreTokenizer.of(kind).split(cps)) {
            words.add(new String(cps, pos, len));
            pos += len;
        }
        return words;
    }

    static void check(PreTokenizer.Kind kind, String text, String... expected) {
        assertEquals(List.of(expected), split(kind, text), () -> kind + " on '" + text + "'");
    }

    @Test
    void gpt2() {
        PreTokenizer.Kind k = PreTokenizer.Kind.GPT2;
        check(k, "Hello world", "Hello", " world");
        // contractions are lower case only; "'S" falls apart into punctuation and a letter
        check(k, "I'm don't we'll they're IT'S", "I", "'m", " don", "'t", " we", "'ll", " they", "'re", " IT", "'", "S");
        // a run of blanks before a word leaves its last blank to the word; at the end it stays whole
        check(k, "a   b", "a", "  ", " b");
        check(k, "  leading", " ", " leading");
        check(k, "end  ", "end", "  ");
        // a newline never joins a word: the regex's optional lead is a plain space
        check(k, "hello\n\nworld", "hello", "\n", "\n", "world");
        check(k, "\tfoo", "\t", "foo");
        check(k, "ok.\n\nNext", "ok", ".", "\n", "\n", "Next");
        // digit runs stay whole
        check(k, "12345 678", "12345", " 678");
        check(k, "(x)", "(", "x", ")");
        // emoji are symbols: they join with following punctuation and a leading space
        check(k, "hi 🦙🦙!", "hi", " 🦙🦙!");
        // CJK ideographs are letters and join Latin letters
        check(k, "我想在apple工作1314", "我想在apple工作", "1314");
        // a combining mark is neither letter nor number
        check(k, "e\u0301t", "e", "\u0301", "t");
        // non-ASCII blanks are whitespace
        check(k, "a\u00a0\u00a0b", "a", "\u00a0", "\u00a0", "b");
        check(k, "", new String[0]);
    }

    @Test
    void llama3() {
        PreTokenizer.Kind k = PreTokenizer.Kind.LLAMA3;
        check(k, "Hello world", "Hello", " world");
        // contractions ignore case
        check(k, "I'm IT'S we'LL", "I", "'m", " IT", "'S", " we", "'LL");
        // one non-letter, non-digit, non-newline character may lead a word
        check(k, "(x) \tfoo", "(x", ")", " ", "\tfoo");
        // digits go in groups of at most three
        check(k, "12345 678", "123", "45", " ", "678");
        // whitespace up to and including the last newline is one piece
        check(k, "hello\n\nworld", "hello", "\n\n", "world");
        check(k, "a \n \n  b", "a", " \n \n", " ", " b");
        // punctuation keeps the newlines that follow it
        check(k, "ok.\n\nNext", "ok", ".\n\n", "Next");
        check(k, "hi 🦙🦙!", "hi", " 🦙🦙!");
        check(k, "a   b", "a", "  ", " b");
        check(k, "end  ", "end", "  ");
    }

    @Test
    void qwen2() {
        PreTokenizer.Kind k = PreTokenizer.Kind.QWEN2;
        check(k, "Hello world", "Hello", " world");
        check(k, "I'm IT'S", "I", "'m", " IT", "'S");
        // single digits
        check(k, "12345 678", "1", "2", "3", "4", "5", " ", "6", "7", "8");
        check(k, "(x) \tfoo", "(x", ")", " ", "\tfoo");
        check(k, "hello\n\nworld", "hello", "\n\n", "world");
        check(k, "ok.\n\nNext", "ok", ".\n\n", "Next");
        check(k, "我想在apple工作", "我想在apple工作");
        check(k, "hi 🦙🦙!", "hi", " 🦙🦙!");
        check(k, "a   b", "a", "  ", " b");
    }

    @Test
    void llamaCppDefaultChain() {
        PreTokenizer.Kind k = PreTokenizer.Kind.DEFAULT;
        // first punctuation and $+<=>^~| runs are cut out, then GPT-2's rule, then digit runs, then triples of ASCII digits
        check(k, "hello, world!!", "hello", ",", " world", "!!");
        check(k, "a+b=c", "a", "+", "b", "=", "c");
        check(k, "1234567", "123", "456", "7");
        check(k, "x 12345", "x", " ", "123", "45");
        check(k, "I'm", "I", "'", "m");
    }

    @Test
    void digitsDistinguishThePreTokenizers() {
        assertEquals(List.of("1212"), split(PreTokenizer.Kind.GPT2, "1212"));
        assertEquals(List.of("121", "2"), split(PreTokenizer.Kind.LLAMA3, "1212"));
        assertEquals(List.of("1", "2", "1", "2"), split(PreTokenizer.Kind.QWEN2, "1212"));
        assertEquals(List.of("121", "2"), split(PreTokenizer.Kind.DEFAULT, "1212"));
    }

    // The GPT-2 and Llama-3 scanners must agree with the regular expressions they stand for, run the way
    // llama.cpp runs a general expression (over the class-collapsed text).
    private static final String L = "\\u00D2A-Za-z";
    private static final String N = "\\u00D10-9";
    private static final Pattern GPT2_REGEX = Pattern.compile(
            "'s|'t|'re|'ve|'m|'ll|'d| ?[" + L + "]+| ?[" + N + "]+| ?[^\\s" + L + N + "]+|\\s+(?!\\S)|\\s+");
    private static final Pattern LLAMA3_REGEX = Pattern.compile(
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\\r\\n" + L + N + "]?[" + L + "]+|[" + N
            + "]{1,3}| ?[^\\s" + L + N + "]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+");

    static List<String> regexSplit(Pattern p, String text) {
        int[] cps = text.codePoints().toArray();
        String collapsed = CodepointClass.collapse(cps);
        Matcher m = p.matcher(collapsed);
        List<String> out = new ArrayList<>();
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                out.add(new String(cps, last, m.start() - last));
            }
            out.add(new String(cps, m.start(), m.end() - m.start()));
            last = m.end();
        }
        if (last < cps.length) {
            out.add(new String(cps, last, cps.length - last));
        }
        return out;
    }

    @Test
    void scannersMatchTheirRegularExpressionsOnRandomText() {
        String[] alphabet = {"a", "Z", "é", "中", "1", "٣", "Ⅻ", " ", " ", "\t", "\n", "\r", "'", "s", "t", "r", "e", "v",
            "l", "m", "d", "S", "E", ".", "!", "🦙", "\u0301", "\u00a0", "\u2003", "\u0085", "$", "+", "\u0001", "\uE000"};
        Random rnd = new Random(42);
        for (int iter = 0; iter < 20_000; iter++) {
            StringBuilder b = new StringBuilder();
            int len = rnd.nextInt(25);
            for (int i = 0; i < len; i++) {
                b.append(alphabet[rnd.nextInt(alphabet.length)]);
            }
            String s = b.toString();
            assertEquals(regexSplit(GPT2_REGEX, s), split(PreTokenizer.Kind.GPT2, s), () -> "gpt2 on '" + s + "'");
            assertEquals(regexSplit(LLAMA3_REGEX, s), split(PreTokenizer.Kind.LLAMA3, s), () -> "llama3 on '" + s + "'");
        }
    }

    @Test
    void longInputsDoNotOverflowTheRegexEngine() {
        String spaces = " ".repeat(200_000) + "x";
        assertEquals(List.of(" ".repeat(199_999), " x"), split(PreTokenizer.Kind.QWEN2, spaces));
        String punct = "=".repeat(200_000);
        assertEquals(List.of(punct), split(PreTokenizer.Kind.QWEN2, punct));
        assertEquals(200_000 / 3 + 1, split(PreTokenizer.Kind.DEFAULT, "7".repeat(200_000)).size());
    }
}
