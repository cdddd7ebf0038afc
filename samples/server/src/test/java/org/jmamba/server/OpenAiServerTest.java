package org.jmamba.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.JsonValue;
import com.openai.core.http.StreamResponse;
import com.openai.errors.BadRequestException;
import com.openai.errors.InternalServerException;
import com.openai.errors.NotFoundException;
import com.openai.errors.OpenAIServiceException;
import com.openai.errors.UnauthorizedException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.Completion;
import com.openai.models.completions.CompletionCreateParams;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.chat.ChatMessage;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.Generator;
import org.jmamba.gguf.GgmlType;
import org.jmamba.sampling.SamplerConfig;
import org.jmamba.server.cache.PromptPrefixCache;
import org.jmamba.testkit.RandomMamba2;
import org.jmamba.tokenizer.Tokenizer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server on a free loopback port with a small random model, driven by the official OpenAI
 * Java SDK (and a raw HTTP client where the SDK cannot send what is tested: broken JSON, a client
 * that never reads). Greedy texts are checked against the library's own {@link Generator}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class OpenAiServerTest {
    private static final String MODEL_ID = "random-test";
    private static final int EOS = 2; // SyntheticVocab's </s>
    private static final ObjectMapper JSON = new ObjectMapper();

    private static Path dir;
    private static Model model;
    private static OpenAiServer server;
    private static OpenAIClient client;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("jmamba-server-test");
        Path file = dir.resolve("model.gguf");
        RandomMamba2.write(file, new RandomMamba2.Spec(new RandomMamba2.Shape(1024, 64, 2, 128, 16, 8, 2, 4, false),
                GgmlType.Q8_0, 11));
        model = Model.load(file, Model.Options.defaults().withThreads(2));
        server = OpenAiServer.start(model, config(4, 16, null), PromptPrefixCache.NONE);
        client = client(server, "unused");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (model != null) model.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    private static OpenAiServer.Config config(int parallel, int queue, String key) {
        return new OpenAiServer.Config("127.0.0.1", 0, parallel, queue, key, 512, 64 * 1024, 32, MODEL_ID);
    }

    private static OpenAIClient client(OpenAiServer s, String key) {
        return OpenAIOkHttpClient.builder().baseUrl(s.url() + "/v1").apiKey(key).maxRetries(0)
                .timeout(Duration.ofSeconds(60)).build();
    }

    // ---- oracle: the library's own generation --------------------------------------------

    private static int[] chatPrompt(String user) {
        Tokenizer t = model.tokenizer();
        String text = MistralInstruct.v3().render(List.of(ChatMessage.user(user)));
        return t.encode(text, t.defaultEncodeOptions().withParseSpecial());
    }

    private static int[] textPrompt(String prompt) {
        Tokenizer t = model.tokenizer();
        return t.encode(prompt);
    }

    /** Greedy text from Generator, and how many tokens it generated. */
    private static String greedy(int[] prompt, int maxTokens, List<String> stops) {
        StringBuilder sb = new StringBuilder();
        try (Session s = model.newSession()) {
            new Generator(s, model.tokenizer()).generate(prompt,
                    new GenerationOptions(maxTokens, SamplerConfig.greedy(), stops, true), sb::append);
        }
        return sb.toString();
    }

    private static ChatCompletionCreateParams.Builder chat(String user, int maxTokens) {
        return ChatCompletionCreateParams.builder().model(MODEL_ID).addUserMessage(user).maxCompletionTokens(maxTokens)
                .temperature(0.0);
    }

    private static String content(ChatCompletion c) {
        return c.choices().get(0).message().content().orElse("");
    }

    private static String streamed(ChatCompletionCreateParams p, List<ChatCompletionChunk> chunks) {
        StringBuilder sb = new StringBuilder();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            s.stream().forEach(c -> {
                chunks.add(c);
                for (var ch : c.choices()) ch.delta().content().ifPresent(sb::append);
            });
        }
        return sb.toString();
    }

    // ---- chat and completions --------------------------------------------------------------

    @Test
    void chatCompletionIsTheLibrarysGreedyText() {
        ChatCompletion c = client.chat().completions().create(chat("Write fib in C", 12).build());
        String want = greedy(chatPrompt("Write fib in C"), 12, List.of());
        assertEquals(want, content(c));
        assertEquals("assistant", c.choices().get(0).message()._role().asString().orElseThrow());
        assertEquals(MODEL_ID, c.model());
        var usage = c.usage().orElseThrow();
        assertEquals(chatPrompt("Write fib in C").length, usage.promptTokens());
        assertTrue(usage.completionTokens() >= 1 && usage.completionTokens() <= 12, "completion tokens " + usage.completionTokens());
        assertEquals(usage.promptTokens() + usage.completionTokens(), usage.totalTokens());
        var finish = c.choices().get(0).finishReason();
        assertEquals(usage.completionTokens() == 12 ? ChatCompletion.Choice.FinishReason.LENGTH
                : ChatCompletion.Choice.FinishReason.STOP, finish);
    }

    @Test
    void streamedChatEqualsTheWholeOneAndEndsWithUsage() {
        ChatCompletionCreateParams p = chat("stream me", 16)
                .streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build()).build();
        List<ChatCompletionChunk> chunks = new ArrayList<>();
        String text = streamed(p, chunks);
        assertEquals(greedy(chatPrompt("stream me"), 16, List.of()), text);
        assertEquals(content(client.chat().completions().create(chat("stream me", 16).build())), text);
        ChatCompletionChunk last = chunks.get(chunks.size() - 1);
        assertTrue(last.choices().isEmpty(), "the usage chunk has no choices");
        var usage = last.usage().orElseThrow();
        assertEquals(chatPrompt("stream me").length, usage.promptTokens());
        ChatCompletionChunk finish = chunks.get(chunks.size() - 2);
        assertTrue(finish.choices().get(0).finishReason().isPresent());
        assertEquals("assistant", chunks.get(0).choices().get(0).delta().role().orElseThrow().asString());
        assertTrue(chunks.stream().allMatch(c -> c.id().equals(last.id())), "one id for the whole stream");
    }

    @Test
    void completionStreamedAndNotIsTheLibrarysGreedyText() {
        String prompt = "def fib(n):";
        String want = greedy(textPrompt(prompt), 10, List.of());
        CompletionCreateParams p = CompletionCreateParams.builder().model(MODEL_ID).prompt(prompt).maxTokens(10)
                .temperature(0.0).build();
        Completion c = client.completions().create(p);
        assertEquals(want, c.choices().get(0).text());
        assertEquals(textPrompt(prompt).length, c.usage().orElseThrow().promptTokens());
        StringBuilder sb = new StringBuilder();
        try (StreamResponse<Completion> s = client.completions().createStreaming(p)) {
            s.stream().forEach(x -> x.choices().forEach(ch -> sb.append(ch.text())));
        }
        assertEquals(want, sb.toString());
    }

    @Test
    void stopStringsEndTheTextBeforeThem() {
        String full = greedy(chatPrompt("stop test"), 24, List.of());
        assertTrue(full.length() >= 8, "the greedy text is long enough to cut: '" + full + "'");
        String stop = full.substring(4, 7);
        ChatCompletion c = client.chat().completions().create(chat("stop test", 24).stop(stop).build());
        assertEquals(full.substring(0, full.indexOf(stop)), content(c));
        assertEquals(greedy(chatPrompt("stop test"), 24, List.of(stop)), content(c));
        assertEquals(ChatCompletion.Choice.FinishReason.STOP, c.choices().get(0).finishReason());
        // the same through the stream
        ChatCompletionCreateParams p = chat("stop test", 24).stop(stop).build();
        assertEquals(content(c), streamed(p, new ArrayList<>()));
    }

    @Test
    void maxTokensBoundsTheCompletion() {
        ChatCompletion c = client.chat().completions().create(chat("count", 3).logitBias(noEos()).build());
        assertEquals(3, c.usage().orElseThrow().completionTokens());
        assertEquals(ChatCompletion.Choice.FinishReason.LENGTH, c.choices().get(0).finishReason());
    }

    @Test
    void theSameSeedGivesTheSameText() {
        ChatCompletionCreateParams.Builder b = ChatCompletionCreateParams.builder().model(MODEL_ID)
                .addUserMessage("tell me").maxCompletionTokens(20).temperature(1.0).logitBias(noEos());
        String a = content(client.chat().completions().create(b.seed(42).build()));
        String again = content(client.chat().completions().create(b.seed(42).build()));
        String other = content(client.chat().completions().create(b.seed(43).build()));
        assertEquals(a, again);
        assertNotEquals(a, other, "another seed draws another text");
    }

    @Test
    void eightConcurrentClientsGetWhatEachGetsAlone() throws Exception {
        int n = 8;
        List<String> alone = new ArrayList<>();
        for (int i = 0; i < n; i++) alone.add(content(client.chat().completions().create(chat("user " + i, 12 + i).build())));
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<String>> together = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int k = i;
                together.add(pool.submit(() -> k % 2 == 0
                        ? content(client.chat().completions().create(chat("user " + k, 12 + k).build()))
                        : streamed(chat("user " + k, 12 + k).build(), new ArrayList<>())));
            }
            for (int i = 0; i < n; i++) assertEquals(alone.get(i), together.get(i).get(60, TimeUnit.SECONDS), "client " + i);
        } finally {
            pool.shutdownNow();
        }
        for (int i = 0; i < n; i++) assertEquals(greedy(chatPrompt("user " + i), 12 + i, List.of()), alone.get(i));
    }

    @Test
    void answersGivenInFullAreNotCountedAsCancelled() throws Exception {
        awaitIdle("earlier requests ended");
        double cancelledBefore = metric("jmamba_requests_cancelled_total");
        for (int i = 0; i < 4; i++) {
            ChatCompletionCreateParams p = chat("whole " + i, 3 + i).build();
            String want = greedy(chatPrompt("whole " + i), 3 + i, List.of());
            assertEquals(want, content(client.chat().completions().create(p)), "whole answer " + i);
            assertEquals(want, streamed(p, new ArrayList<>()), "streamed answer " + i);
        }
        awaitIdle("the answers ended");
        assertEquals(cancelledBefore, metric("jmamba_requests_cancelled_total"), "no answer given in full is a cancel");
    }

    @Test
    void aClientThatLeavesMidStreamFreesItsSequence() throws Exception {
        awaitIdle("earlier requests ended"); // their sequences are freed a moment after their answers
        double cancelledBefore = metric("jmamba_requests_cancelled_total");
        ChatCompletionCreateParams p = chat("go on forever", 50_000_000).temperature(1.0).seed(1).logitBias(noEos()).build();
        try (StreamResponse<ChatCompletionChunk> s = client.chat().completions().createStreaming(p)) {
            Iterator<ChatCompletionChunk> it = s.stream().iterator();
            for (int i = 0; i < 5; i++) assertNotNull(it.next());
            assertEquals(1, metric("jmamba_sequences_active"));
        }
        awaitIdle("the stream left mid-way ended");
        assertEquals(0, metric("jmamba_sequences_active"), "the sequence is freed");
        assertEquals(cancelledBefore + 1, metric("jmamba_requests_cancelled_total"));
    }

    @Test
    void aClientThatGivesUpOnAWholeAnswerFreesItsSequence() throws Exception {
        awaitIdle("earlier requests ended"); // their sequences are freed a moment after their answers
        double cancelledBefore = metric("jmamba_requests_cancelled_total");
        OpenAIClient impatient = OpenAIOkHttpClient.builder().baseUrl(server.url() + "/v1").apiKey("k").maxRetries(0)
                .timeout(Duration.ofMillis(4000)).build(); // long enough to be running on a loaded machine
        assertThrows(com.openai.errors.OpenAIException.class, () -> impatient.chat().completions()
                .create(chat("take your time", 50_000_000).logitBias(noEos()).build()));
        awaitIdle("the answer given up on ended");
        assertEquals(0, metric("jmamba_sequences_active"), "the sequence is freed");
        assertEquals(cancelledBefore + 1, metric("jmamba_requests_cancelled_total"));
    }

    @Test
    void aClientThatNeverReadsDoesNotStallTheOthers() throws Exception {
        awaitIdle("earlier requests ended"); // their sequences are freed a moment after their answers
        double cancelledBefore = metric("jmamba_requests_cancelled_total");
        // no end but the client's: a bounded one could be over (its events queued) before the others are asked
        String body = "{\"model\":\"" + MODEL_ID + "\",\"stream\":true,\"max_tokens\":50000000,\"logit_bias\":{\"2\":-100},"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"never read\"}]}";
        try (Socket sock = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            sock.setReceiveBufferSize(1024);
            OutputStream out = sock.getOutputStream();
            out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            awaitMetrics("the never-read stream running", m -> m.get("jmamba_sequences_active") >= 1);
            // meanwhile others are served in full
            for (int i = 0; i < 3; i++) {
                assertEquals(greedy(chatPrompt("other " + i), 8, List.of()),
                        content(client.chat().completions().create(chat("other " + i, 8).build())));
            }
            // the others' sequences are freed a moment after their answers; the never-read one stays
            awaitMetrics("only the never-read stream still running", m -> m.get("jmamba_sequences_active") == 1);
        }
        // once the socket is closed, the server's next write fails and frees the sequence
        awaitIdle("the never-read stream ended");
        assertEquals(0, metric("jmamba_sequences_active"));
        assertEquals(cancelledBefore + 1, metric("jmamba_requests_cancelled_total"));
    }

    @Test
    void aPromptThatExtendsAnEarlierOneStartsFromItsCachedState() throws Exception {
        try (OpenAiServer cached = OpenAiServer.start(model, config(2, 2, null), new org.jmamba.server.cache.SnapshotPrefixCache(1 << 24))) {
            OpenAIClient c = client(cached, "k");
            String first = "def fib(n):", second = "def fib(n): return fib";
            int[] a = textPrompt(first), b = textPrompt(second);
            assertTrue(b.length > a.length && java.util.Arrays.equals(a, 0, a.length, b, 0, a.length), "a token prefix");
            CompletionCreateParams.Builder p = CompletionCreateParams.builder().model(MODEL_ID).maxTokens(8).temperature(0.0);
            c.completions().create(p.prompt(first).build());
            String got = c.completions().create(p.prompt(second).build()).choices().get(0).text();
            HttpResponse<String> m = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(cached.url() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertTrue(m.body().contains("\njmamba_prompt_cache_hits_total 1\n"), m.body());
            // the oracle: the first prompt's state, then the rest of the second prompt
            StringBuilder want = new StringBuilder();
            try (Session s = model.newSession()) {
                s.feed(a);
                new Generator(s, model.tokenizer()).generate(java.util.Arrays.copyOfRange(b, a.length, b.length),
                        new GenerationOptions(8, SamplerConfig.greedy(), List.of(), true), want::append);
            }
            assertEquals(want.toString(), got);
        }
    }

    // ---- errors ---------------------------------------------------------------------------

    private static ChatCompletionCreateParams.LogitBias noEos() {
        return ChatCompletionCreateParams.LogitBias.builder().putAdditionalProperty(String.valueOf(EOS), JsonValue.from(-100)).build();
    }

    /** OpenAI's error shape: {"error": {"message": string, "type": string, "param", "code"}}. */
    private static JsonNode assertErrorShape(String body) throws Exception {
        JsonNode e = JSON.readTree(body).get("error");
        assertNotNull(e, "an error object: " + body);
        assertTrue(e.get("message").isTextual() && !e.get("message").asText().isEmpty(), body);
        assertTrue(e.get("type").isTextual(), body);
        assertTrue(e.has("param") && e.has("code"), body);
        return e;
    }

    /** The SDK parsed the error: its type is there, and the body it kept is OpenAI's shape. */
    private static void assertErrorShape(OpenAIServiceException e) throws Exception {
        assertTrue(e.type().isPresent(), "the SDK found error.type: " + e.getMessage());
        JsonNode body = JSON.valueToTree(e.body().convert(Object.class));
        assertErrorShape(JSON.writeValueAsString(body.has("error") ? body : Map.of("error", body)));
    }

    @Test
    void malformedJsonIs400AndTheServerKeepsServing() throws Exception {
        HttpResponse<String> r = post("/v1/chat/completions", "{\"model\": \"x\", \"messages\": [", null);
        assertEquals(400, r.statusCode());
        assertTrue(assertErrorShape(r.body()).get("message").asText().contains("not valid JSON"), r.body());
        HttpResponse<String> r2 = post("/v1/completions", "[1, 2]", null);
        assertEquals(400, r2.statusCode());
        assertErrorShape(r2.body());
        HttpResponse<String> r3 = post("/v1/chat/completions", "{\"messages\": [{\"role\": \"user\", \"content\": \"x\"}], \"temperature\": \"hot\"}", null);
        assertEquals(400, r3.statusCode());
        assertEquals("temperature", assertErrorShape(r3.body()).get("param").asText());
        // and the next request is served
        assertEquals(greedy(chatPrompt("still here"), 4, List.of()),
                content(client.chat().completions().create(chat("still here", 4).build())));
    }

    @Test
    void aBodyOverTheLimitIs413() throws Exception {
        String huge = "x ".repeat(40 * 1024); // 80 KiB, the limit is 64
        OpenAIServiceException e = assertThrows(OpenAIServiceException.class,
                () -> client.chat().completions().create(chat(huge, 4).build()));
        assertEquals(413, e.statusCode());
        assertEquals("request_too_large", e.code().orElseThrow());
        assertErrorShape(e);
    }

    @Test
    void aPromptOverMaxPromptTokensIs400() throws Exception {
        String longText = "value result data ".repeat(300); // well over 512 tokens, under 64 KiB
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(chat(longText, 4).build()));
        assertEquals("context_length_exceeded", e.code().orElseThrow());
        assertErrorShape(e);
    }

    @Test
    void anUnknownModelIs404() throws Exception {
        NotFoundException e = assertThrows(NotFoundException.class, () -> client.chat().completions().create(
                ChatCompletionCreateParams.builder().model("gpt-4o").addUserMessage("hi").build()));
        assertEquals("model_not_found", e.code().orElseThrow());
        assertEquals("model", e.param().orElseThrow());
        assertErrorShape(e);
        assertEquals(MODEL_ID, client.models().list().data().get(0).id());
    }

    @Test
    void moreThanOneChoiceIsRefused() throws Exception {
        BadRequestException e = assertThrows(BadRequestException.class,
                () -> client.chat().completions().create(chat("two please", 4).n(2).build()));
        assertEquals("n", e.param().orElseThrow());
        assertErrorShape(e);
    }

    @Test
    void unknownRoutesAndMethodsAnswerInOpenAisShape() throws Exception {
        HttpResponse<String> r = post("/v1/embeddings", "{}", null);
        assertEquals(404, r.statusCode());
        assertErrorShape(r.body());
        HttpResponse<String> health = get("/health", null);
        assertEquals(200, health.statusCode());
    }

    @Test
    void theApiKeyGuardsEveryRouteButHealth() throws Exception {
        try (OpenAiServer guarded = OpenAiServer.start(model, config(1, 1, "s3cret"), PromptPrefixCache.NONE)) {
            UnauthorizedException e = assertThrows(UnauthorizedException.class,
                    () -> client(guarded, "wrong").chat().completions().create(chat("hi", 2).build()));
            assertEquals("invalid_api_key", e.code().orElseThrow());
            assertErrorShape(e);
            HttpClient http = HttpClient.newHttpClient();
            var noKey = http.send(HttpRequest.newBuilder(URI.create(guarded.url() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(401, noKey.statusCode());
            assertErrorShape(noKey.body());
            var health = http.send(HttpRequest.newBuilder(URI.create(guarded.url() + "/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            assertEquals(greedy(chatPrompt("hi"), 2, List.of()),
                    content(client(guarded, "s3cret").chat().completions().create(chat("hi", 2).build())));
        }
    }

    @Test
    void aFullQueueIs503() throws Exception {
        try (OpenAiServer small = OpenAiServer.start(model, config(1, 0, null), PromptPrefixCache.NONE)) {
            OpenAIClient c = client(small, "k");
            ChatCompletionCreateParams forever = chat("hold the slot", 50_000_000).logitBias(noEos()).build();
            try (StreamResponse<ChatCompletionChunk> s = c.chat().completions().createStreaming(forever)) {
                s.stream().iterator().next(); // the one slot is taken
                InternalServerException e = assertThrows(InternalServerException.class,
                        () -> c.chat().completions().create(chat("no room", 2).build()));
                assertEquals(503, e.statusCode());
                assertEquals("server_overloaded", e.code().orElseThrow());
                assertErrorShape(e);
            }
        }
    }

    @Test
    void metricsAreInPrometheusTextFormat() throws Exception {
        client.chat().completions().create(chat("metrics", 3).build());
        HttpResponse<String> r = get("/metrics", null);
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        for (String line : r.body().split("\n")) {
            assertTrue(line.startsWith("# HELP ") || line.startsWith("# TYPE ")
                    || line.matches("[a-z_]+(\\{[^}]*\\})? -?[0-9.eE+-]+"), "a Prometheus line: " + line);
        }
        assertTrue(metric("jmamba_generated_tokens_total") >= 1);
        assertTrue(r.body().contains("jmamba_requests_total{route=\"/v1/chat/completions\",status=\"200\"}"));
        for (String m : List.of("jmamba_tokens_per_second", "jmamba_queue_length", "jmamba_prompt_cache_hits_total")) {
            assertTrue(r.body().contains("\n" + m + " "), m);
        }
    }

    // ---- raw HTTP ---------------------------------------------------------------------------

    private static HttpResponse<String> post(String path, String body, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path, String key) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path));
        if (key != null) b.header("Authorization", "Bearer " + key);
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Waits (up to 60 s) until no request is in flight and no sequence runs: a request's cancel is counted
     * before it leaves the in-flight count.
     */
    private static void awaitIdle(String what) throws Exception {
        awaitMetrics(what, m -> m.get("jmamba_requests_in_flight") == 0 && m.get("jmamba_sequences_active") == 0);
    }

    /** Waits (up to 60 s) until the server's metrics satisfy the condition; fails showing the last ones seen. */
    private static void awaitMetrics(String what, java.util.function.Predicate<Map<String, Double>> condition) throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Map<String, Double> m = metrics();
        while (!condition.test(m)) {
            if (System.nanoTime() - end > 0) fail("not seen within 60 s: " + what + "; the last metrics: " + m);
            Thread.sleep(50);
            m = metrics();
        }
    }

    /** The server's unlabelled metrics by name. */
    private static Map<String, Double> metrics() throws Exception {
        Map<String, Double> m = new java.util.TreeMap<>();
        for (String line : get("/metrics", null).body().split("\n")) {
            int sp = line.indexOf(' ');
            if (line.startsWith("#") || sp < 0 || line.substring(0, sp).contains("{")) continue;
            m.put(line.substring(0, sp), Double.parseDouble(line.substring(sp + 1)));
        }
        return m;
    }

    private static double metric(String name) throws Exception {
        for (String line : get("/metrics", null).body().split("\n")) {
            if (line.startsWith(name + " ")) return Double.parseDouble(line.substring(name.length() + 1));
        }
        throw new AssertionError("no metric " + name);
    }
}
