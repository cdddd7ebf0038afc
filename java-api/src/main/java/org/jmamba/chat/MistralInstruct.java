package org.jmamba.chat;

import java.util.List;
import java.util.Objects;

import org.jmamba.chat.ChatMessage.Role;

/**
 * Mistral's instruct format, as llama.cpp's built-in templates {@code mistral-v1}, {@code mistral-v3}
 * and {@code mistral-v3-tekken} render it ({@code llm_chat_apply_template}).
 *
 * <p>Codestral Mamba (Mamba-Codestral-7B-v0.1) uses Mistral's tokenizer V3 (SentencePiece, 32768
 * tokens), so {@link #v3()} is the one to use with it. Two turns then read, BOS added by the tokenizer:
 * <pre>
 * &lt;s&gt;[INST] user message[/INST] assistant reply&lt;/s&gt;[INST] next user message[/INST]
 * </pre>
 * There is a space after {@code [INST]} and before the reply, none before {@code [/INST]}; the reply
 * is trimmed of ASCII whitespace at both ends (V3 only). The other versions:
 * <pre>
 * V1:        &lt;s&gt; [INST] user message [/INST] assistant reply&lt;/s&gt; [INST] next user message [/INST]
 * V3_TEKKEN: &lt;s&gt;[INST]user message[/INST]assistant reply&lt;/s&gt;[INST]next user message[/INST]
 * </pre>
 *
 * <p><b>System prompt.</b> Allowed once, as the first message; it is written at the start of the first
 * user turn, followed by a blank line: {@code [INST] system prompt\n\nuser message[/INST]}. This is
 * llama.cpp's placement. Mistral's reference tokenizer (mistral-common) puts the system prompt in the
 * <i>last</i> user turn for V3, which would change text the model has already consumed each turn and
 * so cannot be fed incrementally; for a single-turn conversation the two agree.
 *
 * <p><b>Shape.</b> An optional system message, then user and assistant messages alternating,
 * starting with a user message. A conversation of only a system message renders as the empty string
 * (llama.cpp would already open the first turn).
 *
 * <p><b>BOS.</b> The text contains no {@code <s>}; see {@link ChatTemplate}.
 *
 * @param version the tokenizer version whose spacing to follow
 */
public record MistralInstruct(Version version) implements ChatTemplate {

    /** The beginning-of-sequence token's text; never part of the rendered text. */
    public static final String BOS = "<s>";
    /** The end-of-sequence token's text, which closes each assistant turn. */
    public static final String EOS = "</s>";

    /** Spacing variants of Mistral's tokenizers. */
    public enum Version {
        /** Tokenizer V1 (Mistral 7B v0.1/v0.2, Mixtral 8x7B): spaces around the instruction markers. */
        V1(" ", " ", false),
        /** Tokenizer V3 (Mistral 7B v0.3, Codestral, Mamba-Codestral): space after {@code [INST]} and before replies. */
        V3("", " ", true),
        /** Tokenizer V3-Tekken (Mistral Nemo, Ministral): no spaces. */
        V3_TEKKEN("", "", false);

        final String leading;
        final String trailing;
        final boolean trimReplies;

        Version(String leading, String trailing, boolean trimReplies) {
            this.leading = leading;
            this.trailing = trailing;
            this.trimReplies = trimReplies;
        }
    }

    public MistralInstruct {
        Objects.requireNonNull(version, "version");
    }

    public static MistralInstruct v1() {
        return new MistralInstruct(Version.V1);
    }

    /** The format of Codestral Mamba. */
    public static MistralInstruct v3() {
        return new MistralInstruct(Version.V3);
    }

    public static MistralInstruct v3Tekken() {
        return new MistralInstruct(Version.V3_TEKKEN);
    }

    @Override
    public String render(List<ChatMessage> conversation) {
        validate(conversation);
        StringBuilder out = new StringBuilder();
        String system = null;
        for (ChatMessage m : conversation) {
            switch (m.role()) {
                case SYSTEM -> system = m.content();
                case USER -> {
                    appendUserTurn(out, system, m.content());
                    system = null;
                }
                case ASSISTANT -> appendReply(out, m.content());
            }
        }
        return out.toString();
    }

    @Override
    public String renderNext(List<ChatMessage> history, ChatMessage user) {
        Objects.requireNonNull(user, "user");
        if (user.role() != Role.USER) {
            throw new IllegalArgumentException("renderNext takes a USER message, got " + user.role());
        }
        validate(history);
        if (!history.isEmpty() && history.getLast().role() == Role.USER) {
            throw new IllegalArgumentException(
                    "history ends with a USER message; its reply must come before the next user message");
        }
        String system = history.size() == 1 ? history.getFirst().content() : null; // only a system message
        StringBuilder out = new StringBuilder();
        appendUserTurn(out, system, user.content());
        return out.toString();
    }

    @Override
    public String renderReply(ChatMessage assistant) {
        Objects.requireNonNull(assistant, "assistant");
        if (assistant.role() != Role.ASSISTANT) {
            throw new IllegalArgumentException("renderReply takes an ASSISTANT message, got " + assistant.role());
        }
        StringBuilder out = new StringBuilder();
        appendReply(out, assistant.content());
        return out.toString();
    }

    @Override
    public String endOfTurn() {
        return EOS;
    }

    private void appendUserTurn(StringBuilder out, String system, String content) {
        out.append(version.leading).append("[INST]").append(version.trailing);
        if (system != null) {
            out.append(system).append("\n\n");
        }
        out.append(content).append(version.leading).append("[/INST]");
    }

    private void appendReply(StringBuilder out, String content) {
        out.append(version.trailing)
                .append(version.trimReplies ? trimAscii(content) : content)
                .append(EOS);
    }

    /** Strips the characters C's {@code isspace} accepts (space, \t, \n, \u000B, \f, \r) at both ends. */
    static String trimAscii(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isAsciiSpace(s.charAt(start))) {
            start++;
        }
        while (end > start && isAsciiSpace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static boolean isAsciiSpace(char c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static void validate(List<ChatMessage> conversation) {
        Objects.requireNonNull(conversation, "conversation");
        int i = 0;
        if (!conversation.isEmpty() && conversation.getFirst().role() == Role.SYSTEM) {
            i = 1;
        }
        for (int turn = 0; i < conversation.size(); i++, turn++) {
            ChatMessage m = Objects.requireNonNull(conversation.get(i), "message " + i);
            Role expected = turn % 2 == 0 ? Role.USER : Role.ASSISTANT;
            if (m.role() != expected) {
                throw new IllegalArgumentException("message " + i + " is " + m.role() + ", expected " + expected
                        + " (an optional first SYSTEM message, then USER and ASSISTANT alternating)");
            }
        }
    }
}
