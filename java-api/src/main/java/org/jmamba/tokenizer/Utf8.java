package org.jmamba.tokenizer;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/** UTF-8 helpers. */
final class Utf8 {
    private Utf8() {
    }

    /** A decoder that replaces malformed input with U+FFFD. */
    static CharsetDecoder newDecoder() {
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    }

    static String decode(byte[] bytes) {
        try {
            return newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException(e);   // cannot happen with REPLACE
        }
    }

    /** Replaces unpaired surrogates (which have no UTF-8 form) with U+FFFD. */
    static String sanitize(String s) {
        int n = s.length();
        for (int i = 0; i < n; i++) {
            if (Character.isSurrogate(s.charAt(i))) {
                return sanitizeFrom(s, i);
            }
        }
        return s;
    }

    private static String sanitizeFrom(String s, int first) {
        StringBuilder b = new StringBuilder(s.length());
        b.append(s, 0, first);
        for (int i = first; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                b.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c)) {
                b.append('\uFFFD');
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** Appends the UTF-8 encoding of code point {@code cp}, each byte mapped through GPT-2's byte-to-char table. */
    static void appendByteEncoded(StringBuilder out, int cp) {
        if (cp < 0x80) {
            out.append(ByteUnicode.encode(cp));
        } else if (cp < 0x800) {
            out.append(ByteUnicode.encode(0xC0 | (cp >> 6)));
            out.append(ByteUnicode.encode(0x80 | (cp & 0x3F)));
        } else if (cp < 0x10000) {
            out.append(ByteUnicode.encode(0xE0 | (cp >> 12)));
            out.append(ByteUnicode.encode(0x80 | ((cp >> 6) & 0x3F)));
            out.append(ByteUnicode.encode(0x80 | (cp & 0x3F)));
        } else {
            out.append(ByteUnicode.encode(0xF0 | (cp >> 18)));
            out.append(ByteUnicode.encode(0x80 | ((cp >> 12) & 0x3F)));
            out.append(ByteUnicode.encode(0x80 | ((cp >> 6) & 0x3F)));
            out.append(ByteUnicode.encode(0x80 | (cp & 0x3F)));
        }
    }

    /** Number of UTF-8 bytes of code point {@code cp}. */
    static int length(int cp) {
        return cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    }

}
