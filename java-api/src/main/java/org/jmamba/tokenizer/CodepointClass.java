package org.jmamba.tokenizer;

/**
 * Coarse character classes used by the BPE pre-tokenizers, mirroring the flags llama.cpp derives from Unicode
 * (general category plus the Unicode {@code White_Space} property). Categories come from the running JDK's Unicode
 * tables, so code points assigned in a newer Unicode version than llama.cpp's tables may classify differently.
 */
final class CodepointClass {
    /** Past the end of the fragment being split. */
    static final int NONE = 0;
    static final int WHITESPACE = 1;
    static final int LETTER = 2;
    static final int NUMBER = 3;
    static final int PUNCTUATION = 4;
    static final int MARK = 5;
    static final int SYMBOL = 6;
    /** Controls, format characters, private use, unassigned, and the few separators that are not white space. */
    static final int OTHER = 7;

    private static final byte[] LATIN1 = new byte[256];

    static {
        for (int c = 0; c < 256; c++) {
            LATIN1[c] = (byte) compute(c);
        }
    }

    private CodepointClass() {
    }

    static int of(int cp) {
        return cp < 256 ? LATIN1[cp] : compute(cp);
    }

    /** The Unicode White_Space property (what Python's {@code regex} module matches with {@code \s}). */
    static boolean isWhitespace(int cp) {
        return switch (cp) {
            case 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x20, 0x85, 0xA0, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000 -> true;
            default -> cp >= 0x2000 && cp <= 0x200A;
        };
    }

    private static int compute(int cp) {
        if (isWhitespace(cp)) {
            return WHITESPACE;
        }
        return switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                 Character.MODIFIER_LETTER, Character.OTHER_LETTER -> LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER -> NUMBER;
            case Character.NON_SPACING_MARK, Character.ENCLOSING_MARK, Character.COMBINING_SPACING_MARK -> MARK;
            case Character.DASH_PUNCTUATION, Character.START_PUNCTUATION, Character.END_PUNCTUATION,
                 Character.CONNECTOR_PUNCTUATION, Character.OTHER_PUNCTUATION, Character.INITIAL_QUOTE_PUNCTUATION,
                 Character.FINAL_QUOTE_PUNCTUATION -> PUNCTUATION;
            case Character.MATH_SYMBOL, Character.CURRENCY_SYMBOL, Character.MODIFIER_SYMBOL,
                 Character.OTHER_SYMBOL -> SYMBOL;
            default -> OTHER;
        };
    }

    /**
     * The one-character stand-in llama.cpp uses when it runs a general regex over text: ASCII stays as it is,
     * every other code point becomes a marker for its class, so ASCII-only regex classes can test categories.
     */
    static char collapsed(int cp) {
        if (cp < 128) {
            return (char) cp;
        }
        return switch (of(cp)) {
            case WHITESPACE -> '\u000B';
            case NUMBER -> COLLAPSED_NUMBER;
            case LETTER -> COLLAPSED_LETTER;
            case PUNCTUATION -> COLLAPSED_PUNCTUATION;
            case MARK -> COLLAPSED_MARK;
            case SYMBOL -> COLLAPSED_SYMBOL;
            default -> COLLAPSED_OTHER;
        };
    }

    static final char COLLAPSED_OTHER = '\u00D0';
    static final char COLLAPSED_NUMBER = '\u00D1';
    static final char COLLAPSED_LETTER = '\u00D2';
    static final char COLLAPSED_PUNCTUATION = '\u00D3';
    static final char COLLAPSED_MARK = '\u00D4';
    static final char COLLAPSED_SYMBOL = '\u00D5';

    static String collapse(int[] cps) {
        char[] out = new char[cps.length];
        for (int i = 0; i < cps.length; i++) {
            out[i] = collapsed(cps[i]);
        }
        return new String(out);
    }
}
