package org.jmamba.quantize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jmamba.Kernels;
import org.jmamba.Mamba2Params;
import org.jmamba.gguf.GgmlType;
import org.jmamba.gguf.GgufWriter;

/**
 * Converts a Mamba-2 checkpoint folder to a mamba2 GGUF file as llama.cpp's converter does:
 * Mistral's format ({@code params.json}, {@code consolidated.safetensors}, {@code tokenizer.model.v3}
 * or {@code tokenizer.model}) or Hugging Face's ({@code config.json}, {@code model.safetensors} or
 * shards listed in {@code model.safetensors.index.json}, {@code tokenizer.model} or
 * {@code tokenizer.json}). Tensors are read through memory maps and written one at a time, a
 * bounded chunk of rows at a time, so memory stays flat whatever the model's size.
 *
 * <p>Mapping (mamba_ssm / Hugging Face names, with or without a leading {@code model.}):
 * embedding(s) to token_embd, norm_f to output_norm, lm_head to output, and per layer norm to
 * attn_norm, mixer.in_proj to ssm_in, mixer.conv1d (conv_dim, 1, K) to ssm_conv1d [K, conv_dim],
 * mixer.dt_bias to ssm_dt.bias, mixer.A_log to ssm_a = -exp(A_log) [1, H], mixer.D to ssm_d [1, H],
 * mixer.norm to ssm_norm [d_inner/G, G], mixer.out_proj to ssm_out. The output type applies to the
 * four kinds of matrices (embedding, output, in and out projections); everything else is F32.
 */
public final class Converter {

    /** The output types of a conversion, with llama.cpp's file-type numbers. */
    public enum OutType {
        F32(GgmlType.F32, 0), F16(GgmlType.F16, 1), BF16(GgmlType.BF16, 32), Q8_0(GgmlType.Q8_0, 7);

        final GgmlType type;
        final int ftype;

        OutType(GgmlType type, int ftype) {
            this.type = type;
            this.ftype = ftype;
        }

        public static OutType parse(String s) {
            for (OutType t : values()) if (t.name().equalsIgnoreCase(s)) return t;
            throw new IllegalArgumentException("unknown output type '" + s + "': f32, f16, bf16 or q8_0");
        }
    }

    public enum Format { MISTRAL, HUGGING_FACE }

