package org.jmamba.langchain4j;

import static org.junit.jupiter.api.Assertions.*;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.output.FinishReason;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.Result;
import dev.langchain4j.service.SystemMessage;
import dev.langchain4j.service.TokenStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.chat.ChatMessage;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import org.jmamba.generate.Generator;
import org.jmamba.gguf.GgmlType;
import org.jmamba.sampling.SamplerConfig;
import org.jmamba.testkit.RandomMamba2;
import org.jmamba.tokenizer.EncodeOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chat models as applications use them, through AiServices, on a small random-weight model:
 * the wiring (template, tokens, sampling settings, counts, finish reasons, streaming callbacks,
 * cancellation) checked against the library's own generation of the same prompt.
 */
class JmambaChatModelsTest {
    @TempDir
    static Path dir;
    static Model model;

    interface Assistant {
        @SystemMessage("You answer in one line.")
        Result<String> chat(String message);
    }

    interface StreamingAssistant {
        TokenStream chat(String message);
    }

    @BeforeAll
    static void load() throws Exception {
        Path file = dir.resolve("tiny.gguf");
        RandomMamba2.write(file, new RandomMamba2.Spec(new RandomMamba2.Shape(512, 64, 2, 128, 16, 8, 2, 4, false), GgmlType.Q8_0, 11));
        model = Model.load(file);
    }

    @AfterAll
    static void close() {
        model.close();
    }

    /** The oracle: the library's greedy generation of the rendered conversation. */
    record Expected(String text, int promptTokens, GenerationStats stats) {}

    static Expected greedy(List<ChatMessage> conversation, int maxTokens) {
        var tok = model.tokenizer();
        int[] ids = tok.encode(MistralInstruct.v3().render(conversation), EncodeOptions.PLAIN.withBos(tok.addBosDefault()).withParseSpecial());
        try (Session s = model.newSession()) {
            StringBuilder text = new StringBuilder();
            GenerationStats st = new Generator(s, tok).generate(ids,
                    new GenerationOptions(maxTokens, SamplerConfig.greedy(), List.of(), true), text::append);
            return new Expected(text.toString(), ids.length, st);
        }
    }

    static FinishReason finish(GenerationStats st) {
        return switch (st.stopReason()) {
            case MAX_TOKENS -> FinishReason.LENGTH;
            case END_OF_GENERATION, STOP_STRING -> FinishReason.STOP;
            case CANCELLED -> FinishReason.OTHER;
        };
    }

    @Test
    void aiServicesGetTheLibrarysReplyWithTokenCounts() {
        var chat = JmambaChatModel.builder().model(model).temperature(0.0).maxOutputTokens(12).build();
        Assistant a = AiServices.create(Assistant.class, chat);
        Result<String> r = a.chat("def fib(n):");
        Expected want = greedy(List.of(ChatMessage.system("You answer in one line."), ChatMessage.user("def fib(n):")), 12);
        assertEquals(want.text(), r.content());
        assertEquals(want.promptTokens(), r.tokenUsage().inputTokenCount());
        assertEquals(want.stats().generatedTokens(), r.tokenUsage().outputTokenCount());
        assertEquals(finish(want.stats()), r.finishReason());
        assertEquals(model.gguf().get("general.name").orElseThrow().asText(), chat.defaultRequestParameters().modelName());
    }

    @Test
    void requestParametersOverrideTheDefaults() {
        var chat = JmambaChatModel.builder().model(model).temperature(0.0).maxOutputTokens(50).stopAtEndOfGeneration(false).build();
        ChatResponse r = chat.chat(ChatRequest.builder().messages(UserMessage.from("hello")).maxOutputTokens(3).build());
        assertEquals(3, r.tokenUsage().outputTokenCount());
        assertEquals(FinishReason.LENGTH, r.finishReason());
        var tools = ChatRequest.builder().messages(UserMessage.from("hello"))
                .toolSpecifications(ToolSpecification.builder().name("clock").description("the time").build()).build();
        assertThrows(UnsupportedFeatureException.class, () -> chat.chat(tools));
    }

