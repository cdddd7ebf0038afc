package org.jmamba.tokenizer;

import static org.jmamba.tokenizer.CodepointClass.LETTER;
import static org.jmamba.tokenizer.CodepointClass.NONE;
import static org.jmamba.tokenizer.CodepointClass.NUMBER;
import static org.jmamba.tokenizer.CodepointClass.WHITESPACE;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into the words a byte-level BPE merges within, the way llama.cpp does for a given
 * {@code tokenizer.ggml.pre}. A pre-tokenizer is a chain of stages; each stage splits every piece left by the
 * previous one, keeping the text between matches as pieces of its own.
 *
 * <p>The GPT-2 and Llama-3 expressions run as hand-written scanners equivalent to the regular expressions (as in
 * llama.cpp); other expressions run through {@link java.util.regex} over a "collapsed" copy of the text in which
 * each non-ASCII code point is replaced by a marker for its Unicode class, exactly as llama.cpp feeds its
 * {@code std::regex} fallback.
 */
final class PreTokenizer {

    /** The pre-tokenizer families implemented. */
    enum Kind {
        /** llama.cpp's fallback chain used for {@code default} or a missing {@code tokenizer.ggml.pre}. */
        DEFAULT,
        /** GPT-2 / GPT-NeoX: {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+}. */
        GPT2,
        /** Llama 3: case-insensitive contractions, letters with one leading non-letter, digits in threes. */
        LLAMA3,
        /** Qwen 2: like Llama 3 but single digits. */
        QWEN2
    }

    private interface Stage {
        void split(int[] cps, byte[] classes, String collapsed, int from, int to, IntList out);
    }

    // Collapsed-text equivalents of \p{L}, \p{N} and \p{P} (ASCII members plus the class marker).
    private static final String L = "\\u00D2A-Za-z";
    private static final String N = "\\u00D10-9";
    private static final String P = "\\u00D3\\x21-\\x23\\x25-\\x2A\\x2C-\\x2F\\x3A\\x3B\\x3F\\x40\\x5B-\\x5D\\x5F\\x7B\\x7D";

    static final String QWEN2_REGEX =
            "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])"
            + "|[^\\r\\n" + L + N + "]?[" + L + "]+"
            + "|[" + N + "]"
            + "| ?[^\\s" + L + N + "]+[\\r\\n]*"
            + "|\\s*[\\r\\n]+"
            + "|\\s+(?!\\S)"
            + "|\\s+";

    private static final Stage GPT2_STAGE = PreTokenizer::splitGpt2;
    private static final Stage LLAMA3_STAGE = PreTokenizer::splitLlama3;

    private final Kind kind;
    private final List<Stage> stages;

    private PreTokenizer(Kind kind, List<Stage> stages) {
        this.kind = kind;
        this.stages = stages;
    }

    static PreTokenizer of(Kind kind) {
        return switch (kind) {
            case GPT2 -> new PreTokenizer(kind, List.of(GPT2_STAGE));
            case LLAMA3 -> new PreTokenizer(kind, List.of(LLAMA3_STAGE));
            case QWEN2 -> new PreTokenizer(kind, List.of(regex(QWEN2_REGEX)));
            case DEFAULT -> new PreTokenizer(kind, List.of(
                    regex("[" + P + "\\x24\\x2B\\x3C-\\x3E\\x5E\\x7E\\x7C]+"),
                    GPT2_STAGE,
                    regex("[" + N + "]+"),
                    regex("[0-9][0-9][0-9]")));
        };
    }

    Kind kind() {
        return kind;
    }

    /**
     * Splits a code point sequence.
     *
     * @return the length, in code points, of each piece in order; the lengths add up to {@code cps.length}
     */
    int[] split(int[] cps) {
        if (cps.length == 0) {
            return new int[0];
        }
        byte[] classes = new byte[cps.length];
        for (int i = 0; i < cps.length; i++) {
            classes[i] = (byte) CodepointClass.of(cps[i]);
        }
        String collapsed = null;
        IntList pieces = new IntList(1);
        pieces.add(cps.length);
        for (Stage stage : stages) {
            if (collapsed == null && stage instanceof RegexStage) {
                collapsed = CodepointClass.collapse(cps);
            }
            IntList next = new IntList(Math.max(16, pieces.size() * 2));
            int start = 0;
            for (int i = 0; i < pieces.size(); i++) {
                int end = start + pieces.get(i);
                stage.split(cps, classes, collapsed, start, end, next);
                start = end;
            }
            pieces = next;
        }
        return pieces.toArray();
    }

    private static Stage regex(String expression) {
        return new RegexStage(Pattern.compile(expression));
    }

    private record RegexStage(Pattern pattern) implements Stage {
        @Override
        public void split(int[] cps, byte[] classes, String collapsed, int from, int to, IntList out) {
            Matcher m = pattern.matcher(collapsed);
            m.region(from, to);
            int last = from;
            while (m.find()) {
                if (m.end() == m.start()) {
                    continue;
                }
                if (m.start() > last) {
                    out.add(m.start() - last);
                }
                out.add(m.end() - m.start());
                last = m.end();
            }
            if (last < to) {
                out.add(to - last);
            }
        }
    }

