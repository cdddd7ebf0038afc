package org.jmamba.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jmamba.DecodeScheduler;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.chat.ChatTemplate;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.sampling.SamplerConfig;
import org.jmamba.server.cache.PromptPrefixCache;
import org.jmamba.server.generation.Generation;
import org.jmamba.server.openai.ApiException;
import org.jmamba.server.openai.GenerationRequest;
import org.jmamba.server.openai.Wire;
import org.jmamba.tokenizer.Tokenizer;

/**
 * The OpenAI-compatible HTTP server: where HTTP requests become sessions in the model's batched
 * decode loop ({@link DecodeScheduler}). Routes: {@code POST /v1/chat/completions},
 * {@code POST /v1/completions} (both streamed as server-sent events or not), {@code GET /v1/models},
 * {@code GET /health}, {@code GET /metrics}. Every refusal is a 4xx/5xx with OpenAI's error JSON.
 */
public final class OpenAiServer implements AutoCloseable {

    /**
     * @param host             address to bind (loopback by default)
     * @param port             0 for any free port
     * @param parallel         sequences decoded at once
     * @param maxQueue         requests that may wait for a sequence beyond those; more get 503
     * @param apiKey           null: no authentication; else every route but /health needs it as a Bearer token
     * @param maxPromptTokens  longer prompts get a 400
     * @param maxBodyBytes     larger request bodies get a 413
     * @param defaultMaxTokens tokens generated when a request names no limit
     * @param modelId          the name clients use for the model
     */
    public record Config(String host, int port, int parallel, int maxQueue, String apiKey, int maxPromptTokens,
                         int maxBodyBytes, int defaultMaxTokens, String modelId) {
        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(modelId, "modelId");
            if (port < 0 || port > 65535) throw new IllegalArgumentException("port " + port + " is out of range [0, 65535]");
            if (parallel < 1) throw new IllegalArgumentException("parallel = " + parallel + " must be >= 1");
            if (maxQueue < 0) throw new IllegalArgumentException("maxQueue = " + maxQueue + " must be >= 0");
            if (maxPromptTokens < 1) throw new IllegalArgumentException("maxPromptTokens = " + maxPromptTokens + " must be >= 1");
            if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes = " + maxBodyBytes + " must be >= 1");
            if (defaultMaxTokens < 1) throw new IllegalArgumentException("defaultMaxTokens = " + defaultMaxTokens + " must be >= 1");
            if (apiKey != null && apiKey.isEmpty()) throw new IllegalArgumentException("the API key is empty");
        }

