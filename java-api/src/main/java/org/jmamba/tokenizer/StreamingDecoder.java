package org.jmamba.tokenizer;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;

/**
 * Decodes ids arriving one at a time, for printing generated text as it comes. {@link #feed} returns only text
 * that is final: a UTF-8 character split over several tokens (byte-fallback tokens such as
 * {@code <0xE2><0x82><0xAC>}, or byte-level BPE pieces) is held back until complete, and so are the few trailing
 * characters that llama.cpp's space clean-up (BPE vocabularies) could still change. {@link #flush} returns what is
 * held back. Concatenating everything returned equals {@link Tokenizer#decode(int[], boolean, boolean)} of all ids
 * with {@code removeSpecial = false}; after {@code flush} the decoder starts a new text.
 *
 * <p>Not thread-safe.
 */
public final class StreamingDecoder {
    private final Vocabulary vocab;
    private final boolean unparseSpecial;
    private final CharsetDecoder decoder = Utf8.newDecoder();
    private final StringBuilder held = new StringBuilder();
    private ByteBuffer pending = ByteBuffer.allocate(16);
    private boolean stripSpace;

    StreamingDecoder(Vocabulary vocab, boolean unparseSpecial) {
        this.vocab = vocab;
        this.unparseSpecial = unparseSpecial;
        this.stripSpace = vocab.addSpacePrefix;
    }

    /**
     * Adds one token and returns the text that became final (often empty).
     *
     * @throws IllegalArgumentException for an id outside the vocabulary
     */
    public String feed(int id) {
        byte[] piece = vocab.pieceBytes(id, unparseSpecial);
        int skip = stripSpace && piece.length > 0 && piece[0] == ' ' ? 1 : 0;
        stripSpace = false;
        int len = piece.length - skip;
        if (len == 0) {
            return "";
        }
        if (pending.remaining() < len) {
            ByteBuffer bigger = ByteBuffer.allocate(Math.max(pending.capacity() * 2, pending.position() + len));
            pending.flip();
            bigger.put(pending);
            pending = bigger;
        }
        pending.put(piece, skip, len);
        decodePending(false);
        return release(false);
    }

    /** Returns everything held back (an incomplete UTF-8 sequence becomes U+FFFD) and resets for a new text. */
    public String flush() {
        decodePending(true);
        String rest = release(true);
        decoder.reset();
        pending.clear();
        stripSpace = vocab.addSpacePrefix;
        return rest;
    }

    private void decodePending(boolean endOfInput) {
        pending.flip();
        CharBuffer out = CharBuffer.allocate(pending.remaining() + 2);
        decoder.decode(pending, out, endOfInput);
        if (endOfInput) {
            decoder.flush(out);
        }
        pending.compact();
        out.flip();
        held.append(out);
    }

    private String release(boolean all) {
        if (held.isEmpty()) {
            return "";
        }
        if (!vocab.cleanSpaces) {
            String s = held.toString();
            held.setLength(0);
            return s;
        }
        int n = all ? held.length() : SpaceCleaner.safeSplit(held);
        if (n == 0) {
            return "";
        }
        String s = SpaceCleaner.clean(held.subSequence(0, n));
        held.delete(0, n);
        return s;
    }
}
