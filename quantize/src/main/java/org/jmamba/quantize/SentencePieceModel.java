package org.jmamba.quantize;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A SentencePiece model file ({@code tokenizer.model}): a protobuf {@code ModelProto}, read with a
 * small wire-format reader. Kept: the pieces (text, score, type), and from the trainer spec the
 * model type, byte fallback and the unk/bos/eos/pad ids; from the normalizer spec whether a dummy
 * prefix is added. Everything else is skipped.
 *
 * <p>Field numbers (sentencepiece_model.proto): ModelProto: pieces 1, trainer_spec 2,
 * normalizer_spec 3. SentencePiece: piece 1, score 2 (float), type 3 (NORMAL 1, UNKNOWN 2, CONTROL 3,
 * USER_DEFINED 4, UNUSED 5, BYTE 6). TrainerSpec: model_type 3 (UNIGRAM 1, BPE 2, WORD 3, CHAR 4),
 * vocab_size 4, byte_fallback 35, unk_id 40, bos_id 41, eos_id 42, pad_id 43. NormalizerSpec: name 1,
 * add_dummy_prefix 3.
 */
public record SentencePieceModel(List<Piece> pieces, int modelType, boolean byteFallback, int unkId, int bosId,
                                 int eosId, int padId, boolean addDummyPrefix, String normalizerName) {
    public static final int NORMAL = 1, UNKNOWN = 2, CONTROL = 3, USER_DEFINED = 4, UNUSED = 5, BYTE = 6;

    public record Piece(String text, float score, int type) {}

    public SentencePieceModel {
        pieces = List.copyOf(pieces);
    }

    public static SentencePieceModel read(Path path) throws IOException {
        try {
            return parse(Files.readAllBytes(path));
        } catch (QuantizeException e) {
            throw new QuantizeException(path + ": not a SentencePiece model: " + e.getMessage(), e);
        }
    }

    public static SentencePieceModel parse(byte[] data) {
        Reader r = new Reader(data, 0, data.length);
        List<Piece> pieces = new ArrayList<>();
        int modelType = 1, unk = 0, bos = 1, eos = 2, pad = -1;
        boolean byteFallback = false, dummy = true;
        String normName = "";
        while (r.more()) {
            long tag = r.varint();
            int field = (int) (tag >>> 3), wire = (int) (tag & 7);
            if (field == 1 && wire == 2) {
                pieces.add(piece(r.sub(), pieces.size()));
            } else if (field == 2 && wire == 2) {
                Reader t = r.sub();
                while (t.more()) {
                    long tt = t.varint();
                    int f = (int) (tt >>> 3), w = (int) (tt & 7);
                    if (w == 0 && (f == 3 || f == 35 || f == 40 || f == 41 || f == 42 || f == 43)) {
                        int v = (int) t.varint();
                        switch (f) {
                            case 3 -> modelType = v;
                            case 35 -> byteFallback = v != 0;
                            case 40 -> unk = v;
                            case 41 -> bos = v;
                            case 42 -> eos = v;
                            default -> pad = v;
                        }
                    } else {
                        t.skip(w);
                    }
                }
            } else if (field == 3 && wire == 2) {
                Reader n = r.sub();
                while (n.more()) {
                    long nt = n.varint();
                    int f = (int) (nt >>> 3), w = (int) (nt & 7);
                    if (f == 1 && w == 2) normName = n.string();
                    else if (f == 3 && w == 0) dummy = n.varint() != 0;
                    else n.skip(w);
                }
            } else {
                r.skip(wire);
            }
        }
        if (pieces.isEmpty()) throw new QuantizeException("it has no pieces");
        return new SentencePieceModel(pieces, modelType, byteFallback, unk, bos, eos, pad, dummy, normName);
    }

    private static Piece piece(Reader r, int index) {
        String text = null;
        float score = 0;
        int type = NORMAL;
        while (r.more()) {
            long tag = r.varint();
            int f = (int) (tag >>> 3), w = (int) (tag & 7);
            if (f == 1 && w == 2) text = r.string();
            else if (f == 2 && w == 5) score = Float.intBitsToFloat(r.fixed32());
            else if (f == 3 && w == 0) type = (int) r.varint();
            else r.skip(w);
        }
        if (text == null) throw new QuantizeException("piece " + index + " has no text");
        if (type < NORMAL || type > BYTE) throw new QuantizeException("piece " + index + " ('" + text + "') has unknown type " + type);
        return new Piece(text, score, type);
    }

    /** Protobuf wire format over a byte range. */
    private static final class Reader {
        private final byte[] b;
        private int pos;
        private final int end;

        Reader(byte[] b, int pos, int end) {
            this.b = b;
            this.pos = pos;
            this.end = end;
        }

        boolean more() {
            return pos < end;
        }

        long varint() {
            long v = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                if (pos >= end) throw new QuantizeException("a varint runs past the end at byte " + pos);
                int x = b[pos++] & 0xFF;
                v |= (long) (x & 0x7F) << shift;
                if (x < 0x80) return v;
            }
            throw new QuantizeException("a varint is longer than 10 bytes at byte " + pos);
        }

        int fixed32() {
            need(4);
            int v = (b[pos] & 0xFF) | (b[pos + 1] & 0xFF) << 8 | (b[pos + 2] & 0xFF) << 16 | (b[pos + 3] & 0xFF) << 24;
            pos += 4;
            return v;
        }

        private int length() {
            long n = varint();
            if (n < 0 || n > end - pos) throw new QuantizeException("a field of " + n + " bytes runs past the end at byte " + pos);
            return (int) n;
        }

        Reader sub() {
            int n = length();
            Reader r = new Reader(b, pos, pos + n);
            pos += n;
            return r;
        }

        String string() {
            int n = length();
            try {
                String s = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .decode(ByteBuffer.wrap(b, pos, n)).toString();
                pos += n;
                return s;
            } catch (CharacterCodingException e) {
                throw new QuantizeException("a string at byte " + pos + " is not valid UTF-8");
            }
        }

        private void need(int n) {
            if (end - pos < n) throw new QuantizeException("a field runs past the end at byte " + pos);
        }

        void skip(int wire) {
            switch (wire) {
                case 0 -> varint();
                case 1 -> { need(8); pos += 8; }
                case 2 -> {
                    int n = length(); // reads the length first: it moves pos
                    pos += n;
                }
                case 5 -> { need(4); pos += 4; }
                default -> throw new QuantizeException("unsupported wire type " + wire + " at byte " + pos);
            }
        }
    }
}
