package org.jmamba.quantize;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import org.jmamba.tokenizer.EncodeOptions;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jmamba.gguf.GgmlType;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufValue;
import org.jmamba.gguf.GgufValueType;
import org.jmamba.reference.ReferenceMamba2;
import org.jmamba.tokenizer.Tokenizer;
import org.jmamba.tokenizer.TokenizerMetadata;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Conversion of checkpoints the tests write, checked through the inference path against the reference forward. */
class ConverterTest {
    static final int[] TOKENS = {1, 260, 17, 299, 42, 5, 288, 100};

    @TempDir
    Path tmp;

    static Converter.Result convert(Path dir, Path out, Converter.OutType t) throws IOException {
        return Converter.convert(dir, out, t, 2, Progress.NONE);
    }

    /** Our logits for the converted file against the reference forward over the original weights. */
    static double compare(Checkpoints ck, Path gguf) throws IOException {
        float[] ours = TestUtil.logits(gguf, TOKENS);
        ReferenceMamba2 ref = ck.reference();
        double worst = 0;
        for (int i = 0; i < TOKENS.length; i++) {
            double[] want = ref.step(TOKENS[i]);
            worst = Math.max(worst, TestUtil.relL2(want, ours, i * Checkpoints.V));
        }
        return worst;
    }

