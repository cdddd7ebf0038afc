package org.jmamba.tokenizer;

import java.util.OptionalInt;
import org.jmamba.gguf.GgufFile;

/**
 * Text to token ids and back, compatible with llama.cpp's tokenizers for the vocabularies stored in GGUF files:
 * {@code tokenizer.ggml.model = "llama"} is SentencePiece ({@link SentencePieceTokenizer}), {@code "gpt2"} is
 * byte-level BPE ({@link BpeTokenizer}). For the same vocabulary and flags, {@link #encode} gives the ids
 * llama.cpp's {@code llama_tokenize} gives and {@link #decode(int[], boolean, boolean)} the text
 * {@code llama_detokenize} gives.
 *
 * <p>Instances are immutable and safe to share between threads; {@link StreamingDecoder}s are not.
 */
public sealed interface Tokenizer permits SentencePieceTokenizer, BpeTokenizer {

    /**
     * Builds the tokenizer of a GGUF file (a full model or a vocabulary-only file). The tokenizer copies what it
     * needs, so the file may be closed afterwards.
     *
     * @throws TokenizerFormatException naming the key when the tokenizer metadata is missing, of the wrong type,
     *     inconsistent, or describes a tokenizer model or pre-tokenizer that is not supported
     */
    static Tokenizer fromGguf(GgufFile file) {
        return fromMetadata(new GgufTokenizerMetadata(file));
    }

    /**
     * Builds the tokenizer described by {@code tokenizer.ggml.*} metadata.
     *
     * @throws TokenizerFormatException naming the key when the metadata is missing, of the wrong type,
     *     inconsistent, or describes a tokenizer model or pre-tokenizer that is not supported
     */
    static Tokenizer fromMetadata(TokenizerMetadata metadata) {
        Vocabulary v = Vocabulary.load(metadata);
        return switch (v.model) {
            case SPM -> new SentencePieceTokenizer(v);
            case BPE -> new BpeTokenizer(v);
        };
    }

    /**
     * Text to ids.
     *
     * @throws IllegalStateException if {@code options.addBos()} is set but the vocabulary has no BOS token
     */
    int[] encode(String text, EncodeOptions options);

    /** Text to ids with {@link #defaultEncodeOptions()}: BOS when the model asks for it, control-token text as text. */
    default int[] encode(String text) {
        return encode(text, defaultEncodeOptions());
    }

    /** {@link EncodeOptions#PLAIN} with BOS where {@link #addBosDefault()} says the model wants it. */
    default EncodeOptions defaultEncodeOptions() {
        return EncodeOptions.PLAIN.withBos(addBosDefault());
    }

    /**
     * Ids to text, as llama.cpp's {@code llama_detokenize(..., remove_special = false, unparse_special = false)}:
     * CONTROL and UNKNOWN tokens render as nothing, and with {@link #addSpacePrefix()} one leading space is taken
     * off the first token's text (the space encoding added).
     *
     * @throws IllegalArgumentException for an id outside {@code [0, vocabSize())}
     */
    default String decode(int[] ids) {
        return decode(ids, false, false);
    }

    /**
     * Ids to text with llama.cpp's {@code llama_detokenize} options.
     *
     * @param removeSpecial drop a leading BOS (when the model adds one) and a trailing EOS (when the model adds
     *     one); a dropped BOS keeps the first token's leading space
     * @param unparseSpecial render CONTROL and UNKNOWN tokens as their text
     * @throws IllegalArgumentException for an id outside {@code [0, vocabSize())}
     */
    String decode(int[] ids, boolean removeSpecial, boolean unparseSpecial);

    /** A decoder for ids arriving one at a time; what it emits, concatenated, equals {@link #decode(int[])}. */
    default StreamingDecoder streamingDecoder() {
        return streamingDecoder(false);
    }

    /** A streaming decoder that renders CONTROL and UNKNOWN tokens as their text when {@code unparseSpecial}. */
    StreamingDecoder streamingDecoder(boolean unparseSpecial);

    /**
     * The bytes one token renders to on its own, as llama.cpp's {@code llama_token_to_piece} with no space
     * stripping: may be part of a UTF-8 character (byte tokens, byte-level BPE pieces).
     */
    byte[] tokenBytes(int id, boolean unparseSpecial);

    int vocabSize();

    /** The beginning-of-sequence token, or -1. */
    int bosId();

    /** The end-of-sequence token, or -1. */
    int eosId();

    /** The end-of-turn token, or -1. */
    int eotId();

    /** The unknown token, or -1. */
    int unkId();

    /** The padding token, or -1. */
    int padId();

    /** Whether the model wants a BOS token at the start of a prompt ({@code tokenizer.ggml.add_bos_token}). */
    boolean addBosDefault();

    /** Whether the model wants an EOS token at the end of a prompt ({@code tokenizer.ggml.add_eos_token}). */
    boolean addEosDefault();

    /** Whether encoding puts a space before the text ({@code tokenizer.ggml.add_space_prefix}). */
    boolean addSpacePrefix();

    /** The raw vocabulary text of a token (for example {@code "▁Hello"} or {@code "Ġworld"}); see {@link #tokenId}. */
    String piece(int id);

    /** The token's type, after llama.cpp's corrections (end-of-generation texts are CONTROL tokens). */
    TokenType type(int id);

    /** The token's score ({@code tokenizer.ggml.scores}), 0 when the file has none. */
    float score(int id);

    /** Whether the token ends generation: EOS, end-of-turn, end-of-message and the like. */
    boolean isEog(int id);

    /** All end-of-generation tokens, ascending. */
    int[] eogIds();

    /** The id whose raw vocabulary text is {@code piece}. */
    OptionalInt tokenId(String piece);
}
