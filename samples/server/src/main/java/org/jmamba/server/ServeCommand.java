package org.jmamba.server;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.jmamba.Model;
import org.jmamba.server.cache.PromptPrefixCache;
import org.jmamba.server.cache.SnapshotPrefixCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jmamba serve}: the OpenAI-compatible server, until interrupted. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Serve a model over HTTP with OpenAI's API (chat/completions, completions, models), "
                + "decoding many requests in one batch.")
public final class ServeCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @Option(names = "--host", paramLabel = "ADDR", description = "address to bind (default: ${DEFAULT-VALUE}, loopback only)")
    String host = "127.0.0.1";

    @Option(names = "--port", paramLabel = "N", description = "port (default: ${DEFAULT-VALUE}; 0: any free one)")
    int port = 8080;

    @Option(names = {"-np", "--parallel"}, paramLabel = "N", description = "sequences decoded at once (default: ${DEFAULT-VALUE})")
    int parallel = 4;

    @Option(names = "--max-queue", paramLabel = "N",
            description = "requests that may wait beyond --parallel; more get 503 (default: ${DEFAULT-VALUE})")
    int maxQueue = 64;

    @Option(names = "--api-key", paramLabel = "KEY",
            description = "require 'Authorization: Bearer KEY' on every route but /health (default: env JMAMBA_API_KEY, else none)")
    String apiKey = System.getenv("JMAMBA_API_KEY");

    @Option(names = "--prompt-cache-bytes", paramLabel = "B",
            description = "memory for states of earlier prompts, reused by requests that start with them (default: ${DEFAULT-VALUE}; 0: off)")
    long promptCacheBytes = 0;

    @Option(names = "--max-prompt-tokens", paramLabel = "N",
            description = "longer prompts are refused with 400 (default: ${DEFAULT-VALUE})")
    int maxPromptTokens = 8192;

    @Option(names = "--max-tokens", paramLabel = "N",
            description = "tokens generated when a request sets no max_tokens (default: ${DEFAULT-VALUE})")
    int defaultMaxTokens = 512;

    @Option(names = "--max-body-bytes", paramLabel = "B", description = "larger request bodies get 413 (default: ${DEFAULT-VALUE})")
    int maxBodyBytes = 1 << 20;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "worker threads (default: one per core)")
    int threads = 0;

    @Option(names = "--alias", paramLabel = "NAME", description = "the model's name in the API (default: the file name without .gguf)")
    String alias;

    @Override
    public Integer call() throws Exception {
        String id = alias != null ? alias : modelId(model);
        var config = new OpenAiServer.Config(host, port, parallel, maxQueue, apiKey, maxPromptTokens, maxBodyBytes,
                defaultMaxTokens, id);
        PromptPrefixCache cache = promptCacheBytes > 0 ? new SnapshotPrefixCache(promptCacheBytes) : PromptPrefixCache.NONE;
        try (Model m = Model.load(model, Model.Options.defaults().withThreads(threads));
             OpenAiServer server = OpenAiServer.start(m, config, cache)) {
            CountDownLatch stop = new CountDownLatch(1);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                server.close();
                stop.countDown();
            }));
            System.out.println(banner(server, id));
            if (!java.net.InetAddress.getByName(host).isLoopbackAddress() && apiKey == null) {
                System.err.println("jmamba serve: warning: listening on " + host + " without --api-key: anyone who can reach it may use it");
            }
            System.out.flush();
            stop.await();
        }
        return 0;
    }

    static String modelId(Path file) {
        String n = file.getFileName().toString();
        return n.endsWith(".gguf") ? n.substring(0, n.length() - 5) : n;
    }

    private String banner(OpenAiServer s, String id) {
        String auth = apiKey != null ? " -H \"Authorization: Bearer $JMAMBA_API_KEY\"" : "";
        return "jmamba serve: " + id + " on " + s.url() + "/v1 (" + parallel + " sequences at once"
                + (apiKey != null ? ", API key required" : "") + ")\n"
                + "try:\n  curl " + s.url() + "/v1/chat/completions -H 'Content-Type: application/json'" + auth
                + " -d '{\"model\": \"" + id + "\", \"messages\": [{\"role\": \"user\", \"content\": \"Write hello world in C\"}]}'";
    }
}
