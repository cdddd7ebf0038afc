package org.jmamba.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.jmamba.JmambaException;
import org.jmamba.Mamba2Params;
import org.jmamba.gguf.GgmlType;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufTensorInfo;
import org.jmamba.gguf.GgufValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "info", mixinStandardHelpOptions = true,
        description = "Describe a GGUF file: metadata, tokenizer, tensors, and a Mamba-2 model's derived figures.")
final class InfoCommand implements Callable<Integer> {
    private static final int ARRAY_PREVIEW = 8;

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF file")
    Path model;

    @Option(names = "--json", description = "print one JSON document")
    boolean json;

    @Override
    public Integer call() throws IOException {
        try (GgufFile f = GgufFile.open(model)) {
            if (json) printJson(f, System.out);
            else printText(f, System.out);
        }
        return 0;
    }

    // ---- text ----

    private static void printText(GgufFile f, PrintStream out) {
        out.printf("file:          %s%n", f.path());
        out.printf("size:          %s (%d bytes)%n", human(f.fileSize()), f.fileSize());
        out.printf("GGUF version:  %d, alignment %d, data at byte %d%n", f.version(), f.alignment(), f.dataOffset());
        out.printf("architecture:  %s%n", f.get("general.architecture").map(GgufValue::asText).orElse("(none)"));
        out.printf("%nmetadata (%d keys):%n", f.metadata().size());
        f.metadata().forEach((k, v) -> out.printf("  %-48s %-10s %s%n", k, typeName(v), preview(v)));
        Map<String, String> tok = tokenizerSummary(f);
        if (!tok.isEmpty()) {
            out.printf("%ntokenizer:%n");
            tok.forEach((k, v) -> out.printf("  %-14s %s%n", k + ":", v));
        }
        out.printf("%ntensors (%d):%n", f.tensors().size());
        out.printf("  %-36s %-6s %-22s %14s %14s%n", "name", "type", "shape", "bytes", "offset");
        for (GgufTensorInfo t : f.tensors()) {
            out.printf("  %-36s %-6s %-22s %14d %14d%n", t.name(), t.type(), Arrays.toString(t.shape()), t.byteSize(), t.offset());
        }
        out.printf("%nbytes by type:%n");
        bytesByType(f).forEach((type, bytes) -> out.printf("  %-6s %14d  %s%n", type, bytes, human(bytes)));
        derived(f).ifPresent(p -> {
            out.printf("%nmamba2:%n");
            out.printf("  n_vocab %d, d_model %d, n_layer %d, d_inner %d, d_state %d, n_group %d, d_conv %d, eps %g%n",
                    p.nVocab(), p.dModel(), p.nLayer(), p.dInner(), p.dState(), p.nGroup(), p.dConv(), p.normEps());
            out.printf("  n_head %d (ssm.time_step_rank), head_dim %d, conv_dim %d, d_in_proj %d, output %s%n",
                    p.nHead(), p.headDim(), p.convDim(), p.dInProj(), p.tiedOutput() ? "tied to token_embd" : "own");
            out.printf("  state per sequence: %d bytes (%s)%n", p.stateBytes(), human(p.stateBytes()));
        });
    }

    private static String typeName(GgufValue v) {
        if (v instanceof GgufValue.Array a) return "[" + a.elementType().name().toLowerCase() + "]";
        return v.type().name().toLowerCase();
    }

    /** Scalars in full; arrays as their length and first items. */
    private static String preview(GgufValue v) {
        if (v instanceof GgufValue.Array a) {
            List<GgufValue> vs = a.values();
            StringBuilder sb = new StringBuilder().append(vs.size()).append(" items: [");
            for (int i = 0; i < Math.min(ARRAY_PREVIEW, vs.size()); i++) {
                if (i > 0) sb.append(", ");
                sb.append(vs.get(i) instanceof GgufValue.Array ? "[...]" : quoteIfString(vs.get(i)));
            }
            return sb.append(vs.size() > ARRAY_PREVIEW ? ", ...]" : "]").toString();
        }
        return quoteIfString(v);
    }

    private static String quoteIfString(GgufValue v) {
        String s = v.asText();
        if (s.length() > 120) s = s.substring(0, 117) + "...";
        return v instanceof GgufValue.Str ? "'" + s.replace("\n", "\\n") + "'" : s;
    }

