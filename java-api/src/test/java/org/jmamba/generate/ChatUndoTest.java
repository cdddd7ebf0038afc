package org.jmamba.generate;

import static org.junit.jupiter.api.Assertions.*;

import java.lang.foreign.ValueLayout;
import java.util.List;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.SessionOptions;
import org.jmamba.State;
import org.jmamba.TestModels;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.gguf.GgmlType;
import org.jmamba.sampling.SamplerConfig;
import org.jmamba.testkit.RandomMamba2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Chat.undo takes a turn back: the next turn then goes exactly as if the undone one had never been sent. */
class ChatUndoTest {
    static Model model;
    static final GenerationOptions GREEDY = new GenerationOptions(6, SamplerConfig.greedy(), List.of(), false);

    @BeforeAll
    static void load() throws Exception {
        model = Model.load(TestModels.write(new RandomMamba2.Shape(1024, 64, 2, 128, 16, 8, 1, 4, false), GgmlType.F32, 21));
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static String send(Chat chat, String text) {
        StringBuilder sb = new StringBuilder();
        chat.send(text, GREEDY, sb::append);
        return sb.toString();
    }

    @Test
    void undoThenSendingAgainEqualsAChatThatNeverHadTheUndoneTurn() {
        for (SessionOptions o : List.of(SessionOptions.defaults().withCheckpoints(model, 2), SessionOptions.defaults())) {
            try (Session a = model.newSession(o); Session b = model.newSession()) {
                Chat undone = new Chat(a, model.tokenizer(), MistralInstruct.v3(), "be brief");
                Chat straight = new Chat(b, model.tokenizer(), MistralInstruct.v3(), "be brief");
                assertEquals(send(straight, "hello"), send(undone, "hello"));
                long afterFirst = a.position();
                send(undone, "a turn to take back");
                assertTrue(undone.undo());
                assertEquals(afterFirst, a.position());
                assertEquals(3, undone.history().size(), "system, user, assistant");
                assertEquals(send(straight, "second"), send(undone, "second"), "with " + o);
                float[] sa = a.stateView().toArray(ValueLayout.JAVA_FLOAT), sb = b.stateView().toArray(ValueLayout.JAVA_FLOAT);
                double max = 0, scale = 1e-6;
                for (int i = 0; i < sa.length; i++) {
                    max = Math.max(max, Math.abs(sa[i] - sb[i]));
                    scale = Math.max(scale, Math.abs(sb[i]));
                }
                assertTrue(max / scale < 1e-5, "states differ by " + max / scale);
                assertTrue(undone.undo());
                assertTrue(undone.undo());
                assertFalse(undone.undo(), "nothing left to undo");
                assertEquals(0, a.position());
            }
        }
    }

    @Test
    void restoringASavedConversationGoesOnFromIt() {
        try (Session a = model.newSession(); Session b = model.newSession()) {
            Chat first = new Chat(a, model.tokenizer(), MistralInstruct.v3());
            send(first, "hello");
            Chat second = new Chat(b, model.tokenizer(), MistralInstruct.v3());
            try (State st = a.snapshot()) {
                second.restore(st);
            }
            assertEquals(send(first, "again"), send(second, "again"));
        }
    }
}
