package org.jmamba.tokenizer;

import java.util.List;

/**
 * llama.cpp's byte-level BPE ("gpt2") tokenizer. Text between special tokens is split into words by the
 * pre-tokenizer named in {@code tokenizer.ggml.pre}; each word's UTF-8 bytes are mapped to GPT-2's printable
 * characters and merged pairwise, always applying the adjacent pair with the lowest rank in
 * {@code tokenizer.ggml.merges} (the leftmost on ties), until no listed pair remains.
 */
public final class BpeTokenizer extends AbstractTokenizer implements Tokenizer {
    private final PreTokenizer preTokenizer;

    BpeTokenizer(Vocabulary vocab) {
        super(vocab);
        this.preTokenizer = PreTokenizer.of(vocab.preKind);
    }

    /** The {@code tokenizer.ggml.pre} value this tokenizer follows ({@code "default"} when the file has none). */
    public String preTokenizerName() {
        return vocab.preName;
    }

    @Override
    void encodeFragments(String text, List<Vocabulary.Fragment> fragments, IntList out) {
        MergeQueue queue = new MergeQueue();
        StringBuilder word = new StringBuilder();
        for (Vocabulary.Fragment f : fragments) {
            if (f.token() >= 0) {
                out.add(f.token());
                continue;
            }
            int[] cps = text.substring(f.start(), f.end()).codePoints().toArray();
            int pos = 0;
            for (int length : preTokenizer.split(cps)) {
                word.setLength(0);
                for (int k = pos; k < pos + length; k++) {
                    Utf8.appendByteEncoded(word, cps[k]);
                }
                pos += length;
                encodeWord(word.toString(), queue, out);
            }
        }
    }

    private void encodeWord(String w, MergeQueue queue, IntList out) {
        if (vocab.ignoreMerges) {
            int whole = vocab.pieces.get(w);
            if (whole >= 0) {
                out.add(whole);
                return;
            }
        }
        int n = w.length();   // every byte-encoded character is a single char
        int[] start = new int[n];
        int[] len = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            start[i] = i;
            len[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        queue.clear();
        for (int i = 1; i < n; i++) {
            offer(w, queue, start, len, i - 1, i);
        }
        while (!queue.isEmpty()) {
            queue.poll();
            int l = queue.polledLeft;
            int r = queue.polledRight;
            if (len[l] == 0 || len[r] == 0 || len[l] != queue.polledLeftLen || len[r] != queue.polledRightLen) {
                continue;
            }
            len[l] += len[r];
            len[r] = 0;
            next[l] = next[r];
            if (next[r] >= 0) {
                prev[next[r]] = l;
            }
            offer(w, queue, start, len, prev[l], l);
            offer(w, queue, start, len, l, next[l]);
        }
        for (int i = 0; i != -1 && n > 0; i = next[i]) {
            int id = vocab.pieces.get(w, start[i], start[i] + len[i]);
            if (id >= 0) {
                out.add(id);
                continue;
            }
            // As llama.cpp: try each byte of the piece's text as a one-byte token, dropping those that are not.
            for (byte b : Vocabulary.utf8(w.substring(start[i], start[i] + len[i]))) {
                if (b >= 0) {
                    int single = vocab.pieces.get(String.valueOf((char) b));
                    if (single >= 0) {
                        out.add(single);
                    }
                }
            }
        }
    }

    private void offer(String w, MergeQueue queue, int[] start, int[] len, int l, int r) {
        if (l < 0 || r < 0) {
            return;
        }
        int rank = vocab.merges.rank(w, start[l], start[r], start[r] + len[r]);
        if (rank >= 0) {
            queue.add(rank, l, r, len[l], len[r]);
        }
    }
}