    private static Map<String, String> tokenizerSummary(GgufFile f) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        f.get("tokenizer.ggml.model").ifPresent(v -> m.put("model", v.asText()));
        if (m.isEmpty()) return m;
        f.get("tokenizer.ggml.tokens").ifPresent(v -> m.put("vocab", Integer.toString(((GgufValue.Array) v).values().size())));
        f.get("tokenizer.ggml.pre").ifPresent(v -> m.put("pre", v.asText()));
        f.get("tokenizer.ggml.merges").ifPresent(v -> m.put("merges", Integer.toString(((GgufValue.Array) v).values().size())));
        for (String k : List.of("bos_token_id", "eos_token_id", "unknown_token_id", "padding_token_id", "add_bos_token", "add_eos_token")) {
            f.get("tokenizer.ggml." + k).ifPresent(v -> m.put(k, v.asText()));
        }
        return m;
    }

    private static Map<GgmlType, Long> bytesByType(GgufFile f) {
        Map<GgmlType, Long> m = new TreeMap<>();
        for (GgufTensorInfo t : f.tensors()) m.merge(t.type(), t.byteSize(), Long::sum);
        return m;
    }

    private static java.util.Optional<Mamba2Params> derived(GgufFile f) {
        if (!Mamba2Params.ARCH.equals(f.get("general.architecture").map(GgufValue::asText).orElse(null))) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Mamba2Params.fromGguf(f));
        } catch (JmambaException e) {
            System.err.println("warning: mamba2 hyper-parameters are incomplete: " + e.getMessage());
            return java.util.Optional.empty();
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) return bytes + " B";
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.2f %s", v, units[u]);
    }

    // ---- JSON ----

    private static void printJson(GgufFile f, PrintStream out) throws IOException {
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = mapper.createObjectNode();
        root.put("file", f.path().toString());
        root.put("size", f.fileSize());
        root.put("version", f.version());
        root.put("alignment", f.alignment());
        root.put("data_offset", f.dataOffset());
        root.put("architecture", f.get("general.architecture").map(GgufValue::asText).orElse(null));
        ObjectNode meta = root.putObject("metadata");
        f.metadata().forEach((k, v) -> meta.set(k, jsonValue(mapper, v)));
        Map<String, String> tok = tokenizerSummary(f);
        if (!tok.isEmpty()) {
            ObjectNode t = root.putObject("tokenizer");
            tok.forEach(t::put);
        }
        ArrayNode tensors = root.putArray("tensors");
        for (GgufTensorInfo t : f.tensors()) {
            ObjectNode n = tensors.addObject();
            n.put("name", t.name());
            n.put("type", t.type().name());
            ArrayNode shape = n.putArray("shape");
            for (long d : t.shape()) shape.add(d);
            n.put("bytes", t.byteSize());
            n.put("offset", t.offset());
        }
        ObjectNode byType = root.putObject("bytes_by_type");
        bytesByType(f).forEach((type, bytes) -> byType.put(type.name(), bytes));
        derived(f).ifPresent(p -> {
            ObjectNode m = root.putObject("mamba2");
            m.put("n_vocab", p.nVocab());
            m.put("d_model", p.dModel());
            m.put("n_layer", p.nLayer());
            m.put("d_inner", p.dInner());
            m.put("d_state", p.dState());
            m.put("n_head", p.nHead());
            m.put("head_dim", p.headDim());
            m.put("n_group", p.nGroup());
            m.put("d_conv", p.dConv());
            m.put("conv_dim", p.convDim());
            m.put("d_in_proj", p.dInProj());
            m.put("norm_eps", p.normEps());
            m.put("tied_output", p.tiedOutput());
            m.put("state_bytes", p.stateBytes());
        });
        out.println(mapper.writeValueAsString(root));
    }

    /** Scalars as JSON values; arrays as {type, length, first}. */
    private static com.fasterxml.jackson.databind.JsonNode jsonValue(ObjectMapper mapper, GgufValue v) {
        var nf = mapper.getNodeFactory();
        return switch (v) {
            case GgufValue.Array a -> {
                ObjectNode n = mapper.createObjectNode();
                n.put("type", "array");
                n.put("element_type", a.elementType().name().toLowerCase());
                n.put("length", a.values().size());
                ArrayNode first = n.putArray("first");
                for (int i = 0; i < Math.min(ARRAY_PREVIEW, a.values().size()); i++) first.add(jsonValue(mapper, a.values().get(i)));
                yield n;
            }
            case GgufValue.Str s -> nf.textNode(s.value());
            case GgufValue.Bool b -> nf.booleanNode(b.value());
            case GgufValue.Float32 x -> nf.numberNode(x.value());
            case GgufValue.Float64 x -> nf.numberNode(x.value());
            case GgufValue.UInt64 x -> nf.numberNode(new java.math.BigInteger(Long.toUnsignedString(x.value())));
            default -> nf.numberNode(v.asLong());
        };
    }
}
