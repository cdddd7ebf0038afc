package org.jmamba.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.jmamba.CpuFeature;
import org.jmamba.Kernels;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.gguf.GgufTensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Prompt processing (pp) and generation (tg) speed in tokens/s, as llama-bench measures them.")
final class BenchCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @Option(names = {"-p", "--n-prompt"}, paramLabel = "N", description = "prompt tokens for pp; 0 skips it (default: ${DEFAULT-VALUE})")
    int nPrompt = 512;

    @Option(names = {"-n", "--n-gen"}, paramLabel = "N", description = "tokens for tg; 0 skips it (default: ${DEFAULT-VALUE})")
    int nGen = 128;

    @Option(names = {"-r", "--repetitions"}, paramLabel = "REPS", description = "timed runs per test, after one warm-up (default: ${DEFAULT-VALUE})")
    int reps = 5;

    @Option(names = "--json", description = "one JSON object per test on stdout")
    boolean json;

    @Option(names = "--roofline", description = "also measure read bandwidth and report tg as a fraction of bandwidth / bytes per token")
    boolean roofline;

    @Mixin
    Threads threads;

    @Option(names = "--context", paramLabel = "N",
            description = "instead of pp/tg: prefill N random tokens (e.g. 262144) and report tokens/s and resident memory per --segment")
    int context;

    @Option(names = "--segment", paramLabel = "N", description = "tokens per segment of --context (default: ${DEFAULT-VALUE})")
    int segment = 16384;

    @Option(names = "--editor", paramLabel = "N",
            description = "instead of pp/tg: an N-token file edited --edit-from-end tokens before its end; time to new logits with evalSequence vs cold")
    int editor;

    @Option(names = "--edit-from-end", paramLabel = "N", description = "where --editor edits (default: ${DEFAULT-VALUE})")
    int editFromEnd = 100;

    @Option(names = "--checkpoint-spacing", paramLabel = "N", description = "checkpoint spacing of --editor (default: ${DEFAULT-VALUE})")
    int checkpointSpacing = 256;

    @Option(names = "--cpu-features", split = ",", paramLabel = "LIST",
            description = "let the kernels use only these CPU features, e.g. avx2,fma,f16c to time the AVX2 kernels"
                    + " on an AVX-512 machine, or none for the scalar ones (default: all the CPU has; known: ${COMPLETION-CANDIDATES})",
            converter = CpuFeatureConverter.class, completionCandidates = CpuFeatureNames.class)
    List<CpuFeature> cpuFeatures;

    /** "none" allows nothing (the scalar kernels); anything else names a {@link CpuFeature}. */
    static final class CpuFeatureConverter implements picocli.CommandLine.ITypeConverter<CpuFeature> {
        @Override
        public CpuFeature convert(String s) {
            return s.strip().equalsIgnoreCase("none") ? null : CpuFeature.of(s);
        }
    }

    static final class CpuFeatureNames extends ArrayList<String> {
        CpuFeatureNames() {
            for (CpuFeature f : CpuFeature.values()) add(f.id());
            add("none");
        }
    }

    private Model.Options options() {
        Model.Options o = threads.options();
        if (cpuFeatures == null) return o;
        java.util.Set<CpuFeature> allowed = java.util.EnumSet.noneOf(CpuFeature.class);
        for (CpuFeature f : cpuFeatures) if (f != null) allowed.add(f);
        return o.withCpuFeatures(allowed);
    }

    record Result(String test, int nPrompt, int nGen, double avg, double std, double[] samples) {}

    @Override
    public Integer call() throws IOException {
        if (nPrompt < 0 || nGen < 0) throw new IllegalArgumentException("-p and -n must be >= 0");
        if (reps < 1) throw new IllegalArgumentException("-r must be >= 1");
        if (context > 0 || editor > 0) {
            if (segment < 1 || checkpointSpacing < 1) throw new IllegalArgumentException("--segment and --checkpoint-spacing must be >= 1");
            try (Model m = Model.load(model, options())) {
                if (context > 0) StateBench.longContext(m, context, segment, System.out);
                if (editor > 0) StateBench.editor(m, editor, editFromEnd, checkpointSpacing, reps, System.out);
            }
            return 0;
        }
        List<Result> results = new ArrayList<>();
        try (Model m = Model.load(model, options()); Session s = m.newSession()) {
            int vocab = m.params().nVocab();
            int nThreads = threads.threads > 0 ? threads.threads : Runtime.getRuntime().availableProcessors();
            SplittableRandom rnd = new SplittableRandom(1);
            if (nPrompt > 0) {
                int[] prompt = rnd.ints(nPrompt, 0, vocab).toArray();
                results.add(measure("pp" + nPrompt, nPrompt, 0, () -> {
                    s.reset();
                    long t0 = System.nanoTime();
                    s.feed(prompt);
                    return nPrompt / ((System.nanoTime() - t0) / 1e9);
                }));
            }
            if (nGen > 0) {
                int[] tokens = rnd.ints(nGen, 0, vocab).toArray();
                results.add(measure("tg" + nGen, 0, nGen, () -> {
                    s.reset();
                    long t0 = System.nanoTime();
                    for (int t : tokens) s.eval(t);
                    return nGen / ((System.nanoTime() - t0) / 1e9);
                }));
            }
            String type = dominantType(m);
            double bytesPerToken = bytesPerToken(m);
            Double bandwidth = null;
            if (roofline) {
                try (Kernels k = new Kernels(threads.threads)) {
                    bandwidth = k.readBandwidth(1L << 30, 5);
                }
            }
            print(m, type, nThreads, results, bandwidth, bytesPerToken);
        }
        return 0;
    }

    private Result measure(String test, int np, int ng, java.util.function.DoubleSupplier run) {
        run.getAsDouble(); // warm-up
        double[] samples = new double[reps];
        for (int i = 0; i < reps; i++) samples[i] = run.getAsDouble();
        double avg = 0;
        for (double v : samples) avg += v / reps;
        double var = 0;
        for (double v : samples) var += (v - avg) * (v - avg);
        double std = reps > 1 ? Math.sqrt(var / (reps - 1)) : 0;
        return new Result(test, np, ng, avg, std, samples);
    }

    /** Weights read per generated token (every matrix once, one embedding row) plus the state read and written. */
    static double bytesPerToken(Model m) {
        double total = 0;
        boolean tied = m.params().tiedOutput();
        for (GgufTensorInfo t : m.gguf().tensors()) {
            if (t.name().equals("token_embd.weight") && !tied) total += t.byteSize() / (double) t.dim(1);
            else total += t.byteSize();
        }
        return total + 2.0 * m.stateBytes();
    }

    private static String dominantType(Model m) {
        java.util.Map<String, Long> bytes = new java.util.HashMap<>();
        for (GgufTensorInfo t : m.gguf().tensors()) bytes.merge(t.type().name(), t.byteSize(), Long::sum);
        return bytes.entrySet().stream().max(java.util.Map.Entry.comparingByValue()).map(java.util.Map.Entry::getKey).orElse("?");
    }

    private void print(Model m, String type, int nThreads, List<Result> results, Double bandwidth, double bytesPerToken)
            throws IOException {
        String name = model.getFileName().toString();
        double sizeGiB = m.gguf().fileSize() / (double) (1L << 30);
        if (json) {
            ObjectMapper mapper = new ObjectMapper();
            for (Result r : results) {
                ObjectNode o = mapper.createObjectNode();
                o.put("model_filename", name);
                o.put("model_type", type);
                o.put("model_size", m.gguf().fileSize());
                o.put("n_layer", m.params().nLayer());
                o.put("test", r.test());
                o.put("n_prompt", r.nPrompt());
                o.put("n_gen", r.nGen());
                o.put("threads", nThreads);
                o.put("avg_ts", r.avg());
                o.put("stddev_ts", r.std());
                var arr = o.putArray("samples_ts");
                for (double v : r.samples()) arr.add(v);
                if (bandwidth != null && r.nGen() > 0) {
                    o.put("bandwidth_gbs", bandwidth);
                    o.put("bytes_per_token", bytesPerToken);
                    o.put("roofline_ts", bandwidth * 1e9 / bytesPerToken);
                    o.put("roofline_fraction", r.avg() / (bandwidth * 1e9 / bytesPerToken));
                }
                System.out.println(mapper.writeValueAsString(o));
            }
            return;
        }
        System.out.printf("| %-32s | %10s | %6s | %7s | %10s | %20s |%n", "model", "size", "type", "threads", "test", "t/s");
        System.out.printf("| %s | %s | %s | %s | %s | %s |%n", "-".repeat(32), "-".repeat(10), "-".repeat(6), "-".repeat(7),
                "-".repeat(10), "-".repeat(20));
        for (Result r : results) {
            System.out.printf("| %-32s | %6.2f GiB | %6s | %7d | %10s | %20s |%n", truncate(name, 32), sizeGiB, type,
                    nThreads, r.test(), String.format("%.2f ± %.2f", r.avg(), r.std()));
        }
        if (bandwidth != null) {
            double roof = bandwidth * 1e9 / bytesPerToken;
            System.out.printf("%nroofline: read bandwidth %.1f GB/s, %.1f MB per generated token (weights + state in and out)"
                    + " -> at most %.1f t/s%n", bandwidth, bytesPerToken / 1e6, roof);
            for (Result r : results) {
                if (r.nGen() > 0) System.out.printf("%s reaches %.0f%% of the roofline%n", r.test(), 100 * r.avg() / roof);
            }
        }
    }

    private static String truncate(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 3) + "...";
    }
}
