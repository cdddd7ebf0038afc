package org.jmamba.quantize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jmamba.Kernels;
import org.jmamba.gguf.GgmlType;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufTensorInfo;
import org.jmamba.gguf.GgufValue;
import org.jmamba.gguf.GgufWriter;

/**
 * Quantizes a mamba2 GGUF file into another, as llama.cpp's quantizer does (see {@link QuantPolicy}
 * for which tensor gets which type). Tensors are streamed one at a time, a bounded chunk of rows at
 * a time, so memory stays flat whatever the model's size; the output appears at its path only
 * when complete.
 */
public final class Quantizer {
    /** Keys the quantizer sets itself, or drops. */
    static final String FILE_TYPE = "general.file_type";
    static final String QUANT_VERSION = "general.quantization_version";
    static final String QUANTIZED_BY = "general.quantized_by";
    static final String TOOL_VERSION = "jmamba.version";
    private static final Set<String> DROPPED = Set.of("split.no", "split.count", "split.tensors.count");

    /** What to do. {@code threads} 0: one per core. */
    public record Options(FileType type, int threads, boolean allowRequantize, boolean pure,
                          List<QuantPolicy.TensorType> overrides) {
        public Options {
            Objects.requireNonNull(type, "type");
            if (threads < 0) throw new IllegalArgumentException("threads must be >= 0, got " + threads);
            overrides = List.copyOf(overrides);
        }

        public static Options of(FileType type) {
            return new Options(type, 0, false, false, List.of());
        }

        public Options withPure(boolean p) { return new Options(type, threads, allowRequantize, p, overrides); }
        public Options withThreads(int t) { return new Options(type, t, allowRequantize, pure, overrides); }
        public Options withAllowRequantize(boolean a) { return new Options(type, threads, a, pure, overrides); }
        public Options withOverrides(List<QuantPolicy.TensorType> o) { return new Options(type, threads, allowRequantize, pure, o); }
    }

