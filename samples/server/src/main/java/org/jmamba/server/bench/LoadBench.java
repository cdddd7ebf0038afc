package org.jmamba.server.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.jmamba.DecodeScheduler;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.server.OpenAiServer;
import org.jmamba.server.cache.PromptPrefixCache;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A load generator for the server: for each concurrency level it starts the server in this
 * process on a loopback port with --parallel equal to the level, sends that many streamed
 * completion requests at once over HTTP, and reports the aggregate decode rate and the time to
 * first token. A benchmark, not a test: figures vary with the machine and its load.
 */
@Command(name = "serve-bench", mixinStandardHelpOptions = true,
        description = "Aggregate decode tokens/s and time to first token of jmamba serve at several concurrency levels.")
public final class LoadBench implements Callable<Integer> {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @Option(names = "--parallel", split = ",", paramLabel = "N,...", description = "concurrency levels (default: 1,2,4,8,16)")
    int[] levels = {1, 2, 4, 8, 16};

    @Option(names = {"-n", "--tokens"}, paramLabel = "N", description = "tokens generated per request (default: ${DEFAULT-VALUE})")
    int tokens = 64;

    @Option(names = {"-p", "--prompt-tokens"}, paramLabel = "N", description = "prompt tokens per request (default: ${DEFAULT-VALUE})")
    int promptTokens = 32;

    @Option(names = "--direct", description = "drive the DecodeScheduler in-process, without HTTP (the native batched step and the scheduler alone)")
    boolean direct;

    @Option(names = {"-t", "--threads"}, paramLabel = "N", description = "worker threads (default: one per core)")
    int threads = 0;

    // figures: tokens after each request's first, over the time from the last first token to the last end