    /** Emits the piece [start, end) when it is not empty. */
    private static void emit(IntList out, int start, int end) {
        if (end > start) {
            out.add(end - start);
        }
    }

    private static int cls(byte[] classes, int pos, int to) {
        return pos < to ? classes[pos] : NONE;
    }

    private static int cp(int[] cps, int pos, int to) {
        return pos < to ? cps[pos] : -1;
    }

    /** Length of a contraction ('s 't 'm 'd 're 've 'll) starting at pos, or 0. */
    private static int contraction(int[] cps, int pos, int to, boolean ignoreCase) {
        if (cps[pos] != '\'' || pos + 1 >= to) {
            return 0;
        }
        int c1 = ignoreCase ? Character.toLowerCase(cps[pos + 1]) : cps[pos + 1];
        if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd') {
            return 2;
        }
        if (pos + 2 < to) {
            int c2 = ignoreCase ? Character.toLowerCase(cps[pos + 2]) : cps[pos + 2];
            if ((c1 == 'r' && c2 == 'e') || (c1 == 'v' && c2 == 'e') || (c1 == 'l' && c2 == 'l')) {
                return 3;
            }
        }
        return 0;
    }

    private static boolean isOtherSymbolClass(int c) {
        // [^\s\p{L}\p{N}] for a code point inside the fragment
        return c != NONE && c != WHITESPACE && c != LETTER && c != NUMBER;
    }

    private static void splitGpt2(int[] cps, byte[] classes, String collapsed, int from, int to, IntList out) {
        int pos = from;
        while (pos < to) {
            int start = pos;
            int c = cps[pos];
            int n = contraction(cps, pos, to, false);
            if (n > 0) {
                pos += n;
                emit(out, start, pos);
                continue;
            }
            // an optional leading space joins a run of letters, of numbers, or of other symbols
            boolean space = c == ' ';
            int head = space ? cls(classes, pos + 1, to) : classes[pos];
            if (head == LETTER || head == NUMBER) {
                pos += space ? 1 : 0;
                while (cls(classes, pos, to) == head) {
                    pos++;
                }
                emit(out, start, pos);
                continue;
            }
            if (isOtherSymbolClass(head)) {
                pos += space ? 1 : 0;
                while (isOtherSymbolClass(cls(classes, pos, to))) {
                    pos++;
                }
                emit(out, start, pos);
                continue;
            }
            int ws = 0;
            while (cls(classes, pos + ws, to) == WHITESPACE) {
                ws++;
            }
            if (ws > 1 && pos + ws < to) {
                // \s+(?!\S): leave the last blank to lead the next word
                pos += ws - 1;
            } else if (ws > 0) {
                pos += ws;
            } else {
                pos++;
            }
            emit(out, start, pos);
        }
    }

    private static void splitLlama3(int[] cps, byte[] classes, String collapsed, int from, int to, IntList out) {
        int pos = from;
        while (pos < to) {
            int start = pos;
            int c = cps[pos];
            int cl = classes[pos];
            int n = contraction(cps, pos, to, true);
            if (n > 0) {
                pos += n;
                emit(out, start, pos);
                continue;
            }
            // [^\r\n\p{L}\p{N}]?\p{L}+
            if (c != '\r' && c != '\n' && cl != NUMBER && (cl == LETTER || cls(classes, pos + 1, to) == LETTER)) {
                pos++;
                while (cls(classes, pos, to) == LETTER) {
                    pos++;
                }
                emit(out, start, pos);
                continue;
            }
            // \p{N}{1,3}
            if (cl == NUMBER) {
                int group = pos;
                while (cls(classes, pos, to) == NUMBER) {
                    pos++;
                    if (pos - group >= 3) {
                        emit(out, group, pos);
                        group = pos;
                    }
                }
                emit(out, group, pos);
                continue;
            }
            // " ?[^\s\p{L}\p{N}]+[\r\n]*"
            boolean space = c == ' ';
            int head = space ? cls(classes, pos + 1, to) : cl;
            if (head != WHITESPACE && head != LETTER && head != NUMBER) {
                pos += space ? 1 : 0;
                while (isOtherSymbolClass(cls(classes, pos, to))) {
                    pos++;
                }
                while (cp(cps, pos, to) == '\r' || cp(cps, pos, to) == '\n') {
                    pos++;
                }
                emit(out, start, pos);
                continue;
            }
            int ws = 0;
            int afterLastNewline = -1;
            while (cls(classes, pos + ws, to) == WHITESPACE) {
                int w = cps[pos + ws];
                if (w == '\r' || w == '\n') {
                    afterLastNewline = pos + ws + 1;
                }
                ws++;
            }
            if (afterLastNewline >= 0) {
                // \s*[\r\n]+
                pos = afterLastNewline;
            } else if (ws > 1 && pos + ws < to) {
                pos += ws - 1;
            } else if (ws > 0) {
                pos += ws;
            } else {
                pos++;
            }
            emit(out, start, pos);
        }
    }
}
