package org.jmamba.chat;

import java.util.List;

/**
 * Turns a conversation into the text an instruct model was trained on, whole or one turn at a time.
 *
 * <p>A recurrent model keeps its state between turns, so a chat feeds each turn's new text once:
 * {@link #renderNext} gives the text for a new user message, the model then generates the reply,
 * and so on. For every valid {@code history} and user message {@code u}:
 * <pre>{@code render(history) + renderNext(history, u) == render(history + [u])}</pre>
 * and {@link #renderReply} gives the text an assistant message contributes, so that the whole
 * render is the concatenation of the incremental pieces.
 *
 * <p>The rendered text never contains the beginning-of-sequence token: the tokenizer adds it
 * when it tokenizes the first piece of a conversation (as llama.cpp does for Mistral models, whose
 * vocabulary says {@code add_bos_token = true}), and later pieces are tokenized without it.
 * Control tokens in the text (for example {@code [INST]} and {@code </s>}) must be tokenized as
 * special tokens, not as plain text.
 */
public sealed interface ChatTemplate permits MistralInstruct {

    /**
     * The whole conversation. When it ends with a user message, the text ends where the assistant's
     * reply begins (the generation prompt is included).
     *
     * @throws IllegalArgumentException if the conversation does not have the shape the template
     *                                  supports
     */
    String render(List<ChatMessage> conversation);

    /**
     * The text to feed after {@code render(history)} for the new user message {@code user}: the
     * user's turn up to where the reply begins.
     *
     * @throws IllegalArgumentException if {@code user} is not a user message, or {@code history}
     *                                  cannot be followed by one
     */
    String renderNext(List<ChatMessage> history, ChatMessage user);

    /**
     * The text an assistant message adds to the conversation, from where the reply begins through
     * the end-of-turn marker. When the model generated the reply, its state already holds this text
     * except, possibly, the {@linkplain #endOfTurn() end-of-turn marker}.
     */
    String renderReply(ChatMessage assistant);

    /**
     * The text that closes an assistant turn (for Mistral, {@code </s>}, the end-of-sequence token).
     * Generation normally stops when the model samples it; it must still enter the model state
     * before the next {@link #renderNext} text, since {@code render} includes it.
     */
    String endOfTurn();
}