    /** What was converted. */
    public record Result(Path input, Path output, Format format, Mamba2Config config, int nVocab, Vocab vocab,
                         OutType outType, List<Summary.Tensor> tensors, long bytesIn, long fileBytesOut, double seconds) {
        public String describe() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(Locale.ROOT, "converted %s (%s format) -> %s as %s%n", input,
                    format == Format.MISTRAL ? "Mistral" : "Hugging Face", output, outType.name().toLowerCase(Locale.ROOT)));
            b.append("  hyper-parameters (").append(config.source()).append("): ").append(config.describe())
                    .append(", vocabulary ").append(nVocab).append(System.lineSeparator());
            b.append(String.format(Locale.ROOT, "  tokenizer (%s): %s, %d tokens%s, bos %d, eos %d, unk %d%n", vocab.source(),
                    vocab.model().equals("llama") ? "SentencePiece" : "byte-level BPE", vocab.size() - vocab.padded(),
                    vocab.padded() > 0 ? " padded with " + vocab.padded() + " to " + vocab.size() : "", vocab.bos(), vocab.eos(), vocab.unk()));
            long out = tensors.stream().mapToLong(Summary.Tensor::bytesOut).sum();
            long elements = tensors.stream().mapToLong(Summary.Tensor::elements).sum();
            b.append(String.format(Locale.ROOT, "  tensors: %d, %s of weights read -> %s written (%.2f bpw), file %s%n",
                    tensors.size(), Summary.size(bytesIn), Summary.size(out), Summary.bpw(out, elements), Summary.size(fileBytesOut)));
            b.append(String.format(Locale.ROOT, "  time: %.2f s%n", seconds));
            return b.toString();
        }
    }

    /** A tensor of the checkpoint: where it is. */
    private record Source(Safetensors file, Safetensors.Entry entry) {}

    /** One output tensor: GGUF name, source, ggml shape, type, transform. */
    private record Plan(String name, Source src, long[] shape, GgmlType type, boolean negExp) {}

    private static final Pattern LAYER = Pattern.compile("backbone\\.layers\\.(\\d+)\\.(.+)");
    private static final Map<String, String> LAYER_NAMES = Map.of(
            "norm.weight", "attn_norm.weight",
            "mixer.in_proj.weight", "ssm_in.weight",
            "mixer.conv1d.weight", "ssm_conv1d.weight",
            "mixer.conv1d.bias", "ssm_conv1d.bias",
            "mixer.dt_bias", "ssm_dt.bias",
            "mixer.A_log", "ssm_a",
            "mixer.D", "ssm_d",
            "mixer.norm.weight", "ssm_norm.weight",
            "mixer.out_proj.weight", "ssm_out.weight");

    private Converter() {}

    /** Converts the checkpoint in {@code dir} to {@code output}; {@code threads} 0: one per core. */
    public static Result convert(Path dir, Path output, OutType outType, int threads, Progress progress) throws IOException {
        long t0 = System.nanoTime();
        Objects.requireNonNull(outType, "outType");
        if (!Files.exists(dir)) throw new NoSuchFileException(dir.toString(), null, "checkpoint folder not found");
        if (!Files.isDirectory(dir)) throw new QuantizeException(dir + " is not a folder");
        Format format;
        Mamba2Config cfg;
        List<Path> weightFiles = new ArrayList<>();
        Map<String, String> index = null;
        if (Files.isRegularFile(dir.resolve("params.json")) && Files.isRegularFile(dir.resolve("consolidated.safetensors"))) {
            format = Format.MISTRAL;
            cfg = Mamba2Config.fromMistralParams(dir.resolve("params.json"));
            weightFiles.add(dir.resolve("consolidated.safetensors"));
        } else if (Files.isRegularFile(dir.resolve("config.json"))) {
            format = Format.HUGGING_FACE;
            cfg = Mamba2Config.fromHfConfig(dir.resolve("config.json"));
            if (Files.isRegularFile(dir.resolve("model.safetensors"))) {
                weightFiles.add(dir.resolve("model.safetensors"));
            } else if (Files.isRegularFile(dir.resolve("model.safetensors.index.json"))) {
                index = readIndex(dir.resolve("model.safetensors.index.json"));
                for (String f : new TreeSet<>(index.values())) {
                    Path p = dir.resolve(f).normalize();
                    if (!p.startsWith(dir.normalize())) throw new QuantizeException("shard '" + f + "' lies outside " + dir);
                    if (!Files.isRegularFile(p)) throw new QuantizeException(dir + ": shard " + f + " listed in model.safetensors.index.json is missing");
                    weightFiles.add(p);
                }
            } else {
                throw new QuantizeException(dir + ": config.json is there but no model.safetensors nor model.safetensors.index.json");
            }
        } else {
            throw new QuantizeException(dir + " holds neither a Mistral checkpoint (params.json and consolidated.safetensors)"
                    + " nor a Hugging Face one (config.json and model.safetensors or model.safetensors.index.json)");
        }
        Path tokenizerFile = tokenizerFile(dir, format);

        List<Safetensors> opened = new ArrayList<>();
        try {
            Map<String, Source> sources = new TreeMap<>();
            for (Path p : weightFiles) {
                Safetensors st = Safetensors.open(p);
                opened.add(st);
                for (Safetensors.Entry e : st.entries().values()) {
                    if (index != null && !p.getFileName().toString().equals(index.get(e.name()))) {
                        if (!index.containsKey(e.name())) continue; // not listed: llama.cpp ignores it too
                    }
                    Source prev = sources.put(e.name(), new Source(st, e));
                    if (prev != null) throw new QuantizeException("tensor '" + e.name() + "' is in both " + prev.file().path() + " and " + p);
                }
            }
            if (index != null) {
                List<String> lost = index.keySet().stream().filter(k -> !sources.containsKey(k)).sorted().toList();
                if (!lost.isEmpty()) throw new QuantizeException("tensors listed in model.safetensors.index.json are missing from their shards: " + lost);
            }
            List<Plan> plans = plan(cfg, sources, outType);
            int nVocab = (int) plans.get(0).shape()[1];
            if (cfg.vocabSize() > nVocab) {
                throw new QuantizeException(cfg.source() + " says vocab_size " + cfg.vocabSize() + " but the embedding has "
                        + nVocab + " rows");
            }
            Vocab vocab = (tokenizerFile.getFileName().toString().equals("tokenizer.json")
                    ? Vocab.fromTokenizerJson(tokenizerFile) : Vocab.fromSentencePiece(tokenizerFile)).padTo(nVocab);
            long total = plans.stream().mapToLong(p -> p.src().entry().end() - p.src().entry().begin()).sum();
            List<Summary.Tensor> done = new ArrayList<>();
            try (GgufWriter w = GgufWriter.create(output); Kernels kernels = new Kernels(threads)) {
                metadata(w, dir, cfg, nVocab, outType);
                vocab.write(w);
                for (Plan p : plans) w.addTensor(p.name(), p.type(), p.shape());
                TensorStreamer streamer = new TensorStreamer(kernels);
                progress.start("convert", plans.size(), total);
                try {
                    long before = 0;
                    for (int i = 0; i < plans.size(); i++) {
                        Plan p = plans.get(i);
                        progress.tensor(i, p.name());
                        Safetensors.Entry e = p.src().entry();
                        GgmlType from = GgmlType.valueOf(e.dtype());
                        long perRow = p.shape()[0];
                        long rows = perRow == 0 ? 0 : e.elements() / perRow;
                        long base = before;
                        try (var sink = w.beginTensor(p.name())) {
                            if (from == p.type() && !p.negExp()) {
                                streamer.copy(p.src().file().data(e), sink::write, d -> progress.advance(base + d));
                            } else {
                                streamer.convert(p.src().file().data(e), from, rows, perRow, p.type(),
                                        p.negExp() ? x -> (float) -Math.exp(x) : null, sink::write, d -> progress.advance(base + d));
                            }
                        }
                        before += e.end() - e.begin();
                        done.add(new Summary.Tensor(p.name(), p.shape(), from, p.type(), e.end() - e.begin(),
                                p.type().rowBytes(perRow) * rows, e.name(), false));
                    }
                    w.commit();
                } finally {
                    progress.finish();
                }
            }
            return new Result(dir, output, format, cfg, nVocab, vocab, outType, done, total, Files.size(output),
                    (System.nanoTime() - t0) / 1e9);
        } finally {
            for (Safetensors s : opened) s.close();
        }
    }

    private static Path tokenizerFile(Path dir, Format format) {
        List<String> names = format == Format.MISTRAL
                ? List.of("tokenizer.model.v3", "tokenizer.model")
                : List.of("tokenizer.model", "tokenizer.json");
        for (String n : names) {
            if (Files.isRegularFile(dir.resolve(n))) return dir.resolve(n);
        }
        throw new QuantizeException(dir + ": no tokenizer found (looked for " + String.join(", ", names) + ")");
    }

    private static Map<String, String> readIndex(Path file) throws IOException {
        JsonNode j;
        try {
            j = new ObjectMapper().readTree(file.toFile());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new QuantizeException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
        JsonNode wm = j == null ? null : j.get("weight_map");
        if (wm == null || !wm.isObject()) throw new QuantizeException(file + ": no weight_map");
        Map<String, String> m = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = wm.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            m.put(e.getKey(), e.getValue().asText());
        }
        return m;
    }

    /** Maps, checks and orders the tensors; every problem found is listed in one message. */
    private static List<Plan> plan(Mamba2Config c, Map<String, Source> sources, OutType outType) {
        Map<String, Source> byGguf = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (Map.Entry<String, Source> e : sources.entrySet()) {
            String name = e.getKey().startsWith("model.") ? e.getKey().substring(6) : e.getKey();
            String g = ggufName(name, c.nLayer());
            if (g == null) {
                unknown.add(e.getKey());
            } else if (byGguf.put(g, e.getValue()) != null) {
                throw new QuantizeException("two checkpoint tensors map to " + g + " (e.g. '" + e.getKey() + "')");
            }
        }
        // expected tensors and their shapes in the checkpoint (row-major, outermost first)
        Map<String, long[][]> want = new LinkedHashMap<>();
        Source embd = byGguf.get("token_embd.weight");
        long nVocab = embd != null && embd.entry().shape().length == 2 ? embd.entry().shape()[0] : -1;
        want.put("token_embd.weight", new long[][] {{nVocab, c.dModel()}});
        for (int i = 0; i < c.nLayer(); i++) {
            String b = "blk." + i + ".";
            want.put(b + "attn_norm.weight", new long[][] {{c.dModel()}});
            want.put(b + "ssm_in.weight", new long[][] {{c.dInProj(), c.dModel()}});
            want.put(b + "ssm_conv1d.weight", new long[][] {{c.convDim(), 1, c.dConv()}, {c.convDim(), c.dConv()}});
            want.put(b + "ssm_conv1d.bias", new long[][] {{c.convDim()}});
            want.put(b + "ssm_dt.bias", new long[][] {{c.nHead()}});
            want.put(b + "ssm_a", new long[][] {{c.nHead()}});
            want.put(b + "ssm_d", new long[][] {{c.nHead()}});
            want.put(b + "ssm_norm.weight", new long[][] {{c.dInner()}});
            want.put(b + "ssm_out.weight", new long[][] {{c.dModel(), c.dInner()}});
        }
        want.put("output_norm.weight", new long[][] {{c.dModel()}});
        boolean hasOutput = byGguf.containsKey("output.weight");
        if (hasOutput || !c.tied()) want.put("output.weight", new long[][] {{nVocab, c.dModel()}});

        List<String> missing = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, long[][]> e : want.entrySet()) {
            Source s = byGguf.get(e.getKey());
            if (s == null) {
                missing.add(sourceName(e.getKey()));
                continue;
            }
            long[] shape = s.entry().shape();
            if (Arrays.stream(e.getValue()).noneMatch(w -> Arrays.equals(w, shape)) || (e.getKey().equals("token_embd.weight") && nVocab <= 0)) {
                problems.add(s.entry().name() + " has shape " + s.entry().shapeText() + ", the config (" + c.source()
                        + ") makes it " + text(e.getValue()[0]));
            }
            String dt = s.entry().dtype();
            if (!dt.equals("F32") && !dt.equals("F16") && !dt.equals("BF16")) {
                problems.add(s.entry().name() + " has dtype " + dt + "; only F32, F16 and BF16 weights are supported");
            }
        }
        StringBuilder msg = new StringBuilder();
        if (!missing.isEmpty()) msg.append("missing tensors: ").append(String.join(", ", missing)).append(". ");
        if (!unknown.isEmpty()) msg.append("unknown tensors: ").append(String.join(", ", unknown)).append(". ");
        if (!problems.isEmpty()) msg.append(String.join("; ", problems)).append(".");
        if (!msg.isEmpty()) throw new QuantizeException("the checkpoint does not match a Mamba-2 model of " + c.describe() + ": " + msg.toString().strip());

        List<Plan> plans = new ArrayList<>();
        for (String name : want.keySet()) {
            Source s = byGguf.get(name);
            long[] src = s.entry().shape();
            long[] shape;
            if (name.endsWith("ssm_conv1d.weight")) shape = new long[] {c.dConv(), c.convDim()};
            else if (name.endsWith("ssm_a") || name.endsWith("ssm_d")) shape = new long[] {1, c.nHead()};
            else if (name.endsWith("ssm_norm.weight")) shape = new long[] {c.dInner() / c.nGroup(), c.nGroup()};
            else if (src.length == 2) shape = new long[] {src[1], src[0]};
            else shape = new long[] {src[0]};
            boolean matrix = name.equals("token_embd.weight") || name.equals("output.weight")
                    || name.endsWith("ssm_in.weight") || name.endsWith("ssm_out.weight");
            GgmlType type = matrix ? outType.type : GgmlType.F32;
            if (shape[0] % type.blockSize() != 0) type = GgmlType.F16; // as llama.cpp's converter falls back
            plans.add(new Plan(name, s, shape, type, name.endsWith("ssm_a")));
        }
        return plans;
    }

    private static String text(long[] shape) {
        return new Safetensors.Entry("", "", shape, 0, 0).shapeText();
    }

    /** The GGUF name of a checkpoint tensor (without "model."), or null when it is not one of a Mamba-2 model. */
    static String ggufName(String name, int nLayer) {
        switch (name) {
            case "backbone.embedding.weight", "backbone.embeddings.weight": return "token_embd.weight";
            case "backbone.norm_f.weight": return "output_norm.weight";
            case "lm_head.weight": return "output.weight";
            default:
        }
        Matcher m = LAYER.matcher(name);
        if (!m.matches()) return null;
        int layer;
        try {
            layer = Integer.parseInt(m.group(1));
        } catch (NumberFormatException e) {
            return null;
        }
        String g = LAYER_NAMES.get(m.group(2));
        return g == null || layer >= nLayer ? null : "blk." + layer + "." + g;
    }

    /** The checkpoint name expected for a GGUF name, for messages. */
    private static String sourceName(String gguf) {
        switch (gguf) {
            case "token_embd.weight": return "backbone.embeddings.weight (or backbone.embedding.weight)";
            case "output_norm.weight": return "backbone.norm_f.weight";
            case "output.weight": return "lm_head.weight";
            default:
        }
        String[] p = gguf.split("\\.", 3);
        for (Map.Entry<String, String> e : LAYER_NAMES.entrySet()) {
            if (e.getValue().equals(p[2])) return "backbone.layers." + p[1] + "." + e.getKey();
        }
        return gguf;
    }

    private static void metadata(GgufWriter w, Path dir, Mamba2Config c, int nVocab, OutType outType) {
        String a = "mamba2.";
        new Mamba2Params(nVocab, c.dModel(), c.nLayer(), c.dInner(), c.dState(), c.nHead(), c.nGroup(), c.dConv(),
                c.eps(), c.tied()).writeTo(w);
        w.putString("general.type", "model");
        Path name = dir.toAbsolutePath().normalize().getFileName();
        w.putString("general.name", name == null ? "mamba2" : name.toString());
        w.putU32("general.file_type", outType.ftype);
        w.putU32("general.quantization_version", 2);
        w.putString(Quantizer.TOOL_VERSION, Version.VERSION);
        w.putU32(a + "vocab_size", nVocab);
        // placeholders llama.cpp's converter writes for this architecture
        w.putU32(a + "feed_forward_length", 0);
        w.putU32(a + "attention.head_count", 0);
    }
}