    /** One request's timings, in nanoseconds from the common start. */
    private record Result(long firstToken, long end, int completionTokens) {}

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadBench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        try (Model m = Model.load(model, Model.Options.defaults().withThreads(threads))) {
            System.out.printf(Locale.ROOT, "%s: %d layers, d_model %d, %.0f MiB file, state %.2f MiB per sequence%n",
                    model.getFileName(), m.params().nLayer(), m.params().dModel(), Files.size(model) / 1048576.0,
                    m.stateBytes() / 1048576.0);
            System.out.println("| sequences | aggregate decode tok/s | per sequence tok/s | vs first row | TTFT median ms | TTFT max ms | peak RSS MiB | tok per CPU-s | CPU-s vs first row |");
            System.out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            double base = 0, cpuBase = 0;
            for (int level : levels) {
                double[] r = direct ? direct(m, level) : level(m, level);
                if (base == 0) base = r[0]; // the speed-ups are against the first level
                if (cpuBase == 0) cpuBase = r[3];
                System.out.printf(Locale.ROOT, "| %d | %.1f | %.1f | %.2fx | %.0f | %.0f | %.0f | %.1f | %.2fx |%n", level, r[0],
                        r[0] / level, r[0] / base, r[1], r[2], peakRss, r[3], r[3] / cpuBase);
                peakRss = 0;
            }
        }
        return 0;
    }

    /** The same figures with jobs submitted straight to a DecodeScheduler; RSS is sampled while they run. */
    private double[] direct(Model m, int n) throws Exception {
        try (DecodeScheduler sched = DecodeScheduler.start(m, DecodeScheduler.Options.of(n))) {
            List<Session> sessions = new ArrayList<>();
            try {
                for (int i = 0; i <= n; i++) sessions.add(m.newSession());
                run(sched, List.of(sessions.get(n)), 1, System.nanoTime()); // warm up
                long start = System.nanoTime(), cpu0 = cpuNanos();
                List<Result> rs = run(sched, sessions.subList(0, n), n, start);
                return withCpu(figures(rs), rs, cpuNanos() - cpu0);
            } finally {
                for (Session s : sessions) s.close();
            }
        }
    }

    private List<Result> run(DecodeScheduler sched, List<Session> sessions, int n, long start) throws Exception {
        List<DecodeScheduler.Job> jobs = new ArrayList<>();
        long[] first = new long[n];
        for (int k = 0; k < n; k++) {
            int[] prompt = prompt(k + 1);
            int idx = k;
            int[] count = {0};
            jobs.add(sched.submit(sessions.get(k), prompt, logits -> {
                if (count[0]++ == 0) first[idx] = System.nanoTime() - start;
                if (count[0] >= tokens) return DecodeScheduler.STOP;
                return 3 + count[0] % 300; // a fixed token stream: sampling is not what is measured
            }));
        }
        List<Result> rs = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            jobs.get(k).done().get();
            rs.add(new Result(first[k], System.nanoTime() - start, tokens));
        }
        peakRss = Math.max(peakRss, rssMiB());
        return rs;
    }

    private volatile double peakRss;

    private static double[] figures(List<Result> rs) {
        long lastFirst = rs.stream().mapToLong(Result::firstToken).max().orElseThrow();
        long lastEnd = rs.stream().mapToLong(Result::end).max().orElseThrow();
        long decoded = rs.stream().mapToLong(r -> r.completionTokens() - 1).sum();
        long[] ttft = rs.stream().mapToLong(Result::firstToken).sorted().toArray();
        return new double[] {decoded / ((lastEnd - lastFirst) / 1e9), ttft[ttft.length / 2] / 1e6, ttft[ttft.length - 1] / 1e6};
    }

    /**
     * Adds tokens generated per CPU-second of this process over the whole run (prompts included):
     * on a machine shared with other work, a steadier figure than wall-clock rates.
     */
    private static double[] withCpu(double[] f, List<Result> rs, long cpu) {
        long generated = rs.stream().mapToLong(Result::completionTokens).sum();
        return new double[] {f[0], f[1], f[2], generated / (cpu / 1e9)};
    }

    private static long cpuNanos() {
        var os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean s ? s.getProcessCpuTime() : 0;
    }

    private int[] prompt(int k) {
        int[] prompt = new int[promptTokens];
        for (int i = 0; i < prompt.length; i++) prompt[i] = 3 + (i * 31 + k * 17) % 300;
        return prompt;
    }

    /** {aggregate decode tok/s, median TTFT ms, max TTFT ms, tokens per CPU-second} at this concurrency. */
    private double[] level(Model m, int n) throws Exception {
        var cfg = new OpenAiServer.Config("127.0.0.1", 0, n, n, null, 1 << 20, 1 << 22, tokens, "bench");
        try (OpenAiServer server = OpenAiServer.start(m, cfg, PromptPrefixCache.NONE)) {
            HttpClient http = HttpClient.newHttpClient();
            request(http, server, 0, System.nanoTime()); // warm up
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                long start = System.nanoTime(), cpu0 = cpuNanos();
                List<Future<Result>> fs = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    int k = i + 1;
                    fs.add(pool.submit(() -> request(http, server, k, start)));
                }
                List<Result> rs = new ArrayList<>();
                for (Future<Result> f : fs) rs.add(f.get());
                return withCpu(figures(rs), rs, cpuNanos() - cpu0);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /** One streamed completion: a distinct prompt of promptTokens ids, EOS banned so it runs to max_tokens. */
    private Result request(HttpClient http, OpenAiServer server, int k, long start) throws Exception {
        int[] prompt = prompt(k);
        String body = "{\"model\":\"bench\",\"stream\":true,\"max_tokens\":" + tokens + ",\"temperature\":0,"
                + "\"stream_options\":{\"include_usage\":true},\"logit_bias\":{\"2\":-100},\"prompt\":"
                + Arrays.toString(prompt) + "}";
        HttpRequest req = HttpRequest.newBuilder(URI.create(server.url() + "/v1/completions"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<java.io.InputStream> res = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        if (res.statusCode() != 200) throw new IllegalStateException("HTTP " + res.statusCode());
        long first = -1;
        int completion = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(res.body(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                peakRss = Math.max(peakRss, rssMiB());
                if (!line.startsWith("data: ") || line.equals("data: [DONE]")) continue;
                JsonNode j = JSON.readTree(line.substring(6));
                if (first < 0 && j.path("choices").size() > 0) first = System.nanoTime() - start;
                if (j.hasNonNull("usage")) completion = j.get("usage").get("completion_tokens").asInt();
            }
        }
        return new Result(first, System.nanoTime() - start, completion);
    }

    private static double rssMiB() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) return Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024.0;
            }
        } catch (java.io.IOException | NumberFormatException e) {
            // not Linux: no figure
        }
        return Double.NaN;
    }
}