    @Test
    void mistralFormatBf16ToF32MatchesTheReference() throws IOException {
        Checkpoints ck = new Checkpoints(1, false).roundTo("BF16");
        Path dir = ck.writeMistral(tmp.resolve("mamba-codestral"), "BF16");
        Path out = tmp.resolve("out.gguf");
        Converter.Result r = convert(dir, out, Converter.OutType.F32);
        System.out.print(r.describe());
        assertEquals(Converter.Format.MISTRAL, r.format());
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals("mamba2", f.architecture());
            assertEquals("mamba-codestral", f.getString("general.name"));
            assertEquals(0, f.getInt("general.file_type"));
            assertEquals(2, f.getInt("general.quantization_version"));
            assertEquals(Checkpoints.D, f.getInt("mamba2.embedding_length"));
            assertEquals(Checkpoints.L, f.getInt("mamba2.block_count"));
            assertEquals(Checkpoints.K, f.getInt("mamba2.ssm.conv_kernel"));
            assertEquals(Checkpoints.DI, f.getInt("mamba2.ssm.inner_size"));
            assertEquals(Checkpoints.N, f.getInt("mamba2.ssm.state_size"));
            assertEquals(Checkpoints.H, f.getInt("mamba2.ssm.time_step_rank"));
            assertEquals(Checkpoints.G, f.getInt("mamba2.ssm.group_count"));
            assertEquals(1e-5f, f.getFloat("mamba2.attention.layer_norm_rms_epsilon"));
            assertArrayEquals(new long[] {Checkpoints.K, Checkpoints.CONV}, f.tensor("blk.0.ssm_conv1d.weight").orElseThrow().shape());
            assertArrayEquals(new long[] {1, Checkpoints.H}, f.tensor("blk.1.ssm_a").orElseThrow().shape());
            assertArrayEquals(new long[] {1, Checkpoints.H}, f.tensor("blk.1.ssm_d").orElseThrow().shape());
            assertArrayEquals(new long[] {Checkpoints.DI / Checkpoints.G, Checkpoints.G}, f.tensor("blk.0.ssm_norm.weight").orElseThrow().shape());
            assertArrayEquals(new long[] {Checkpoints.D, Checkpoints.INP}, f.tensor("blk.0.ssm_in.weight").orElseThrow().shape());
            assertArrayEquals(new long[] {Checkpoints.DI, Checkpoints.D}, f.tensor("blk.0.ssm_out.weight").orElseThrow().shape());
            assertArrayEquals(new long[] {Checkpoints.D, Checkpoints.V}, f.tensor("output.weight").orElseThrow().shape());
            float a0 = f.tensorData(f.tensor("blk.0.ssm_a").orElseThrow()).get(java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED, 0);
            assertEquals(-Math.exp(ck.values.get("backbone.layers.0.mixer.A_log")[0]), a0, 1e-5);
            String[] tokens = f.getStringArray("tokenizer.ggml.tokens");
            assertEquals(Checkpoints.V, tokens.length);
            assertEquals("[PAD1]", tokens[Checkpoints.pieces().size()]);
            assertEquals(1, f.getInt("tokenizer.ggml.bos_token_id"));
            assertEquals(2, f.getInt("tokenizer.ggml.eos_token_id"));
            assertEquals(0, f.getInt("tokenizer.ggml.unknown_token_id"));
            assertEquals("llama", f.getString("tokenizer.ggml.model"));
        }
        double err = compare(ck, out);
        System.out.printf(Locale.ROOT, "Mistral BF16 -> f32: worst relative L2 of logits vs reference %.2e%n", err);
        assertTrue(err < 1e-4, "relative L2 " + err);
    }

    @Test
    void huggingFaceShardsF32ToF16AndQ8_0() throws IOException {
        Checkpoints ck = new Checkpoints(2, true);
        Path dir = ck.writeHf(tmp.resolve("hf"), "F32");
        for (Converter.OutType t : List.of(Converter.OutType.F16, Converter.OutType.BF16, Converter.OutType.Q8_0)) {
            Path out = tmp.resolve("hf-" + t + ".gguf");
            Converter.Result r = convert(dir, out, t);
            assertEquals(Converter.Format.HUGGING_FACE, r.format());
            try (GgufFile f = GgufFile.open(out)) {
                assertTrue(f.tensor("output.weight").isEmpty(), "tied: no output.weight");
                assertEquals(t.type, f.tensor("blk.0.ssm_in.weight").orElseThrow().type());
                assertEquals(t.type, f.tensor("token_embd.weight").orElseThrow().type());
                assertEquals(GgmlType.F32, f.tensor("blk.0.ssm_conv1d.weight").orElseThrow().type());
                assertEquals(GgmlType.F32, f.tensor("blk.0.ssm_norm.weight").orElseThrow().type());
                assertEquals(t.ftype, f.getInt("general.file_type"));
            }
            double err = compare(ck, out);
            System.out.printf(Locale.ROOT, "HF F32 -> %s: %s, worst relative L2 of logits vs reference %.2e%n", t,
                    Summary.size(Files.size(out)), err);
            assertTrue(err < (t == Converter.OutType.F16 ? 0.005 : 0.05), t + ": relative L2 " + err);
        }
    }

    @Test
    void tokenizerIdsSurviveConversion() throws IOException {
        Checkpoints ck = new Checkpoints(3, false);
        Path out = tmp.resolve("tok.gguf");
        convert(ck.writeMistral(tmp.resolve("m"), "F32"), out, Converter.OutType.F32);
        Tokenizer tok;
        try (GgufFile f = GgufFile.open(out)) {
            tok = Tokenizer.fromMetadata(metadata(f));
        }
        assertArrayEquals(new int[] {1, Checkpoints.id("\u2581hello"), Checkpoints.id("\u2581world")}, tok.encode("hello world", EncodeOptions.PLAIN.withBos()));
        assertArrayEquals(new int[] {Checkpoints.id("\u2581def"), Checkpoints.id("\u2581return")}, tok.encode("def return", EncodeOptions.PLAIN));
        assertArrayEquals(new int[] {Checkpoints.id("\u2581mamba"), Checkpoints.id("\u2581hel")}, tok.encode("mamba hel", EncodeOptions.PLAIN));
        // a character with no piece: byte fallback
        int[] snow = tok.encode("\u2603", EncodeOptions.PLAIN);
        assertArrayEquals(new int[] {Checkpoints.id("\u2581"), Checkpoints.id("<0xE2>"), Checkpoints.id("<0x98>"), Checkpoints.id("<0x83>")}, snow);
        assertEquals("hello world", tok.decode(tok.encode("hello world", EncodeOptions.PLAIN.withBos())).strip());
    }

    @Test
    void byteLevelBpeFromTokenizerJson() throws IOException {
        Checkpoints ck = new Checkpoints(11, true);
        Path dir = ck.writeHf(tmp.resolve("hfbpe"), "F16");
        Files.delete(dir.resolve("tokenizer.model"));
        String[] vocab = {"h", "e", "l", "o", "w", "r", "d", "\u0120", "he", "ll", "hell", "hello", "\u0120w", "or", "\u0120wor",
            "\u0120worl", "\u0120world"};
        StringBuilder v = new StringBuilder();
        for (int i = 0; i < vocab.length; i++) v.append(i == 0 ? "" : ", ").append('"').append(vocab[i]).append("\": ").append(i);
        Files.writeString(dir.resolve("tokenizer.json"), "{\"version\": \"1.0\", \"added_tokens\": [{\"id\": 17, \"content\": "
                + "\"<|endoftext|>\", \"special\": true}], \"pre_tokenizer\": {\"type\": \"ByteLevel\", \"add_prefix_space\": false,"
                + " \"use_regex\": true}, \"model\": {\"type\": \"BPE\", \"vocab\": {" + v + "}, \"merges\": [\"h e\", \"l l\","
                + " \"he ll\", \"hell o\", [\"\u0120\", \"w\"], \"o r\", \"\u0120w or\", \"\u0120wor l\", \"\u0120worl d\"]}}");
        Path out = tmp.resolve("bpe.gguf");
        Converter.Result r = convert(dir, out, Converter.OutType.F16);
        System.out.print(r.describe());
        Tokenizer tok;
        try (GgufFile f = GgufFile.open(out)) {
            assertEquals("gpt2", f.getString("tokenizer.ggml.model"));
            assertEquals("gpt-2", f.getString("tokenizer.ggml.pre"));
            assertEquals(9, f.getStringArray("tokenizer.ggml.merges").length);
            assertEquals("\u0120 w", f.getStringArray("tokenizer.ggml.merges")[4]);
            String[] tokens = f.getStringArray("tokenizer.ggml.tokens");
            assertEquals(Checkpoints.V, tokens.length);
            assertEquals("[PAD18]", tokens[18]);
            assertEquals(3, f.getIntArray("tokenizer.ggml.token_type")[17]);
            assertEquals(17, f.getInt("tokenizer.ggml.eos_token_id"));
            tok = Tokenizer.fromMetadata(metadata(f));
        }
        assertArrayEquals(new int[] {11, 16}, tok.encode("hello world", EncodeOptions.PLAIN));
        assertArrayEquals(new int[] {11, 17}, tok.encode("hello<|endoftext|>", EncodeOptions.PLAIN.withParseSpecial()));
        assertTrue(compare(ck, out) < 0.005);
    }

    /** The tokenizer keys of a GGUF file as plain values. */
    static TokenizerMetadata metadata(GgufFile f) {
        Map<String, Object> m = new HashMap<>();
        for (Map.Entry<String, GgufValue> e : f.metadata().entrySet()) {
            if (!e.getKey().startsWith("tokenizer.")) continue;
            GgufValue v = e.getValue();
            Object o;
            if (v instanceof GgufValue.Array a) {
                o = a.elementType() == GgufValueType.STRING ? a.asStringArray()
                        : a.elementType() == GgufValueType.FLOAT32 ? a.asFloatArray() : a.asIntArray();
            } else if (v.type() == GgufValueType.STRING) {
                o = v.asString();
            } else if (v.type() == GgufValueType.BOOL) {
                o = v.asBoolean();
            } else if (v.type() == GgufValueType.FLOAT32 || v.type() == GgufValueType.FLOAT64) {
                o = v.asDouble();
            } else {
                o = v.asLong();
            }
            m.put(e.getKey(), o);
        }
        return TokenizerMetadata.of(m);
    }

    // ---- bad input: a clear error, and nothing left where the output was to go --------------------

    private <E extends Throwable> E fails(Class<E> type, Path dir, String... words) throws IOException {
        Path outDir = Files.createDirectories(tmp.resolve("out"));
        E e = assertThrows(type, () -> convert(dir, outDir.resolve("x.gguf"), Converter.OutType.F16));
        for (String w : words) assertTrue(e.getMessage().contains(w), "'" + w + "' not in: " + e.getMessage());
        assertEquals(List.of(), TestUtil.files(outDir));
        return e;
    }

    @Test
    void missingFolderOrFiles() throws IOException {
        fails(NoSuchFileException.class, tmp.resolve("nope"));
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        fails(QuantizeException.class, empty, "neither a Mistral checkpoint", "nor a Hugging Face one");
        Checkpoints ck = new Checkpoints(4, false);
        Path dir = ck.writeMistral(tmp.resolve("notok"), "F32");
        Files.delete(dir.resolve("tokenizer.model.v3"));
        fails(QuantizeException.class, dir, "no tokenizer found");
        Path hf = ck.writeHf(tmp.resolve("hfshard"), "F32");
        Files.delete(hf.resolve("model-00002-of-00002.safetensors"));
        fails(QuantizeException.class, hf, "model-00002-of-00002.safetensors", "missing");
    }

    @Test
    void missingAndUnknownTensorsAreListed() throws IOException {
        Checkpoints ck = new Checkpoints(5, false);
        Path dir = Files.createDirectories(tmp.resolve("names"));
        ck.writeMistral(dir, "F32");
        SafetensorsWriter w = ck.safetensors("F32", "model.");
        w.remove("model.backbone.layers.1.mixer.A_log");
        w.remove("model.lm_head.weight");
        w.put("model.backbone.layers.0.mixer.in_proj.bias", "F32", new long[] {4}, new float[4]);
        w.put("model.backbone.layers.7.norm.weight", "F32", new long[] {Checkpoints.D}, new float[Checkpoints.D]);
        w.write(dir.resolve("consolidated.safetensors"));
        fails(QuantizeException.class, dir, "missing tensors: ", "backbone.layers.1.mixer.A_log", "lm_head.weight",
                "unknown tensors: ", "model.backbone.layers.0.mixer.in_proj.bias", "model.backbone.layers.7.norm.weight");
    }

    @Test
    void shapesThatDisagreeWithTheConfig() throws IOException {
        Checkpoints ck = new Checkpoints(6, false);
        Path dir = ck.writeMistral(tmp.resolve("shapes"), "F32");
        Files.writeString(dir.resolve("params.json"), Files.readString(dir.resolve("params.json")).replace("\"n_groups\": 2", "\"n_groups\": 1"));
        fails(QuantizeException.class, dir, "backbone.layers.0.mixer.in_proj.weight has shape (" + Checkpoints.INP + ", 64)",
                "config (params.json) makes it");
        Path hf = ck.writeHf(tmp.resolve("hfheads"), "F32");
        Files.writeString(hf.resolve("config.json"), Files.readString(hf.resolve("config.json")).replace("\"num_heads\": 8", "\"num_heads\": 6"));
        fails(QuantizeException.class, hf, "num_heads 6 disagrees");
    }

    @Test
    void aConfigTheLibrarysShapeRulesRefuseIsNamedWithTheirReason() throws IOException {
        // the same rules as a GGUF's: checked by the library, not by a copy here
        Checkpoints ck = new Checkpoints(6, false);
        Path dir = ck.writeMistral(tmp.resolve("rules"), "F32");
        String params = Files.readString(dir.resolve("params.json"));
        Files.writeString(dir.resolve("params.json"), params.replaceFirst("\\{", "{\"state_size\": 33554432, "));
        fails(QuantizeException.class, dir, "params.json: d_state = 33554432 is out of range [1, 16777216]");
    }

    @Test
    void truncatedAndLyingSafetensors() throws IOException {
        Checkpoints ck = new Checkpoints(7, false);
        Path dir = ck.writeMistral(tmp.resolve("trunc"), "F32");
        Path st = dir.resolve("consolidated.safetensors");
        long size = Files.size(st);
        try (var ch = java.nio.channels.FileChannel.open(st, StandardOpenOption.WRITE)) {
            ch.truncate(size - 100);
        }
        fails(QuantizeException.class, dir, "truncated");
        try (var ch = java.nio.channels.FileChannel.open(st, StandardOpenOption.WRITE)) {
            ch.truncate(5);
        }
        fails(QuantizeException.class, dir, "too few");
        // offsets that overlap
        SafetensorsWriter w = ck.safetensors("F32", "");
        String h = w.header().replaceFirst("\"data_offsets\":\\[0,", "\"data_offsets\":[4,").replaceFirst("\\[4,(\\d+)\\]", "[4,$1]");
        w.write(st, h.replaceFirst("\"data_offsets\":\\[4,(\\d+)\\]", "\"data_offsets\":[4,$1]"));
        fails(QuantizeException.class, dir, "backbone.embeddings.weight");
        // an end offset past the data
        w.write(st, w.header().replace("[0," + (Checkpoints.V * Checkpoints.D * 4) + "]", "[0," + (1L << 40) + "]"));
        fails(QuantizeException.class, dir, "header's offsets are wrong");
        // not JSON
        w.write(st, "{\"a\": [1, 2");
        fails(QuantizeException.class, dir, "not valid JSON");
    }

    @Test
    void unsupportedDtype() throws IOException {
        Checkpoints ck = new Checkpoints(8, false);
        Path dir = ck.writeMistral(tmp.resolve("dtype"), "F32");
        SafetensorsWriter w = ck.safetensors("F32", "");
        w.putRaw("backbone.layers.0.mixer.D", "F64", new long[] {Checkpoints.H}, new byte[8 * Checkpoints.H]);
        w.write(dir.resolve("consolidated.safetensors"));
        fails(QuantizeException.class, dir, "backbone.layers.0.mixer.D has dtype F64", "F32, F16 and BF16");
    }

    @Test
    void aFullDiskLeavesNoPartialFile() throws Exception {
        Path dir = new Checkpoints(9, false).writeMistral(tmp.resolve("full"), "F32");
        Path outDir = Files.createDirectories(tmp.resolve("fullout"));
        ChildJvm.Outcome o = ChildJvm.runWithFileSizeLimit(128, ConvertMain.class, dir.toString(), outDir.resolve("x.gguf").toString());
        assertTrue(o.exitCode() != 0, o.toString());
        assertTrue(o.output().contains("File too large"), o.toString());
        assertEquals(List.of(), TestUtil.files(outDir));
    }

    @Test
    void aReadOnlyTargetFolder() throws IOException {
        Path dir = new Checkpoints(10, false).writeMistral(tmp.resolve("ro"), "F32");
        Path outDir = Files.createDirectories(tmp.resolve("readonly"));
        try (ReadOnlyFolder ro = ReadOnlyFolder.of(outDir)) {
            assertFalse(Files.isWritable(outDir), "the folder is still writable (" + ro.how() + ")");
            IOException e = assertThrows(IOException.class, () -> convert(dir, outDir.resolve("x.gguf"), Converter.OutType.F16));
            assertTrue(e.getMessage().contains(outDir.toString()), e.getMessage());
            assertEquals(List.of(), TestUtil.files(outDir));
        }
    }

    /**
     * A folder no one may write to, root included (CI runs as root, who ignores permission bits):
     * for root, a read-only bind mount of the folder onto itself, or else the immutable attribute;
     * for anyone else, no write permission. A folder that cannot be made read-only fails the test.
     */
    record ReadOnlyFolder(Path dir, String how) implements AutoCloseable {
        static ReadOnlyFolder of(Path dir) throws IOException {
            if (!isRoot()) {
                assertTrue(dir.toFile().setWritable(false, false), "chmod a-w " + dir);
                return new ReadOnlyFolder(dir, "no write permission");
            }
            String d = dir.toString();
            if (run("mount", "--bind", d, d)) {
                if (run("mount", "-o", "remount,bind,ro", d)) return new ReadOnlyFolder(dir, "read-only bind mount");
                run("umount", d);
            }
            if (run("chattr", "+i", d)) return new ReadOnlyFolder(dir, "immutable attribute");
            throw new AssertionError("running as root, and neither a read-only bind mount (mount needs CAP_SYS_ADMIN) nor "
                    + "chattr +i (needs a file system with attributes) could make " + dir + " read-only");
        }

        @Override
        public void close() {
            switch (how) {
                case "read-only bind mount" -> assertTrue(run("umount", dir.toString()), "umount " + dir);
                case "immutable attribute" -> assertTrue(run("chattr", "-i", dir.toString()), "chattr -i " + dir);
                default -> dir.toFile().setWritable(true, false);
            }
        }

        private static boolean isRoot() throws IOException {
            return Integer.valueOf(0).equals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"));
        }

        private static boolean run(String... cmd) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                return p.waitFor() == 0;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** Runs a conversion in a child JVM (for resource limits). */
    public static final class ConvertMain {
        public static void main(String[] a) {
            try {
                Converter.convert(Path.of(a[0]), Path.of(a[1]), Converter.OutType.F32, 1, Progress.NONE);
                System.exit(0);
            } catch (Exception e) {
                System.out.println("error: " + e.getMessage());
                System.exit(1);
            }
        }
    }
}
