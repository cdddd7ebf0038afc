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
    private final java.util.ArrayDeque<Turn> turns = new java.util.ArrayDeque<>(); // for undo, latest first

    /** Where a turn started: the session's position, the messages before it, and whether the turn before was open. */
    private record Turn(long position, int messages, boolean turnOpenBefore) {}

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
        turns.push(new Turn(session.position(), history.size(), turnOpen));
        if (session.keepsCheckpoints()) session.checkpoint(); // /undo restores it instead of re-reading the conversation
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

    /**
     * Takes back the last turn (the user's message and the reply): the session rewinds to where
     * the turn started (from the checkpoint taken there when the session keeps checkpoints, else
     * by re-evaluating the conversation before it). Returns false when there is no turn to undo.
     */
    public boolean undo() {
        Turn t = turns.poll();
        if (t == null) return false;
        session.rewind(t.position());
        while (history.size() > t.messages()) history.removeLast();
        turnOpen = t.turnOpenBefore();
        return true;
    }

    /**
     * Goes on from a saved state (e.g. a conversation saved with {@link org.jmamba.State#save}):
     * the session restores it, and the messages of this chat, which the state does not hold, are
     * forgotten; the next message starts a new turn after it (closing the last one first when the
     * state's last token is not an end of generation).
     */
    public void restore(org.jmamba.State state) {
        session.restore(state);
        history.clear();
        turns.clear();
        int[] ids = state.tokens().orElse(new int[0]);
        turnOpen = ids.length > 0 && !tokenizer.isEog(ids[ids.length - 1]); // as after a reply cut short
    }

    /** Forgets the conversation (the system prompt stays) and the session's state. */
    public void reset() {
        session.reset();
        history.clear();
        if (system != null) history.add(system);
        turnOpen = false;
        turns.clear();
    }
}
