package org.jmamba.chat;

import static org.jmamba.chat.ChatMessage.assistant;
import static org.jmamba.chat.ChatMessage.system;
import static org.jmamba.chat.ChatMessage.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class MistralInstructTest {

    /** The conversation llama.cpp's chat-template tests use. */
    private static final List<ChatMessage> LLAMA_CPP_CONVERSATION = List.of(
            system("You are a helpful assistant"),
            user("Hello"),
            assistant("Hi there"),
            user("Who are you"),
            assistant("   I am an assistant   "),
            user("Another question"));

    @Test
    void matchesLlamaCppExpectedOutputs() {
        // Expected strings of llama.cpp's tests for its built-in mistral-v1/v3/v3-tekken templates.
        assertEquals(" [INST] You are a helpful assistant\n\nHello [/INST] Hi there</s> [INST] Who are you [/INST]"
                        + "    I am an assistant   </s> [INST] Another question [/INST]",
                MistralInstruct.v1().render(LLAMA_CPP_CONVERSATION));
        assertEquals("[INST] You are a helpful assistant\n\nHello[/INST] Hi there</s>[INST] Who are you[/INST]"
                        + " I am an assistant</s>[INST] Another question[/INST]",
                MistralInstruct.v3().render(LLAMA_CPP_CONVERSATION));
        assertEquals("[INST]You are a helpful assistant\n\nHello[/INST]Hi there</s>[INST]Who are you[/INST]"
                        + "   I am an assistant   </s>[INST]Another question[/INST]",
                MistralInstruct.v3Tekken().render(LLAMA_CPP_CONVERSATION));
    }

    @Test
    void matchesMistralDocumentedStringsWithoutBos() {
        // Mistral's tokenization guide, one string per tokenizer version, each starting with <s>.
        List<ChatMessage> c = List.of(user("Hello, how are you?"), assistant("Fine, and you?"),
                user("I'm doing great!"), assistant("Glad to hear!"));
        assertEquals("<s> [INST] Hello, how are you? [/INST] Fine, and you?</s> [INST] I'm doing great! [/INST] Glad to hear!</s>",
                MistralInstruct.BOS + MistralInstruct.v1().render(c));
        assertEquals("<s>[INST] Hello, how are you?[/INST] Fine, and you?</s>[INST] I'm doing great![/INST] Glad to hear!</s>",
                MistralInstruct.BOS + MistralInstruct.v3().render(c));
        assertEquals("<s>[INST]Hello, how are you?[/INST]Fine, and you?</s>[INST]I'm doing great![/INST]Glad to hear!</s>",
                MistralInstruct.BOS + MistralInstruct.v3Tekken().render(c));
    }

    @Test
    void renderNeverContainsBos() {
        for (MistralInstruct t : all()) {
            assertTrue(!t.render(LLAMA_CPP_CONVERSATION).contains(MistralInstruct.BOS));
        }
    }

    private static List<MistralInstruct> all() {
        return List.of(MistralInstruct.v1(), MistralInstruct.v3(), MistralInstruct.v3Tekken());
    }

    @Test
    void incrementalPiecesConcatenateToTheWholeRender() {
        for (MistralInstruct t : all()) {
            for (boolean withSystem : new boolean[] {false, true}) {
                List<ChatMessage> history = new ArrayList<>();
                StringBuilder fed = new StringBuilder();
                if (withSystem) {
                    history.add(system("Answer in French."));
                    assertEquals("", t.render(history));
                }
                String[][] turns = {{"Hi", " Bonjour !"}, {"2+2?", "4"}, {"  spaced  ", "\nreply\n"}, {"last", null}};
                for (String[] turn : turns) {
                    ChatMessage u = user(turn[0]);
                    String before = t.render(history);
                    assertEquals(before, fed.toString(), t + " before " + turn[0]);
                    String next = t.renderNext(history, u);
                    history.add(u);
                    assertEquals(t.render(history), before + next, t + " after " + turn[0]);
                    fed.append(next);
                    if (turn[1] != null) {
                        ChatMessage a = assistant(turn[1]);
                        String reply = t.renderReply(a);
                        assertTrue(reply.endsWith(t.endOfTurn()));
                        history.add(a);
                        fed.append(reply);
                        assertEquals(t.render(history), fed.toString(), t + " reply " + turn[1]);
                    }
                }
            }
        }
    }

    @Test
    void firstTurnCarriesTheSystemPromptAndLaterTurnsDoNot() {
        MistralInstruct t = MistralInstruct.v3();
        List<ChatMessage> h = List.of(system("S"));
        assertEquals("[INST] S\n\nQ1[/INST]", t.renderNext(h, user("Q1")));
        assertEquals("[INST] Q1[/INST]", t.renderNext(List.of(), user("Q1")));
        h = List.of(system("S"), user("Q1"), assistant("A1"));
        assertEquals("[INST] Q2[/INST]", t.renderNext(h, user("Q2")));
        assertEquals(" A1</s>", t.renderReply(assistant(" A1 \n")));
        assertEquals("</s>", t.endOfTurn());
    }

    @Test
    void v3TrimsOnlyAsciiWhitespaceOfReplies() {
        assertEquals("a b", MistralInstruct.trimAscii(" \t\n\u000B\f\ra b\r\n "));
        assertEquals("\u00A0x\u00A0", MistralInstruct.trimAscii("\u00A0x\u00A0")); // no-break space stays
        assertEquals("", MistralInstruct.trimAscii("   "));
        assertEquals(" \u00A0x\u00A0</s>", MistralInstruct.v3().renderReply(assistant(" \u00A0x\u00A0 ")));
        assertEquals("  x </s>", MistralInstruct.v1().renderReply(assistant(" x ")));
    }

    @Test
    void malformedConversationsAreRejected() {
        MistralInstruct t = MistralInstruct.v3();
        assertThrows(IllegalArgumentException.class, () -> t.render(List.of(assistant("A"))));
        assertThrows(IllegalArgumentException.class, () -> t.render(List.of(user("Q"), user("Q"))));
        assertThrows(IllegalArgumentException.class, () -> t.render(List.of(user("Q"), system("S"))));
        assertThrows(IllegalArgumentException.class, () -> t.render(List.of(system("S"), system("S"))));
        assertThrows(IllegalArgumentException.class, () -> t.render(List.of(user("Q"), assistant("A"), assistant("A"))));
        // renderNext needs a USER message after a history that awaits one
        assertThrows(IllegalArgumentException.class, () -> t.renderNext(List.of(), assistant("A")));
        assertThrows(IllegalArgumentException.class, () -> t.renderNext(List.of(user("Q")), user("Q2")));
        assertThrows(IllegalArgumentException.class, () -> t.renderReply(user("Q")));
        assertThrows(NullPointerException.class, () -> t.render(null));
        assertThrows(NullPointerException.class, () -> new ChatMessage(null, "x"));
        assertThrows(NullPointerException.class, () -> new ChatMessage(ChatMessage.Role.USER, null));
    }

    @Test
    void emptyConversationRendersEmpty() {
        for (MistralInstruct t : all()) {
            assertEquals("", t.render(List.of()));
        }
    }
}