        public static Config defaults(String modelId) {
            return new Config("127.0.0.1", 8080, 4, 64, null, 8192, 1 << 20, 512, modelId);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    /** Request attribute: the body is already an OpenAI error, which the 404 handler must keep. */
    private static final String ANSWERED = "jmamba.answered";
    private static final SecureRandom IDS = new SecureRandom();
    /** How long a stream may stay silent before a comment line checks the client is still there. */
    private static final long KEEPALIVE_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** How long a non-streamed answer may take before the server starts checking the client is still there. */
    private static final long HEARTBEAT_AFTER_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final Model model;
    private final Tokenizer tokenizer;
    private final ChatTemplate template = MistralInstruct.v3();
    private final Config config;
    private final PromptPrefixCache cache;
    private final DecodeScheduler scheduler;
    private final Semaphore admission;
    private final Metrics metrics = new Metrics();
    private final long created = System.currentTimeMillis() / 1000;
    private final Javalin app;

    private OpenAiServer(Model model, Config config, PromptPrefixCache cache) {
        this.model = model;
        this.tokenizer = model.tokenizer();
        this.config = config;
        this.cache = cache;
        this.admission = new Semaphore(config.parallel() + config.maxQueue());
        this.scheduler = DecodeScheduler.start(model, DecodeScheduler.Options.of(config.parallel()));
        this.app = Javalin.create(c -> {
            c.jetty.host = config.host();
            c.jetty.port = config.port();
            c.startup.showJavalinBanner = false;
            c.startup.showOldJavalinVersionWarning = false;
            c.concurrency.useVirtualThreads = true;
            c.http.prefer405over404 = true;
            c.http.maxRequestSize = config.maxBodyBytes();
            c.routes.before(this::authenticate);
            c.routes.get("/health", ctx -> json(ctx, 200, java.util.Map.of("status", "ok")));
            c.routes.get("/metrics", this::metricsRoute);
            c.routes.get("/v1/models", ctx -> json(ctx, 200, new Wire.ModelList("list", List.of(card()))));
            c.routes.get("/v1/models/{id}", ctx -> {
                checkModel(ctx.pathParam("id"));
                json(ctx, 200, card());
            });
            c.routes.post("/v1/chat/completions", ctx -> generate(ctx, true));
            c.routes.post("/v1/completions", ctx -> generate(ctx, false));
            c.routes.exception(ApiException.class, (e, ctx) -> {
                ctx.attribute(ANSWERED, true);
                metrics.request(ctx.path(), e.status());
                json(ctx, e.status(), e.body());
            });
            c.routes.exception(Exception.class, (e, ctx) -> {
                metrics.request(ctx.path(), 500);
                json(ctx, 500, new ApiException(500, "server_error", null, null,
                        "internal error: " + e).body());
            });
            c.routes.error(404, ctx -> {
                if (ctx.attribute(ANSWERED) == null) {
                    json(ctx, 404, new ApiException(404, "invalid_request_error", "unknown_url", null,
                            "Unknown request URL: " + ctx.method() + " " + ctx.path()).body());
                }
            });
            c.routes.error(405, ctx -> json(ctx, 405, new ApiException(405, "invalid_request_error",
                    "method_not_allowed", null, "Method " + ctx.method() + " is not allowed on " + ctx.path()).body()));
        });
    }

    /** Starts the decode loop and the HTTP server. */
    public static OpenAiServer start(Model model, Config config, PromptPrefixCache cache) {
        OpenAiServer s = new OpenAiServer(model, config, cache);
        try {
            s.app.start();
        } catch (RuntimeException e) {
            s.scheduler.close();
            throw e;
        }
        return s;
    }

    public int port() {
        return app.port();
    }

    /** http://host:port */
    public String url() {
        String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + h + ":" + port();
    }

    public Config config() {
        return config;
    }

    /** Stops accepting requests, ends the generations in progress and stops the decode loop. */
    @Override
    public void close() {
        try {
            app.stop();
        } finally {
            scheduler.close();
        }
    }

    // ---- routes ---------------------------------------------------------------------------

    private void authenticate(Context ctx) {
        if (config.apiKey() == null || ctx.path().equals("/health")) return;
        String h = ctx.header("Authorization");
        String want = "Bearer " + config.apiKey();
        if (h == null || !MessageDigest.isEqual(h.getBytes(StandardCharsets.UTF_8), want.getBytes(StandardCharsets.UTF_8))) {
            throw new ApiException(401, "invalid_request_error", "invalid_api_key", null,
                    h == null ? "Missing API key: send it as 'Authorization: Bearer KEY'."
                              : "Incorrect API key provided.");
        }
    }

    private void metricsRoute(Context ctx) {
        ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
        ctx.result(metrics.render(scheduler.stats(), cache, config.parallel()));
    }

    private Wire.ModelCard card() {
        return new Wire.ModelCard(config.modelId(), "model", created, "jmamba");
    }

    private void checkModel(String name) {
        if (name != null && !name.equals(config.modelId())) {
            throw new ApiException(404, "invalid_request_error", "model_not_found", "model",
                    "The model '" + name + "' does not exist; this server serves '" + config.modelId() + "'.");
        }
    }

    private void generate(Context ctx, boolean chat) throws IOException, InterruptedException {
        String route = chat ? "/v1/chat/completions" : "/v1/completions";
        JsonNode body = readJson(ctx);
        GenerationRequest req = chat ? GenerationRequest.chat(body) : GenerationRequest.completion(body);
        checkModel(req.model());
        int[] prompt = promptTokens(req);
        if (prompt.length > config.maxPromptTokens()) {
            throw new ApiException(400, "invalid_request_error", "context_length_exceeded", chat ? "messages" : "prompt",
                    "The prompt is " + prompt.length + " tokens; this server takes at most " + config.maxPromptTokens()
                            + " (--max-prompt-tokens).");
        }
        if (!admission.tryAcquire()) {
            metrics.rejected.increment();
            throw new ApiException(503, "server_error", "server_overloaded", null,
                    "The server is busy: " + config.parallel() + " requests are running and " + config.maxQueue()
                            + " waiting. Retry later.");
        }
        metrics.inFlight.incrementAndGet();
        try {
            run(ctx, route, req, prompt);
        } finally {
            metrics.inFlight.decrementAndGet();
            admission.release();
        }
    }

    private void run(Context ctx, String route, GenerationRequest req, int[] prompt) throws IOException, InterruptedException {
        int maxTokens = req.maxTokens() > 0 ? req.maxTokens() : config.defaultMaxTokens();
        SamplerConfig sampling = new SamplerConfig(req.temperature(), 0, req.topP(), 0f, 1f, 64,
                req.frequencyPenalty(), req.presencePenalty(),
                req.seed() != null ? req.seed() : IDS.nextLong());
        Session session = model.newSession();
        DecodeScheduler.Job job;
        Generation gen;
        try {
            int reused = cache.restoreLongestPrefix(prompt, prompt.length - 1, session);
            gen = new Generation(tokenizer, model.params().nVocab(), prompt, sampling, req.stop(), maxTokens, req.logitBias(),
                    new Generation.Listener() {
                        @Override
                        public void token(Generation g) {
                            metrics.token();
                        }

                        @Override
                        public void promptDone(Generation g) {
                            cache.offer(prompt, session);
                        }
                    });
            job = scheduler.submit(session, Arrays.copyOfRange(prompt, reused, prompt.length), gen);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
        metrics.promptTokens.add(prompt.length);
        Generation g = gen;
        job.done().whenComplete((outcome, failure) -> {
            if (failure != null) g.failed(failure);
            else if (outcome == DecodeScheduler.Outcome.CANCELLED) g.failed(new CancellationException("cancelled"));
            session.close();
        });
        try {
            if (req.stream()) stream(ctx, route, req, gen, job);
            else respond(ctx, route, req, gen, job);
        } finally {
            // still running here: the client went away (a failed write, an interrupted wait) or this thread
            // failed. A generation that finished by itself is not cancelled: its job is ending anyway.
            if (!gen.finished() && !job.done().isDone()) {
                job.cancel();
                metrics.cancelled.increment();
            }
        }
    }

    private int[] promptTokens(GenerationRequest req) {
        for (int id : req.logitBias().keySet()) {
            if (id < 0 || id >= model.params().nVocab()) {
                throw ApiException.invalid("logit_bias", "logit_bias names token id " + id + ", outside the vocabulary [0, "
                        + model.params().nVocab() + ")");
            }
        }
        if (req.promptIds() != null) {
            int vocab = model.params().nVocab();
            for (int i = 0; i < req.promptIds().length; i++) {
                int t = req.promptIds()[i];
                if (t < 0 || t >= vocab) {
                    throw ApiException.invalid("prompt", "token id " + t + " at position " + i
                            + " is outside the vocabulary [0, " + vocab + ")");
                }
            }
            return req.promptIds().clone();
        }
        if (req.isChat()) {
            String text;
            try {
                text = template.render(req.messages());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("messages", e.getMessage());
            }
            if (text.isEmpty()) throw ApiException.invalid("messages", "the conversation has no user message");
            return tokenizer.encode(text, tokenizer.defaultEncodeOptions().withParseSpecial());
        }
        int[] ids = tokenizer.encode(req.prompt());
        if (ids.length == 0) throw ApiException.invalid("prompt", "the prompt has no tokens");
        return ids;
    }

    /**
     * Waits for the whole generation and answers with one JSON body. A long wait sends the status
     * and a space now and then (JSON allows leading whitespace): a write that fails means the
     * client went away, and the job is cancelled then, as a stream's is.
     */
    private void respond(Context ctx, String route, GenerationRequest req, Generation gen, DecodeScheduler.Job job)
            throws InterruptedException {
        StringBuilder text = new StringBuilder();
        long nextBeat = System.nanoTime() + HEARTBEAT_AFTER_NANOS;
        OutputStream out = null;
        try {
            while (true) {
                Generation.Event e = gen.poll(1, TimeUnit.SECONDS);
                if (System.nanoTime() - nextBeat >= 0) {
                    if (out == null) {
                        ctx.status(200);
                        ctx.res().setContentType("application/json");
                        out = ctx.res().getOutputStream();
                        metrics.request(route, 200);
                    }
                    out.write(' ');
                    out.flush();
                    nextBeat = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                }
                if (e == null) continue;
                switch (e) {
                    case Generation.Event.Text t -> text.append(t.text());
                    case Generation.Event.Failed f -> {
                        if (out == null) throw failure(f.error());
                        if (!job.isCancelled()) out.write(JSON.writeValueAsBytes(failure(f.error()).body()));
                        return;
                    }
                    case Generation.Event.Done d -> {
                        firstToken(gen);
                        Wire.Usage usage = Wire.Usage.of(gen.promptTokens(), d.completionTokens());
                        long now = System.currentTimeMillis() / 1000;
                        Object body = req.isChat()
                                ? new Wire.ChatCompletion(id("chatcmpl-"), "chat.completion", now, config.modelId(),
                                        List.of(new Wire.ChatChoice(0, new Wire.Message("assistant", text.toString(), null),
                                                d.finish().wire, null)), usage, null)
                                : new Wire.Completion(id("cmpl-"), "text_completion", now, config.modelId(),
                                        List.of(new Wire.TextChoice(text.toString(), 0, null, d.finish().wire)), usage);
                        if (out != null) {
                            out.write(JSON.writeValueAsBytes(body));
                            out.flush();
                        } else {
                            metrics.request(route, 200);
                            json(ctx, 200, body);
                        }
                        return;
                    }
                }
            }
        } catch (IOException gone) {
            // the client went away: run() cancels the job
        }
    }

    /**
     * Streams the generation as server-sent events, as OpenAI does: one chunk per piece of text,
     * a last chunk with the finish reason, a usage chunk when asked, then {@code [DONE]}. A write
     * that fails means the client went away: the job is cancelled at once.
     */
    private void stream(Context ctx, String route, GenerationRequest req, Generation gen, DecodeScheduler.Job job)
            throws InterruptedException {
        String id = id(req.isChat() ? "chatcmpl-" : "cmpl-");
        long now = System.currentTimeMillis() / 1000;
        ctx.status(200);
        ctx.res().setContentType("text/event-stream; charset=utf-8");
        ctx.res().setHeader("Cache-Control", "no-cache");
        ctx.res().setHeader("X-Accel-Buffering", "no");
        metrics.request(route, 200);
        try {
            OutputStream out = ctx.res().getOutputStream();
            if (req.isChat()) event(out, chatChunk(id, now, new Wire.Delta("assistant", ""), null, null));
            long lastWrite = System.nanoTime();
            while (true) {
                Generation.Event e = gen.poll(1, TimeUnit.SECONDS);
                if (e == null) {
                    if (System.nanoTime() - lastWrite > KEEPALIVE_NANOS) {
                        out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        lastWrite = System.nanoTime();
                    }
                    continue;
                }
                lastWrite = System.nanoTime();
                switch (e) {
                    case Generation.Event.Text t -> event(out, req.isChat()
                            ? chatChunk(id, now, new Wire.Delta(null, t.text()), null, null)
                            : textChunk(id, now, t.text(), null, null));
                    case Generation.Event.Failed f -> {
                        if (job.isCancelled()) return;
                        ApiException a = failure(f.error());
                        event(out, a.body());
                        done(out);
                        return;
                    }
                    case Generation.Event.Done d -> {
                        firstToken(gen);
                        event(out, req.isChat()
                                ? chatChunk(id, now, new Wire.Delta(null, null), d.finish().wire, null)
                                : textChunk(id, now, "", d.finish().wire, null));
                        if (req.includeUsage()) {
                            Wire.Usage usage = Wire.Usage.of(gen.promptTokens(), d.completionTokens());
                            event(out, req.isChat()
                                    ? new Wire.ChatCompletionChunk(id, "chat.completion.chunk", now, config.modelId(), List.of(), usage)
                                    : new Wire.Completion(id, "text_completion", now, config.modelId(), List.of(), usage));
                        }
                        done(out);
                        return;
                    }
                }
            }
        } catch (IOException gone) {
            // the client went away: run() cancels the job
        }
    }

    private Wire.ChatCompletionChunk chatChunk(String id, long now, Wire.Delta delta, String finish, Wire.Usage usage) {
        return new Wire.ChatCompletionChunk(id, "chat.completion.chunk", now, config.modelId(),
                List.of(new Wire.ChatChunkChoice(0, delta, finish, null)), usage);
    }

    private Wire.Completion textChunk(String id, long now, String text, String finish, Wire.Usage usage) {
        return new Wire.Completion(id, "text_completion", now, config.modelId(),
                List.of(new Wire.TextChoice(text, 0, null, finish)), usage);
    }

    private static void event(OutputStream out, Object payload) throws IOException {
        out.write(("data: " + JSON.writeValueAsString(payload) + "\n\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private static void done(OutputStream out) throws IOException {
        out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    private void firstToken(Generation g) {
        long t = g.timeToFirstTokenNanos();
        if (t >= 0) metrics.firstToken(t);
    }

    private static ApiException failure(Throwable t) {
        if (t instanceof ApiException a) return a;
        return new ApiException(500, "server_error", null, null, "the generation failed: " + t.getMessage());
    }

    // ---- helpers ---------------------------------------------------------------------------

    /** The body as JSON, read with the size limit: 413 beyond it, 400 when it does not parse. */
    private JsonNode readJson(Context ctx) throws IOException {
        long declared = ctx.req().getContentLengthLong();
        if (declared > config.maxBodyBytes()) throw tooLarge(declared);
        byte[] body;
        try (InputStream in = ctx.req().getInputStream()) {
            body = in.readNBytes(config.maxBodyBytes() + 1);
        }
        if (body.length > config.maxBodyBytes()) throw tooLarge(-1);
        if (body.length == 0) throw ApiException.invalid(null, "the request body is empty; send a JSON object");
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(null, "the request body is not valid JSON: " + e.getOriginalMessage());
        }
    }

    private ApiException tooLarge(long declared) {
        return new ApiException(413, "invalid_request_error", "request_too_large", null,
                "The request body" + (declared > 0 ? " (" + declared + " bytes)" : "") + " is larger than the "
                        + config.maxBodyBytes() + " bytes this server accepts.");
    }

    private static void json(Context ctx, int status, Object body) {
        ctx.status(status);
        ctx.contentType("application/json");
        try {
            ctx.result(JSON.writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String id(String prefix) {
        byte[] b = new byte[12];
        IDS.nextBytes(b);
        return prefix + HexFormat.of().formatHex(b);
    }
}
