package org.jmamba.tokenizer;

/**
 * How {@link Tokenizer#encode(String, EncodeOptions)} treats its text, as llama.cpp's
 * {@code llama_tokenize} flags: {@code tokenizer.encode(text, EncodeOptions.PLAIN.withBos().withParseSpecial())}.
 *
 * @param addBos prepend the BOS token
 * @param parseSpecial recognise the text of CONTROL tokens (such as {@code </s>} or {@code [INST]})
 *     and emit them as single ids; USER_DEFINED tokens are always recognised
 */
public record EncodeOptions(boolean addBos, boolean parseSpecial) {
    /** No BOS; control-token text is encoded as ordinary text. */
    public static final EncodeOptions PLAIN = new EncodeOptions(false, false);

    /** The same with BOS. */
    public EncodeOptions withBos() {
        return withBos(true);
    }

    public EncodeOptions withBos(boolean addBos) {
        return new EncodeOptions(addBos, parseSpecial);
    }

    /** The same, recognising control tokens' text (a rendered chat template). */
    public EncodeOptions withParseSpecial() {
        return withParseSpecial(true);
    }

    public EncodeOptions withParseSpecial(boolean parseSpecial) {
        return new EncodeOptions(addBos, parseSpecial);
    }
}
