package org.jmamba.generate;

import java.util.ArrayList;
import org.jmamba.tokenizer.EncodeOptions;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;
import org.jmamba.Session;
import org.jmamba.chat.ChatMessage;
import org.jmamba.chat.ChatTemplate;
import org.jmamba.tokenizer.Tokenizer;

/**
 * A multi-turn conversation on one session. Each turn feeds only its own new text: the model's
 * state already holds every earlier turn, so nothing is processed twice however long the chat.
 */
public final class Chat {
    private final Session session;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final Generator generator;
    private final List<ChatMessage> history = new ArrayList<>();
    private final ChatMessage system;
    private boolean turnOpen; // the last reply ended without the end-of-turn token

    public Chat(Session session, Tokenizer tokenizer, ChatTemplate template, String systemPrompt) {
        this.session = Objects.requireNonNull(session, "session");
        this.tokenizer = Objects.requireNonNull(tokenizer, "tokenizer");
        this.template = Objects.requireNonNull(template, "template");
        this.generator = new Generator(session, tokenizer);
        this.system = systemPrompt == null || systemPrompt.isEmpty() ? null : ChatMessage.system(systemPrompt);
        if (system != null) history.add(system);
    }

    public Chat(Session session, Tokenizer tokenizer, ChatTemplate template) {
        this(session, tokenizer, template, null);
    }

    /** Sends a user message and streams the reply; the reply joins the history. */
    public GenerationStats send(String userText, GenerationOptions options, Consumer<String> onText) {
        ChatMessage user = ChatMessage.user(userText);
        String text = (turnOpen ? template.endOfTurn() : "") + template.renderNext(history, user);
        boolean first = session.position() == 0;
        int[] ids = tokenizer.encode(text, EncodeOptions.PLAIN.withBos(first && tokenizer.addBosDefault()).withParseSpecial());
        StringBuilder reply = new StringBuilder();
        GenerationStats stats = generator.generate(ids, options, piece -> {
            reply.append(piece);
            onText.accept(piece);
        });
        history.add(user);
        history.add(ChatMessage.assistant(reply.toString().strip()));
        turnOpen = stats.stopReason() != StopReason.END_OF_GENERATION;
        return stats;
    }

    /** Stops the reply being generated, from any thread. */
    public void cancel() {
        generator.cancel();
    }

    public List<ChatMessage> history() {
        return List.copyOf(history);
    }

    /** Forgets the conversation (the system prompt stays) and the session's state. */
    public void reset() {
        session.reset();
        history.clear();
        if (system != null) history.add(system);
        turnOpen = false;
    }
}
