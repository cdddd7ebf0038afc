package org.jmamba.tokenizer;

/**
 * Open-addressing hash tables that look up a range of a string without copying it out: token texts to ids, and
 * BPE merge pairs to ranks. Keeps the merge loops free of allocation.
 */
final class PieceTable {
    private final String[] keys;
    private final int[] values;
    private final int mask;

    /** Maps {@code keys[i]} to {@code i}; the first occurrence of a repeated key wins. */
    PieceTable(String[] texts) {
        int cap = Integer.highestOneBit(Math.max(4, texts.length * 2 - 1)) << 1;
        keys = new String[cap];
        values = new int[cap];
        mask = cap - 1;
        for (int i = 0; i < texts.length; i++) {
            String t = texts[i];
            int slot = hash(t, 0, t.length()) & mask;
            while (keys[slot] != null && !keys[slot].equals(t)) {
                slot = (slot + 1) & mask;
            }
            if (keys[slot] == null) {
                keys[slot] = t;
                values[slot] = i;
            }
        }
    }

    /** The id of the text {@code s[from, to)}, or -1. */
    int get(String s, int from, int to) {
        int len = to - from;
        int slot = hash(s, from, to) & mask;
        while (true) {
            String k = keys[slot];
            if (k == null) {
                return -1;
            }
            if (k.length() == len && k.regionMatches(0, s, from, len)) {
                return values[slot];
            }
            slot = (slot + 1) & mask;
        }
    }

    int get(String s) {
        return get(s, 0, s.length());
    }

    static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        return mix(h);
    }

    static int mix(int h) {
        h *= 0x9E3779B9;
        return h ^ (h >>> 15);
    }

    /** BPE merge ranks: the pair (left, right) of pieces to its position in {@code tokenizer.ggml.merges}. */
    static final class Merges {
        private final String[] lefts;
        private final String[] rights;
        private final int[] ranks;
        private final int mask;
        private final int size;

        /** @param merges entries "left right", split at the first space after the first character */
        Merges(String[] merges) {
            int cap = Integer.highestOneBit(Math.max(4, merges.length * 2 - 1)) << 1;
            lefts = new String[cap];
            rights = new String[cap];
            ranks = new int[cap];
            mask = cap - 1;
            int count = 0;
            for (int i = 0; i < merges.length; i++) {
                String m = merges[i];
                int space = m.indexOf(' ', 1);
                String l = m.substring(0, space);
                String r = m.substring(space + 1);
                int slot = pairHash(l, 0, l.length(), r, 0, r.length()) & mask;
                boolean seen = false;
                while (lefts[slot] != null) {
                    if (lefts[slot].equals(l) && rights[slot].equals(r)) {
                        seen = true;   // the first occurrence keeps its rank
                        break;
                    }
                    slot = (slot + 1) & mask;
                }
                if (!seen) {
                    lefts[slot] = l;
                    rights[slot] = r;
                    ranks[slot] = i;
                    count++;
                }
            }
            size = count;
        }

        int size() {
            return size;
        }

        /** The rank of merging {@code w[a, m)} with {@code w[m, b)}, or -1. */
        int rank(String w, int a, int m, int b) {
            int slot = pairHash(w, a, m, w, m, b) & mask;
            int ll = m - a;
            int rl = b - m;
            while (true) {
                String l = lefts[slot];
                if (l == null) {
                    return -1;
                }
                String r = rights[slot];
                if (l.length() == ll && r.length() == rl && l.regionMatches(0, w, a, ll) && r.regionMatches(0, w, m, rl)) {
                    return ranks[slot];
                }
                slot = (slot + 1) & mask;
            }
        }

        private static int pairHash(String l, int la, int lb, String r, int ra, int rb) {
            int h = 0;
            for (int i = la; i < lb; i++) {
                h = 31 * h + l.charAt(i);
            }
            h = 31 * h + ' ';
            for (int i = ra; i < rb; i++) {
                h = 31 * h + r.charAt(i);
            }
            return mix(h);
        }
    }
}
