package org.jmamba.generate;

import static org.junit.jupiter.api.Assertions.*;
import org.jmamba.tokenizer.EncodeOptions;

import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.TestModels;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.gguf.GgmlType;
import org.jmamba.sampling.SamplerConfig;
import org.jmamba.testkit.RandomMamba2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class GeneratorTest {
    static Model model;
    static int[] prompt;

    @BeforeAll
    static void load() throws Exception {
        var shape = new RandomMamba2.Shape(1024, 64, 2, 128, 16, 8, 1, 4, false);
        model = Model.load(TestModels.write(shape, GgmlType.Q8_0, 21));
        prompt = model.tokenizer().encode("def fib(n):", EncodeOptions.PLAIN.withBos());
    }

    @AfterAll
    static void close() {
        model.close();
    }

    static GenerationOptions greedy(int n) {
        return new GenerationOptions(n, SamplerConfig.greedy(), List.of(), false);
    }

    static String generate(GenerationOptions opts) {
        try (Session s = model.newSession()) {
            StringBuilder sb = new StringBuilder();
            new Generator(s, model.tokenizer()).generate(prompt, opts, sb::append);
            return sb.toString();
        }
    }

    @Test
    void greedyGenerationIsTheArgmaxChainOfTheModel() {
        int n = 10;
        List<Integer> expected = new ArrayList<>();
        try (Session s = model.newSession()) {
            var logits = s.eval(prompt);
            for (int i = 0; i < n; i++) {
                float[] l = logits.toArray();
                int best = 0;
                for (int k = 1; k < l.length; k++) if (l[k] > l[best]) best = k;
                expected.add(best);
                logits = s.eval(best);
            }
        }
        int[] ids = expected.stream().mapToInt(Integer::intValue).toArray();
        assertEquals(model.tokenizer().decode(ids), generate(greedy(n)));
    }

    @Test
    void sameSeedSameText() {
        var opts = new GenerationOptions(24, SamplerConfig.defaults().withSeed(99), List.of(), false);
        assertEquals(generate(opts), generate(opts));
    }

    @Test
    void streamEqualsCallbackAndReportsStats() {
        String text = generate(greedy(16));
        try (Session s = model.newSession()) {
            Generator.Streamed st = new Generator(s, model.tokenizer()).stream(prompt, greedy(16));
            StringBuilder sb = new StringBuilder();
            st.asStream().forEach(sb::append);
            assertEquals(text, sb.toString());
            assertEquals(16, st.stats().generatedTokens());
            assertEquals(prompt.length, st.stats().promptTokens());
            assertEquals(StopReason.MAX_TOKENS, st.stats().stopReason());
            assertEquals(prompt.length + 16, s.position(), "every sampled token is fed back");
        }
    }

    @Test
    void stopStringEndsTheTextBeforeIt() {
        String full = generate(greedy(40));
        assertTrue(full.length() > 12, "need some text: '" + full + "'");
        String stop = full.substring(full.length() / 2, full.length() / 2 + 3);
        int at = full.indexOf(stop);
        try (Session s = model.newSession()) {
            StringBuilder sb = new StringBuilder();
            var stats = new Generator(s, model.tokenizer()).generate(prompt,
                    new GenerationOptions(40, SamplerConfig.greedy(), List.of(stop), false), sb::append);
            assertEquals(full.substring(0, at), sb.toString());
            assertEquals(StopReason.STOP_STRING, stats.stopReason());
        }
    }

    @Test
    void cancelFromTheCallbackStopsAtTheNextToken() {
        try (Session s = model.newSession()) {
            Generator g = new Generator(s, model.tokenizer());
            int[] pieces = {0};
            var stats = g.generate(prompt, greedy(50), t -> {
                if (++pieces[0] == 3) g.cancel();
            });
            assertEquals(StopReason.CANCELLED, stats.stopReason());
            assertTrue(stats.generatedTokens() < 50);
        }
    }

    @Test
    void emptyPromptOnAFreshSessionIsRefused() {
        try (Session s = model.newSession()) {
            assertThrows(IllegalArgumentException.class, () -> new Generator(s, model.tokenizer()).generate(new int[0], greedy(2), t -> {}));
        }
    }

    @Test
    void chatTurnsAreFedOnceAndEqualTheWholeConversation() {
        var tok = model.tokenizer();
        try (Session s = model.newSession()) {
            Chat chat = new Chat(s, tok, MistralInstruct.v3());
            chat.send("hello", greedy(6), t -> {});
            long afterFirst = s.position();
            var st = chat.send("more", greedy(6), t -> {});
            // the second turn fed only its own text and its reply
            String second = MistralInstruct.v3().endOfTurn() + MistralInstruct.v3().renderNext(chat.history().subList(0, 2),
                    org.jmamba.chat.ChatMessage.user("more"));
            assertEquals(afterFirst + tok.encode(second, EncodeOptions.PLAIN.withParseSpecial()).length + st.generatedTokens(), s.position());
            assertEquals(4, chat.history().size());
            chat.reset();
            assertEquals(0, s.position());
            assertTrue(chat.history().isEmpty());
        }
    }

    /** Chat.cancel from the generating thread: the reply ends there, joins the history, and the chat goes on. */
    @Test
    void chatCancelStopsTheReplyAndTheChatGoesOn() {
        var tok = model.tokenizer();
        try (Session s = model.newSession(); Session full = model.newSession()) {
            Chat chat = new Chat(s, tok, MistralInstruct.v3());
            chat.cancel(); // no generation running: forgotten
            StringBuilder streamed = new StringBuilder();
            int[] pieces = {0};
            GenerationStats st = chat.send("hello", greedy(40), t -> {
                streamed.append(t);
                if (++pieces[0] == 3) chat.cancel();
            });
            assertEquals(StopReason.CANCELLED, st.stopReason());
            assertTrue(st.generatedTokens() >= 3 && st.generatedTokens() < 40, "generated " + st.generatedTokens());
            assertEquals(streamed.toString().strip(), chat.history().get(1).content());
            // the state holds exactly the prompt and the tokens generated before the cancel
            long afterCancel = s.position();
            int prompt = tok.encode(MistralInstruct.v3().renderNext(List.of(), org.jmamba.chat.ChatMessage.user("hello")),
                    EncodeOptions.PLAIN.withBos(tok.addBosDefault()).withParseSpecial()).length;
            assertEquals(prompt + st.generatedTokens(), afterCancel);
            // the next turn starts uncancelled and runs to its length
            GenerationStats next = chat.send("more", greedy(5), t -> {});
            assertNotEquals(StopReason.CANCELLED, next.stopReason());
            assertTrue(next.generatedTokens() >= 1 && next.generatedTokens() <= 5, "generated " + next.generatedTokens());
            assertEquals(4, chat.history().size());
            // and what the cancelled chat computed is what the same tokens give uncancelled
            Chat other = new Chat(full, tok, MistralInstruct.v3());
            GenerationStats ref = other.send("hello", greedy(st.generatedTokens()), t -> {});
            assertEquals(st.generatedTokens(), ref.generatedTokens());
            assertEquals(chat.history().get(1).content(), other.history().get(1).content());
        }
    }

    /** Chat.cancel from another thread while a reply is being generated. */
    @Test
    void chatCancelFromAnotherThread() throws Exception {
        try (Session s = model.newSession()) {
            Chat chat = new Chat(s, model.tokenizer(), MistralInstruct.v3());
            java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
            java.util.concurrent.CountDownLatch cancelled = new java.util.concurrent.CountDownLatch(1);
            var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
            try {
                var reply = pool.submit(() -> chat.send("hello", greedy(100_000), t -> {
                    started.countDown();
                    try {
                        cancelled.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }));
                assertTrue(started.await(60, java.util.concurrent.TimeUnit.SECONDS), "no text within 60 s");
                chat.cancel();
                cancelled.countDown();
                GenerationStats st = reply.get(60, java.util.concurrent.TimeUnit.SECONDS);
                assertEquals(StopReason.CANCELLED, st.stopReason());
                assertTrue(st.generatedTokens() < 100, "generated " + st.generatedTokens() + " tokens after the cancel");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