    /** The outcome: every tensor, the sizes and the time taken. */
    public record Result(Path input, Path output, FileType type, List<Summary.Tensor> tensors,
                         long fileBytesIn, long fileBytesOut, double seconds) {
        public Result {
            tensors = List.copyOf(tensors);
        }

        public long bytesIn() { return tensors.stream().mapToLong(Summary.Tensor::bytesIn).sum(); }
        public long bytesOut() { return tensors.stream().mapToLong(Summary.Tensor::bytesOut).sum(); }
        public long elements() { return tensors.stream().mapToLong(Summary.Tensor::elements).sum(); }
        public double bpwIn() { return Summary.bpw(bytesIn(), elements()); }
        public double bpwOut() { return Summary.bpw(bytesOut(), elements()); }
        public List<Summary.Tensor> fallbacks() { return tensors.stream().filter(Summary.Tensor::fallback).toList(); }

        public Summary.Tensor tensor(String name) {
            return tensors.stream().filter(t -> t.name().equals(name)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no tensor " + name));
        }

        /** The type of each tensor after quantization, by name. */
        public Map<String, GgmlType> types() {
            Map<String, GgmlType> m = new TreeMap<>();
            for (Summary.Tensor t : tensors) m.put(t.name(), t.to());
            return m;
        }

        /** A few lines for people. */
        public String describe() {
            StringBuilder b = new StringBuilder();
            long converted = tensors.stream().filter(t -> t.from() != t.to()).count();
            b.append(String.format(Locale.ROOT, "quantized %s -> %s as %s (general.file_type %d)%n",
                    input, output, type, type.llamaFtype()));
            Map<GgmlType, Integer> byType = new EnumMap<>(GgmlType.class);
            for (Summary.Tensor t : tensors) byType.merge(t.to(), 1, Integer::sum);
            b.append(String.format(Locale.ROOT, "  tensors: %d, %d converted, %d copied; types: %s%n",
                    tensors.size(), converted, tensors.size() - converted,
                    byType.entrySet().stream().map(e -> e.getKey() + " x" + e.getValue()).collect(Collectors.joining(", "))));
            for (Summary.Tensor t : tensors) {
                if (t.note() != null && !t.note().equals("output matrix") || t.note() != null && t.to() != type.defaultType()) {
                    b.append("    ").append(t).append(System.lineSeparator());
                }
            }
            List<Summary.Tensor> fb = fallbacks();
            if (!fb.isEmpty()) {
                b.append(String.format(Locale.ROOT, "  %d of %d tensors needed a fallback type (rows do not fit the block size)%n",
                        fb.size(), tensors.size()));
            }
            b.append(String.format(Locale.ROOT, "  size: %s (%.2f bpw) -> %s (%.2f bpw); files: %s -> %s%n",
                    Summary.size(bytesIn()), bpwIn(), Summary.size(bytesOut()), bpwOut(),
                    Summary.size(fileBytesIn), Summary.size(fileBytesOut)));
            b.append(String.format(Locale.ROOT, "  time: %.2f s%n", seconds));
            return b.toString();
        }
    }

    private Quantizer() {}

    /** The decisions for every tensor of {@code in}, without writing anything. */
    public static List<Summary.Tensor> plan(GgufFile in, Options options) {
        QuantPolicy policy = new QuantPolicy(options.type(), options.pure(), options.overrides());
        boolean hasOutput = in.tensor("output.weight").isPresent();
        List<Summary.Tensor> plan = new ArrayList<>();
        for (GgufTensorInfo t : in.tensors()) {
            long[] shape = t.shape();
            QuantPolicy.Decision d = policy.decide(t.name(), shape, t.type(), hasOutput);
            long outBytes = t.elementCount() / d.type().blockSize() * d.type().bytesPerBlock();
            plan.add(new Summary.Tensor(t.name(), shape, t.type(), d.type(), t.byteSize(), outBytes, d.note(), d.fallback()));
        }
        return plan;
    }

    /** Quantizes {@code input} into {@code output}. */
    public static Result quantize(Path input, Path output, Options options, Progress progress) throws IOException {
        long t0 = System.nanoTime();
        if (!Files.exists(input)) throw new NoSuchFileException(input.toString(), null, "input model not found");
        if (Files.isDirectory(input)) throw new QuantizeException(input + " is a folder, not a GGUF file");
        if (Files.exists(output) && Files.isSameFile(input, output)) {
            throw new QuantizeException("input and output are the same file: " + output);
        }
        try (GgufFile in = GgufFile.open(input)) {
            String arch = in.architecture();
            if (!"mamba2".equals(arch)) {
                throw new QuantizeException(input + ": architecture '" + arch + "' is not supported; jmamba quantizes mamba2 models");
            }
            List<Summary.Tensor> plan = plan(in, options);
            List<String> requant = new ArrayList<>();
            for (Summary.Tensor t : plan) {
                if (t.from() != t.to() && t.from().isQuantized()) requant.add(t.name() + " (" + t.from() + ")");
            }
            if (!requant.isEmpty() && !options.allowRequantize()) {
                throw new QuantizeException(input + " is already quantized (" + String.join(", ", requant.subList(0, Math.min(3, requant.size())))
                        + (requant.size() > 3 ? " and " + (requant.size() - 3) + " more" : "")
                        + "); requantizing loses quality, pass --allow-requantize to do it anyway");
            }
            long total = plan.stream().mapToLong(Summary.Tensor::bytesIn).sum();
            try (GgufWriter w = GgufWriter.create(output); Kernels kernels = new Kernels(options.threads())) {
                copyMetadata(in, w, options.type());
                List<GgufTensorInfo> infos = in.tensors();
                for (int i = 0; i < infos.size(); i++) {
                    w.addTensor(infos.get(i).name(), plan.get(i).to(), infos.get(i).shape());
                }
                TensorStreamer streamer = new TensorStreamer(kernels);
                progress.start("quantize", infos.size(), total);
                try {
                    long before = 0;
                    for (int i = 0; i < infos.size(); i++) {
                        GgufTensorInfo info = infos.get(i);
                        Summary.Tensor p = plan.get(i);
                        progress.tensor(i, info.name());
                        long base = before;
                        try (var sink = w.beginTensor(info.name())) {
                            if (p.from() == p.to()) {
                                streamer.copy(in.tensorData(info), sink::write, d -> progress.advance(base + d));
                            } else {
                                long perRow = info.dim(0);
                                long rows = perRow == 0 ? 0 : info.elementCount() / perRow;
                                try {
                                    streamer.convert(in.tensorData(info), p.from(), rows, perRow, p.to(), null,
                                            sink::write, d -> progress.advance(base + d));
                                } catch (RuntimeException e) {
                                    throw new QuantizeException("tensor " + info.name() + " (" + p.from() + " -> "
                                            + p.to() + "): " + e.getMessage(), e);
                                }
                            }
                        }
                        before += p.bytesIn();
                    }
                    w.commit();
                } finally {
                    progress.finish();
                }
            }
            return new Result(input, output, options.type(), plan, Files.size(input), Files.size(output),
                    (System.nanoTime() - t0) / 1e9);
        }
    }

    private static void copyMetadata(GgufFile in, GgufWriter w, FileType type) {
        boolean wroteFt = false, wroteQv = false, wroteBy = false, wroteVer = false;
        for (Map.Entry<String, GgufValue> e : in.metadata().entrySet()) {
            String k = e.getKey();
            if (DROPPED.contains(k)) continue;
            switch (k) {
                case FILE_TYPE -> { w.putU32(k, type.llamaFtype()); wroteFt = true; }
                case QUANT_VERSION -> { w.putU32(k, 2); wroteQv = true; }
                case QUANTIZED_BY -> { w.putString(k, Version.tool()); wroteBy = true; }
                case TOOL_VERSION -> { w.putString(k, Version.VERSION); wroteVer = true; }
                default -> w.put(k, e.getValue());
            }
        }
        if (!wroteQv) w.putU32(QUANT_VERSION, 2);
        if (!wroteFt) w.putU32(FILE_TYPE, type.llamaFtype());
        if (!wroteBy) w.putString(QUANTIZED_BY, Version.tool());
        if (!wroteVer) w.putString(TOOL_VERSION, Version.VERSION);
    }
}
