/**
 * Tokenizers for the vocabularies stored in GGUF files, giving the same token ids as llama.cpp.
 *
 * <p>{@link org.jmamba.tokenizer.Tokenizer#fromGguf} reads {@code tokenizer.ggml.*}: model {@code "llama"} is
 * SentencePiece ({@link org.jmamba.tokenizer.SentencePieceTokenizer}: score-ordered pair merges over characters,
 * {@code ▁} for spaces, byte fallback), model {@code "gpt2"} is byte-level BPE
 * ({@link org.jmamba.tokenizer.BpeTokenizer}: a pre-tokenizer chosen by {@code tokenizer.ggml.pre}, then
 * rank-ordered merges over GPT-2's byte alphabet). Both follow llama.cpp's rules for special tokens
 * ({@code tokenizer_st_partition}), for the space prefix, and for detokenizing (leading-space stripping, hidden
 * control tokens, BPE space clean-up). {@link org.jmamba.tokenizer.StreamingDecoder} turns ids into text one at a
 * time without ever emitting half a character.
 *
 * <p>Known differences from llama.cpp, all outside what real vocabularies exercise:
 * <ul>
 * <li>Unicode categories come from the JDK, so code points assigned in a different Unicode version than
 *     llama.cpp's tables may be split differently by the BPE pre-tokenizers.</li>
 * <li>Special token ids outside the vocabulary are an error here; llama.cpp warns and ignores them.</li>
 * <li>A SentencePiece character with neither a token nor byte tokens becomes the unknown token (llama.cpp fails).</li>
 * <li>Per-token strip attributes that llama.cpp sets from model names (Phi-3, Jina, ModernBERT) are not applied.</li>
 * <li>Input strings with unpaired surrogates are encoded as if those were U+FFFD.</li>
 * </ul>
 */
package org.jmamba.tokenizer;
