package org.jmamba.tokenizer;

import java.util.List;

/**
 * llama.cpp's SentencePiece ("llama") tokenizer. Each run of text between special tokens is prefixed with a
 * space when {@code add_space_prefix} is set (the first run, and every run that follows a special token), its
 * spaces become {@code ▁}, and it is split into characters that are merged pairwise, always taking the adjacent
 * pair whose concatenation is the vocabulary token with the highest score (the leftmost on ties), until no pair
 * forms a token. A character that is not a token becomes its UTF-8 bytes as {@code <0xNN>} tokens, or the unknown
 * token when the vocabulary has no byte tokens for it.
 *
 * <p>Merging uses a priority queue over the whole run, so encoding is O(n log n) in the text length.
 */
public final class SentencePieceTokenizer extends AbstractTokenizer implements Tokenizer {
    private static final char ESCAPED_SPACE = '\u2581';

    /** Token for each byte value ({@code <0xNN>}), or -1. */
    private final int[] byteTokens = new int[256];

    SentencePieceTokenizer(Vocabulary vocab) {
        super(vocab);
        for (int b = 0; b < 256; b++) {
            int id = vocab.pieces.get(String.format("<0x%02X>", b));
            if (id < 0 && b < 0x80) {
                id = vocab.pieces.get(String.valueOf((char) b));
            }
            byteTokens[b] = id;
        }
    }

    @Override
    void encodeFragments(String text, List<Vocabulary.Fragment> fragments, IntList out) {
        boolean afterSpecial = true;   // the start of the text counts as following a special token
        for (Vocabulary.Fragment f : fragments) {
            if (f.token() >= 0) {
                out.add(f.token());
                afterSpecial = true;
                continue;
            }
            StringBuilder b = new StringBuilder(f.end() - f.start() + 1);
            if (vocab.addSpacePrefix && afterSpecial) {
                b.append(' ');
            }
            b.append(text, f.start(), f.end());
            for (int i = 0; i < b.length(); i++) {
                if (b.charAt(i) == ' ') {
                    b.setCharAt(i, ESCAPED_SPACE);
                }
            }
            tokenize(b.toString(), out);
            afterSpecial = false;
        }
    }

    private void tokenize(String s, IntList out) {
        int n = s.codePointCount(0, s.length());
        if (n == 0) {
            return;
        }
        int[] start = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0, off = 0; i < n; i++) {
            int c = Character.charCount(s.codePointAt(off));
            start[i] = off;
            len[i] = c;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
            off += c;
        }
        MergeQueue queue = new MergeQueue();
        for (int i = 1; i < n; i++) {
            offer(s, queue, start, len, i - 1, i);
        }
        while (!queue.isEmpty()) {
            queue.poll();
            int l = queue.polledLeft;
            int r = queue.polledRight;
            if (len[l] == 0 || len[r] == 0 || len[l] != queue.polledLeftLen || len[r] != queue.polledRightLen) {
                continue;   // one side was merged into something else since this pair was queued
            }
            len[l] += len[r];
            len[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            offer(s, queue, start, len, prev[l], l);
            offer(s, queue, start, len, l, next[l]);
        }
        for (int i = 0; i != -1; i = next[i]) {
            int id = vocab.pieces.get(s, start[i], start[i] + len[i]);
            if (id >= 0) {
                out.add(id);
            } else {
                byteFallback(s.substring(start[i], start[i] + len[i]), out);
            }
        }
    }

    private void offer(String s, MergeQueue queue, int[] start, int[] len, int l, int r) {
        if (l < 0 || r < 0) {
            return;
        }
        int total = len[l] + len[r];
        if (total > vocab.maxTokenChars) {
            return;
        }
        int id = vocab.pieces.get(s, start[l], start[l] + total);
        if (id < 0) {
            return;
        }
        queue.add(-(double) vocab.scores[id], l, r, len[l], len[r]);
    }

    private void byteFallback(String piece, IntList out) {
        if (piece.length() == 1 && piece.charAt(0) < 0x80 && byteTokens[piece.charAt(0)] >= 0) {
            out.add(byteTokens[piece.charAt(0)]);
            return;
        }
        byte[] bytes = Vocabulary.utf8(piece);
        for (byte b : bytes) {
            if (byteTokens[b & 0xFF] < 0) {
                if (vocab.unk < 0) {
                    throw new IllegalStateException("cannot encode '" + piece
                            + "': the vocabulary has no byte token for 0x" + String.format("%02X", b & 0xFF)
                            + " and no unknown token");
                }
                out.add(vocab.unk);
                return;
            }
        }
        for (byte b : bytes) {
            out.add(byteTokens[b & 0xFF]);
        }
    }
}
