package org.jmamba.tokenizer;

import java.util.List;
import java.util.OptionalInt;

/** What SentencePiece and BPE tokenizers share: special-token handling, decoding and vocabulary queries. */
abstract class AbstractTokenizer {
    final Vocabulary vocab;

    AbstractTokenizer(Vocabulary vocab) {
        this.vocab = vocab;
    }

    public final int[] encode(String text, EncodeOptions options) {
        boolean addBos = options.addBos(), parseSpecial = options.parseSpecial();
        String input = Utf8.sanitize(text);
        IntList out = new IntList(Math.max(16, input.length() / 3));
        if (addBos) {
            if (vocab.bos < 0) {
                throw new IllegalStateException("BOS requested but the vocabulary has no BOS token");
            }
            out.add(vocab.bos);
        }
        List<Vocabulary.Fragment> fragments = vocab.partition(input, parseSpecial);
        encodeFragments(input, fragments, out);
        return out.toArray();
    }

    abstract void encodeFragments(String text, List<Vocabulary.Fragment> fragments, IntList out);

    public final String decode(int[] ids, boolean removeSpecial, boolean unparseSpecial) {
        for (int id : ids) {
            vocab.checkId(id);
        }
        int from = 0;
        int to = ids.length;
        boolean stripSpace = vocab.addSpacePrefix;
        if (removeSpecial && vocab.addBos && to > 0 && ids[0] == vocab.bos) {
            stripSpace = false;
            from = 1;
        }
        if (removeSpecial && vocab.addEos && to > from && ids[to - 1] == vocab.eos) {
            to--;
        }
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (int i = from; i < to; i++) {
            byte[] p = vocab.pieceBytes(ids[i], unparseSpecial);
            int skip = stripSpace && p.length > 0 && p[0] == ' ' ? 1 : 0;
            bytes.write(p, skip, p.length - skip);
            stripSpace = false;
        }
        String text = Utf8.decode(bytes.toByteArray());
        return vocab.cleanSpaces ? SpaceCleaner.clean(text) : text;
    }

    public final StreamingDecoder streamingDecoder(boolean unparseSpecial) {
        return new StreamingDecoder(vocab, unparseSpecial);
    }

    public final byte[] tokenBytes(int id, boolean unparseSpecial) {
        return vocab.pieceBytes(id, unparseSpecial).clone();
    }

    public final int vocabSize() {
        return vocab.size();
    }

    public final int bosId() {
        return vocab.bos;
    }

    public final int eosId() {
        return vocab.eos;
    }

    public final int eotId() {
        return vocab.eot;
    }

    public final int unkId() {
        return vocab.unk;
    }

    public final int padId() {
        return vocab.pad;
    }

    public final boolean addBosDefault() {
        return vocab.addBos;
    }

    public final boolean addEosDefault() {
        return vocab.addEos;
    }

    public final boolean addSpacePrefix() {
        return vocab.addSpacePrefix;
    }

    public final String piece(int id) {
        vocab.checkId(id);
        return vocab.tokens[id];
    }

    public final TokenType type(int id) {
        vocab.checkId(id);
        return vocab.types[id];
    }

    public final float score(int id) {
        vocab.checkId(id);
        return vocab.scores[id];
    }

    public final boolean isEog(int id) {
        return id >= 0 && id < vocab.size() && vocab.eog.get(id);
    }

    public final int[] eogIds() {
        return vocab.eogIds();
    }

    public final OptionalInt tokenId(String piece) {
        int id = vocab.pieces.get(piece);
        return id < 0 ? OptionalInt.empty() : OptionalInt.of(id);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + vocab + "]";
    }
}