    @Test
    void streamingGivesThePiecesThenTheWholeReply() throws Exception {
        var chat = JmambaStreamingChatModel.builder().model(model).temperature(0.0).maxOutputTokens(16).build();
        StreamingAssistant a = AiServices.create(StreamingAssistant.class, chat);
        List<String> pieces = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        CompletableFuture<ChatResponse> done = new CompletableFuture<>();
        a.chat("class Stack:")
                .onPartialResponse(p -> {
                    pieces.add(p);
                    threads.add(Thread.currentThread().getName());
                })
                .onCompleteResponse(done::complete)
                .onError(done::completeExceptionally)
                .start();
        ChatResponse r = done.get(60, TimeUnit.SECONDS);
        Expected want = greedy(List.of(ChatMessage.user("class Stack:")), 16);
        assertEquals(want.text(), r.aiMessage().text());
        assertEquals(want.text(), String.join("", pieces));
        assertTrue(pieces.size() > 1, "streamed in pieces: " + pieces);
        assertFalse(threads.contains(Thread.currentThread().getName()), "generated off the caller's thread");
        assertEquals(want.promptTokens(), r.tokenUsage().inputTokenCount());
        assertEquals(want.stats().generatedTokens(), r.tokenUsage().outputTokenCount());
        assertEquals(finish(want.stats()), r.finishReason());
    }

    @Test
    void cancellingTheStreamStopsTheGenerationAndItsCallbacks() throws Exception {
        var chat = JmambaStreamingChatModel.builder().model(model).maxOutputTokens(null).stopAtEndOfGeneration(false).build();
        StreamingAssistant a = AiServices.create(StreamingAssistant.class, chat);
        List<String> pieces = new CopyOnWriteArrayList<>();
        AtomicReference<Object> after = new AtomicReference<>();
        a.chat("hello")
                .onPartialResponseWithContext((p, ctx) -> {
                    pieces.add(p.text());
                    if (pieces.size() == 5) ctx.streamingHandle().cancel();
                })
                .onCompleteResponse(after::set)
                .onError(after::set)
                .start();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while ((pieces.size() < 5 || chat.running() > 0) && System.nanoTime() < end) Thread.sleep(10);
        assertEquals(0, chat.running(), "the generation (unbounded, end-of-generation ignored) is still running");
        assertEquals(5, pieces.size(), "no piece after the cancel");
        assertNull(after.get(), "no completion or error after the cancel");
    }

    @Test
    void interruptingABlockingCallStopsIt() throws Exception {
        var chat = JmambaChatModel.builder().model(model).maxOutputTokens(null).stopAtEndOfGeneration(false).build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        List<Boolean> flag = new ArrayList<>();
        Thread t = Thread.ofPlatform().start(() -> {
            try {
                chat.chat("hello");
            } catch (Throwable e) {
                thrown.set(e);
                flag.add(Thread.currentThread().isInterrupted());
            }
        });
        Thread.sleep(300);
        t.interrupt();
        t.join(TimeUnit.SECONDS.toMillis(60));
        assertFalse(t.isAlive(), "the interrupted call (unbounded, end-of-generation ignored) did not stop");
        assertInstanceOf(LangChain4jException.class, thrown.get());
        assertInstanceOf(InterruptedException.class, thrown.get().getCause());
        assertEquals(List.of(true), flag, "the interrupt flag stays set");
    }

    @Test
    void requestsAtTheSameTimeEachGetTheirOwnReply() throws Exception {
        var chat = JmambaStreamingChatModel.builder().model(model).temperature(0.0).maxOutputTokens(24).build();
        List<String> prompts = List.of("def add(a, b):", "import os", "class Tree:", "while True:");
        List<CompletableFuture<ChatResponse>> replies = new ArrayList<>();
        for (String p : prompts) {
            CompletableFuture<ChatResponse> done = new CompletableFuture<>();
            chat.chat(List.of(UserMessage.from(p)), new dev.langchain4j.model.chat.response.StreamingChatResponseHandler() {
                @Override
                public void onCompleteResponse(ChatResponse r) {
                    done.complete(r);
                }

                @Override
                public void onError(Throwable e) {
                    done.completeExceptionally(e);
                }
            });
            replies.add(done);
        }
        for (int i = 0; i < prompts.size(); i++) {
            Expected want = greedy(List.of(ChatMessage.user(prompts.get(i))), 24);
            assertEquals(want.text(), replies.get(i).get(60, TimeUnit.SECONDS).aiMessage().text(), prompts.get(i));
        }
    }
}
