package org.jmamba.tokenizer;

/**
 * The "clean up tokenization spaces" pass llama.cpp applies to detokenized BPE text (Hugging Face's
 * {@code clean_up_tokenization_spaces}): three passes over the text, each removing spaces.
 * <ol>
 * <li>a space right before {@code ? ! . ,};</li>
 * <li>both spaces around a lone apostrophe ({@code " ' "} becomes {@code "'"});</li>
 * <li>a space before the contractions {@code 's 'm 're 've} (but not {@code 't 'd 'll}).</li>
 * </ol>
 * Each pass only looks at characters at most three places ahead of a space, so text can be cleaned in pieces
 * when a piece does not end in something a later character could still change (see {@link #safeSplit}).
 */
final class SpaceCleaner {
    private SpaceCleaner() {
    }

    static String clean(CharSequence text) {
        int n = text.length();
        if (n == 0) {
            return "";
        }
        char[] a = new char[n];
        for (int i = 0; i < n; i++) {
            a[i] = text.charAt(i);
        }
        n = dropSpaceBeforePunctuation(a, n);
        n = joinLoneApostrophe(a, n);
        n = dropSpaceBeforeContraction(a, n);
        return new String(a, 0, n);
    }

    private static int dropSpaceBeforePunctuation(char[] a, int n) {
        int w = 0;
        for (int i = 0; i < n; i++) {
            char c = a[i];
            if (c == ' ' && i + 1 < n) {
                char x = a[i + 1];
                if (x == '?' || x == '!' || x == '.' || x == ',') {
                    continue;
                }
            }
            a[w++] = c;
        }
        return w;
    }

    private static int joinLoneApostrophe(char[] a, int n) {
        int w = 0;
        int i = 0;
        while (i < n) {
            if (a[i] == ' ' && i + 2 < n && a[i + 1] == '\'' && a[i + 2] == ' ') {
                a[w++] = '\'';
                i += 3;
                continue;
            }
            a[w++] = a[i++];
        }
        return w;
    }

    private static int dropSpaceBeforeContraction(char[] a, int n) {
        int w = 0;
        for (int i = 0; i < n; i++) {
            char c = a[i];
            if (c == ' ' && i + 2 < n && a[i + 1] == '\'') {
                char x1 = a[i + 2];
                if (x1 == 's' || x1 == 'm') {
                    continue;
                }
                if (i + 3 < n && (x1 == 'r' || x1 == 'v') && a[i + 3] == 'e') {
                    continue;
                }
            }
            a[w++] = c;
        }
        return w;
    }

    /**
     * The longest prefix of {@code text} that can be cleaned now without knowing what follows: it must not end in
     * a space, {@code " '"}, {@code " 'r"} or {@code " 'v"}, the only endings a later character could still turn
     * into a match. Cleaning that prefix and the rest separately gives the same result as cleaning the whole.
     */
    static int safeSplit(CharSequence text) {
        int p = text.length();
        while (p > 0) {
            char last = text.charAt(p - 1);
            if (last == ' ') {
                p -= 1;
            } else if (last == '\'' && p >= 2 && text.charAt(p - 2) == ' ') {
                p -= 2;
            } else if ((last == 'r' || last == 'v') && p >= 3 && text.charAt(p - 2) == '\'' && text.charAt(p - 3) == ' ') {
                p -= 3;
            } else {
                break;
            }
        }
        return p;
    }
}
