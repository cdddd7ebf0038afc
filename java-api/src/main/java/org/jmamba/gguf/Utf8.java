package org.jmamba.gguf;

/** UTF-8 rules shared by the reader and the writer. */
final class Utf8 {
    private Utf8() {}

    /**
     * Index of the first char of {@code s} that is half of no surrogate pair, or -1. Such a string
     * has no UTF-8 form: Java's encoder would silently write '?' for it.
     */
    static int firstUnpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /** Throws IllegalArgumentException naming {@code what} when {@code s} has no UTF-8 form. */
    static void requireWellFormed(String s, String what) {
        int bad = firstUnpairedSurrogate(s);
        if (bad >= 0) {
            throw new IllegalArgumentException(what + " has an unpaired surrogate at index " + bad);
        }
    }
}
