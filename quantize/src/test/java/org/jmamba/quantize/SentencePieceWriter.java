package org.jmamba.quantize;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Writes SentencePiece ModelProto files for the tests, in protobuf wire format. */
final class SentencePieceWriter {
    record P(String text, float score, int type) {}

    private SentencePieceWriter() {}

    static byte[] model(List<P> pieces, int unk, int bos, int eos, int pad, boolean byteFallback) {
        ByteArrayOutputStream m = new ByteArrayOutputStream();
        for (P p : pieces) {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            bytes(b, 1, p.text().getBytes(StandardCharsets.UTF_8));
            tag(b, 2, 5);
            int f = Float.floatToIntBits(p.score());
            for (int i = 0; i < 4; i++) b.write(f >>> (8 * i));
            if (p.type() != 1) { tag(b, 3, 0); varint(b, p.type()); }
            bytes(m, 1, b.toByteArray());
        }
        ByteArrayOutputStream t = new ByteArrayOutputStream();
        tag(t, 3, 0); varint(t, 2); // BPE
        tag(t, 4, 0); varint(t, pieces.size());
        tag(t, 35, 0); varint(t, byteFallback ? 1 : 0);
        tag(t, 40, 0); varint(t, unk);
        tag(t, 41, 0); varint(t, bos);
        tag(t, 42, 0); varint(t, eos);
        tag(t, 43, 0); varint(t, pad); // -1 takes ten bytes, as protobuf writes negative int32s
        bytes(t, 45, "<unk>".getBytes(StandardCharsets.UTF_8)); // a field the reader skips
        bytes(m, 2, t.toByteArray());
        ByteArrayOutputStream n = new ByteArrayOutputStream();
        bytes(n, 1, "identity".getBytes(StandardCharsets.UTF_8));
        tag(n, 3, 0); varint(n, 1);
        bytes(m, 3, n.toByteArray());
        return m.toByteArray();
    }

    static void tag(ByteArrayOutputStream o, int field, int wire) {
        varint(o, ((long) field << 3) | wire);
    }

    static void varint(ByteArrayOutputStream o, long v) {
        while ((v & ~0x7FL) != 0) {
            o.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        o.write((int) v);
    }

    static void bytes(ByteArrayOutputStream o, int field, byte[] b) {
        tag(o, field, 2);
        varint(o, b.length);
        o.write(b, 0, b.length);
    }
}
