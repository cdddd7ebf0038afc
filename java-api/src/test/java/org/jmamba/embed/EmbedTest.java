package org.jmamba.embed;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.TestModels;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import org.jmamba.generate.Generator;
import org.jmamba.generate.StopReason;
import org.jmamba.gguf.GgmlType;
import org.jmamba.sampling.SamplerConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbedTest {
    private final ExecutorService ui = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-ui"));

    @AfterEach
    void stopUi() throws InterruptedException {
        ui.shutdown();
        assertTrue(ui.awaitTermination(10, TimeUnit.SECONDS));
    }

    private static Path model() {
        return TestModels.write(TestModels.small(), GgmlType.Q8_0, 7);
    }

    private static GenerationOptions greedy(int n) {
        return GenerationOptions.defaults().withMaxTokens(n).withSampler(SamplerConfig.greedy());
    }

    @Test
    void textArrivesOnTheUiThreadInBatchesAndEqualsAForegroundRun() throws Exception {
        try (Model m = Model.load(model()); Session s1 = m.newSession(); Session s2 = m.newSession()) {
            int[] prompt = m.tokenizer().encode("public static int gcd(");
            StringBuilder expected = new StringBuilder();
            GenerationStats fg = new Generator(s1, m.tokenizer()).generate(prompt, greedy(64), expected::append);

            // The UI thread is held busy while the worker generates: the text must then arrive in
            // far fewer deliveries than tokens, all on the UI thread.
            CountDownLatch release = new CountDownLatch(1);
            ui.execute(() -> await(release));
            StringBuilder got = new StringBuilder();
            List<String> threads = new ArrayList<>();
            AtomicInteger deliveries = new AtomicInteger();
            BackgroundGeneration g = BackgroundGeneration.start(new Generator(s2, m.tokenizer()), prompt, greedy(64), ui,
                    text -> {
                        deliveries.incrementAndGet();
                        threads.add(Thread.currentThread().getName());
                        got.append(text);
                    });
            GenerationStats bg = g.done().get(60, TimeUnit.SECONDS);
            release.countDown();
            ui.submit(() -> {}).get(10, TimeUnit.SECONDS); // every delivery posted before done has run
            assertEquals(expected.toString(), got.toString());
            assertEquals(fg.generatedTokens(), bg.generatedTokens());
            assertTrue(deliveries.get() <= 2, "deliveries while the UI thread was busy: " + deliveries.get());
            assertTrue(threads.stream().allMatch("test-ui"::equals), threads.toString());
            assertTrue(g.cancelAndAwait(5000), "worker still alive after its generation ended");
        }
    }

    @Test
    void cancelStopsTheWorkerAndLeavesTheSessionUsable() throws Exception {
        try (Model m = Model.load(model()); Session s = m.newSession()) {
            int[] prompt = m.tokenizer().encode("class A {");
            GenerationOptions forever = GenerationOptions.defaults().withMaxTokens(1_000_000)
                    .withSampler(SamplerConfig.greedy());
            forever = new GenerationOptions(forever.maxTokens(), forever.sampler(), List.of(), false);
            CountDownLatch some = new CountDownLatch(1);
            BackgroundGeneration g = BackgroundGeneration.start(new Generator(s, m.tokenizer()), prompt, forever, ui,
                    t -> some.countDown());
            assertTrue(some.await(60, TimeUnit.SECONDS), "no text arrived");
            assertTrue(g.cancelAndAwait(10_000), "worker still running 10 s after cancel");
            GenerationStats st = g.done().get(1, TimeUnit.SECONDS);
            assertEquals(StopReason.CANCELLED, st.stopReason());
            assertTrue(st.generatedTokens() < 1_000_000);
            assertEquals(prompt.length + st.generatedTokens(), s.position());
            s.eval(prompt[0]); // the session is free again
        }
    }

    /**
     * The generation never ends by itself (no end-of-generation stop, no length limit), so only the
     * cancel can end it, however late this thread gets to make it: a forgotten cancel would leave it
     * running.
     */
    @Test
    void cancelRightAfterStartIsNotForgotten() throws Exception {
        try (Model m = Model.load(model()); Session s = m.newSession()) {
            int[] prompt = m.tokenizer().encode("int x = 1;");
            GenerationOptions forever = new GenerationOptions(Integer.MAX_VALUE, SamplerConfig.greedy(), List.of(), false);
            BackgroundGeneration g = BackgroundGeneration.start(new Generator(s, m.tokenizer()), prompt, forever, ui, t -> {});
            g.cancel();
            GenerationStats st;
            try {
                st = g.done().get(60, TimeUnit.SECONDS);
            } catch (TimeoutException e) {
                throw new AssertionError("the cancel was forgotten: still generating 60 s after it", e);
            }
            assertEquals(StopReason.CANCELLED, st.stopReason());
            // cancelled before the prompt, after it, or after some tokens: the session holds what was fed
            long prompted = st.generatedTokens() > 0 || s.position() == prompt.length ? prompt.length : 0;
            assertEquals(prompted + st.generatedTokens(), s.position());
            s.eval(prompt[0]); // the session is free again
        }
    }

    @Test
    void aChatTurnStreamsOnTheUiThreadAndJoinsTheHistory() throws Exception {
        try (Model m = Model.load(model()); Session s1 = m.newSession(); Session s2 = m.newSession()) {
            var template = org.jmamba.chat.MistralInstruct.v3();
            StringBuilder expected = new StringBuilder();
            new org.jmamba.generate.Chat(s1, m.tokenizer(), template).send("hello", greedy(32), expected::append);
            var chat = new org.jmamba.generate.Chat(s2, m.tokenizer(), template);
            StringBuilder got = new StringBuilder();
            List<String> threads = new ArrayList<>();
            BackgroundGeneration g = BackgroundGeneration.send(chat, "hello", greedy(32), ui, t -> {
                threads.add(Thread.currentThread().getName());
                got.append(t);
            });
            g.done().get(60, TimeUnit.SECONDS);
            ui.submit(() -> {}).get(10, TimeUnit.SECONDS);
            assertEquals(expected.toString(), got.toString());
            assertEquals(2, chat.history().size());
            assertTrue(threads.stream().allMatch("test-ui"::equals), threads.toString());
        }
    }

    @Test
    void loadReportsProgressInOrderOnTheUiThreadThenTheModel() throws Exception {
        Path path = model();
        List<LoadProgress> seen = new ArrayList<>();
        List<String> threads = new ArrayList<>();
        try (Model m = ModelLoader.load(path, Model.Options.defaults(), ui, p -> {
            seen.add(p);
            threads.add(Thread.currentThread().getName());
        }).get(60, TimeUnit.SECONDS)) {
            ui.submit(() -> {}).get(10, TimeUnit.SECONDS);
            assertEquals(m.params().nVocab(), TestModels.small().nVocab());
        }
        assertEquals(LoadProgress.Stage.READING, seen.get(0).stage());
        assertEquals(LoadProgress.Stage.DONE, seen.get(seen.size() - 1).stage());
        LoadProgress lastRead = seen.stream().filter(p -> p.stage() == LoadProgress.Stage.READING).reduce((a, b) -> b).orElseThrow();
        assertEquals(Files.size(path), lastRead.bytesRead());
        for (int i = 1; i < seen.size(); i++) assertTrue(seen.get(i).fraction() >= seen.get(i - 1).fraction(), seen.toString());
        assertTrue(threads.stream().allMatch("test-ui"::equals));
    }

    @Test
    void aCorruptFileFailsTheFutureWithTheLoadersMessage(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.gguf");
        Files.write(bad, "GGUF but not really".getBytes());
        CompletionException e = assertThrows(CompletionException.class,
                () -> ModelLoader.load(bad, Model.Options.defaults(), ui, p -> {}).join());
        assertInstanceOf(org.jmamba.JmambaException.class, e.getCause());
        assertTrue(e.getCause().getMessage().contains("bad.gguf"), e.getCause().getMessage());
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
