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
}
