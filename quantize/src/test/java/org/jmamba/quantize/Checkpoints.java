package org.jmamba.quantize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.jmamba.reference.Matrix;
import org.jmamba.reference.ReferenceMamba2;

/**
 * Small random Mamba-2 checkpoints in mamba_ssm's layout, written as Mistral or Hugging Face
 * folders, with the reference weights they stand for.
 */
final class Checkpoints {
    /** d_model 64, 2 layers, d_state 16, 2 groups, head_dim 16 (d_inner 128, 8 heads), d_conv 4, 300 embedding rows. */
    static final int D = 64, L = 2, N = 16, G = 2, P = 16, DI = 128, H = 8, K = 4, V = 300;
    static final int CONV = DI + 2 * G * N, INP = 2 * DI + 2 * G * N + H;

    /** Name (mamba_ssm's) to shape and values, in a stable order. */
    final Map<String, long[]> shapes = new LinkedHashMap<>();
    final Map<String, float[]> values = new LinkedHashMap<>();
    final boolean tied;

    Checkpoints(long seed, boolean tied) {
        this.tied = tied;
        SplittableRandom r = new SplittableRandom(seed);
        add("backbone.embeddings.weight", uniform(r, V * D, 1.0), V, D);
        for (int i = 0; i < L; i++) {
            String b = "backbone.layers." + i + ".";
            add(b + "norm.weight", around(r, D, 1, 0.1), D);
            add(b + "mixer.in_proj.weight", uniform(r, INP * D, 1 / Math.sqrt(D)), INP, D);
            add(b + "mixer.conv1d.weight", uniform(r, CONV * K, 1 / Math.sqrt(K)), CONV, 1, K);
            add(b + "mixer.conv1d.bias", uniform(r, CONV, 0.1), CONV);
            float[] dt = new float[H];
            for (int h = 0; h < H; h++) {
                double t = Math.exp(Math.log(0.001) + r.nextDouble() * (Math.log(0.1) - Math.log(0.001)));
                dt[h] = (float) (t + Math.log(-Math.expm1(-t)));
            }
            add(b + "mixer.dt_bias", dt, H);
            float[] alog = new float[H];
            for (int h = 0; h < H; h++) alog[h] = (float) Math.log(1 + r.nextDouble() * 15);
            add(b + "mixer.A_log", alog, H);
            add(b + "mixer.D", around(r, H, 1, 0.1), H);
            add(b + "mixer.norm.weight", around(r, DI, 1, 0.1), DI);
            add(b + "mixer.out_proj.weight", uniform(r, D * DI, 1 / Math.sqrt(DI)), D, DI);
        }
        add("backbone.norm_f.weight", around(r, D, 1, 0.1), D);
        if (!tied) add("lm_head.weight", uniform(r, V * D, 1 / Math.sqrt(D)), V, D);
    }

    private void add(String name, float[] v, long... shape) {
        shapes.put(name, shape);
        values.put(name, v);
    }

    private static float[] uniform(SplittableRandom r, int n, double std) {
        float[] v = new float[n];
        double a = std * Math.sqrt(3);
        for (int i = 0; i < n; i++) v[i] = (float) ((r.nextDouble() * 2 - 1) * a);
        return v;
    }

    private static float[] around(SplittableRandom r, int n, double c, double s) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) (c + (r.nextDouble() * 2 - 1) * s);
        return v;
    }

    /** Rounds every value as {@code dtype} stores it, so the reference sees what the file holds. */
    Checkpoints roundTo(String dtype) {
        for (float[] v : values.values()) {
            for (int i = 0; i < v.length; i++) {
                v[i] = switch (dtype) {
                    case "BF16" -> Float.intBitsToFloat(Float.floatToRawIntBits(v[i]) & 0xFFFF0000); // truncation, as the writer stores it
                    case "F16" -> Float.float16ToFloat(Float.floatToFloat16(v[i]));
                    default -> v[i];
                };
            }
        }
        return this;
    }

    /** The tensors as a safetensors writer; {@code prefix} is put before every name (e.g. "model."). */
    SafetensorsWriter safetensors(String dtype, String prefix) {
        SafetensorsWriter w = new SafetensorsWriter();
        for (String n : shapes.keySet()) w.put(prefix + n, dtype, shapes.get(n), values.get(n));
        return w;
    }

    /** A Mistral folder: params.json (Codestral's keys only), consolidated.safetensors, tokenizer.model.v3. */
    Path writeMistral(Path dir, String dtype) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("params.json"), "{\"dim\": " + D + ", \"n_layers\": " + L + ", \"vocab_size\": " + V
                + ", \"n_groups\": " + G + ", \"rms_norm\": true, \"residual_in_fp32\": true, \"fused_add_norm\": true,"
                + " \"pad_vocab_size_multiple\": 1, \"tie_embeddings\": " + tied + ", \"model_type\": \"mamba\","
                + " \"d_state\": " + N + ", \"head_dim\": " + P + "}");
        safetensors(dtype, "").write(dir.resolve("consolidated.safetensors"));
        Files.write(dir.resolve("tokenizer.model.v3"), spmModel());
        return dir;
    }

    /** A Hugging Face folder, its weights in two shards listed by model.safetensors.index.json. */
    Path writeHf(Path dir, String dtype) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("config.json"), "{\"architectures\": [\"Mamba2ForCausalLM\"], \"hidden_size\": " + D
                + ", \"num_hidden_layers\": " + L + ", \"state_size\": " + N + ", \"n_groups\": " + G + ", \"head_dim\": " + P
                + ", \"num_heads\": " + H + ", \"expand\": 2, \"conv_kernel\": " + K + ", \"layer_norm_epsilon\": 1e-5,"
                + " \"tie_word_embeddings\": " + tied + ", \"vocab_size\": " + V + ", \"time_step_rank\": 256}");
        SafetensorsWriter a = new SafetensorsWriter(), b = new SafetensorsWriter();
        StringBuilder idx = new StringBuilder("{\"metadata\": {}, \"weight_map\": {");
        int i = 0;
        for (String n : shapes.keySet()) {
            boolean first = n.startsWith("backbone.embeddings") || n.startsWith("backbone.layers.0.");
            (first ? a : b).put(n, dtype, shapes.get(n), values.get(n));
            idx.append(i++ == 0 ? "" : ", ").append('"').append(n).append("\": \"")
                    .append(first ? "model-00001-of-00002.safetensors" : "model-00002-of-00002.safetensors").append('"');
        }
        a.write(dir.resolve("model-00001-of-00002.safetensors"));
        b.write(dir.resolve("model-00002-of-00002.safetensors"));
        Files.writeString(dir.resolve("model.safetensors.index.json"), idx.append("}}").toString());
        Files.write(dir.resolve("tokenizer.model"), spmModel());
        return dir;
    }

    static final String[] WORDS = {"hello", "world", "def", "return", "mamba"};

    /** Pieces: unk, bos, eos, the 256 bytes, "▁", letters, and every prefix of the words (so merges reach them). */
    static List<SentencePieceWriter.P> pieces() {
        List<SentencePieceWriter.P> p = new ArrayList<>();
        p.add(new SentencePieceWriter.P("<unk>", 0, 2));
        p.add(new SentencePieceWriter.P("<s>", 0, 3));
        p.add(new SentencePieceWriter.P("</s>", 0, 3));
        for (int b = 0; b < 256; b++) p.add(new SentencePieceWriter.P(String.format("<0x%02X>", b), 0, 6));
        Set<String> text = new LinkedHashSet<>();
        text.add("\u2581");
        for (String w : WORDS) {
            for (char c : w.toCharArray()) text.add(String.valueOf(c));
        }
        for (String w : WORDS) {
            for (int k = 1; k <= w.length(); k++) text.add("\u2581" + w.substring(0, k));
        }
        int i = 0;
        for (String t : text) p.add(new SentencePieceWriter.P(t, t.length() * 10f - (i++) * 0.01f, 1));
        return p;
    }

    static byte[] spmModel() {
        return SentencePieceWriter.model(pieces(), 0, 1, 2, -1, true);
    }

    static int id(String piece) {
        List<SentencePieceWriter.P> p = pieces();
        for (int i = 0; i < p.size(); i++) if (p.get(i).text().equals(piece)) return i;
        throw new IllegalArgumentException(piece);
    }

    /** The reference forward over these weights (exact, in double). */
    ReferenceMamba2 reference() {
        ReferenceMamba2.Config c = new ReferenceMamba2.Config(D, L, K, DI, N, H, G, 1e-5, V);
        List<ReferenceMamba2.Layer> layers = new ArrayList<>();
        for (int i = 0; i < L; i++) {
            String b = "backbone.layers." + i + ".";
            double[] a = d(b + "mixer.A_log");
            for (int h = 0; h < a.length; h++) a[h] = -Math.exp((float) a[h]);
            layers.add(new ReferenceMamba2.Layer(d(b + "norm.weight"), Matrix.f32(INP, D, d(b + "mixer.in_proj.weight")),
                    d(b + "mixer.conv1d.weight"), d(b + "mixer.conv1d.bias"), d(b + "mixer.dt_bias"), a, d(b + "mixer.D"),
                    d(b + "mixer.norm.weight"), Matrix.f32(D, DI, d(b + "mixer.out_proj.weight"))));
        }
        Matrix emb = Matrix.f32(V, D, d("backbone.embeddings.weight"));
        Matrix out = tied ? emb : Matrix.f32(V, D, d("lm_head.weight"));
        return new ReferenceMamba2(new ReferenceMamba2.Weights(c, emb, d("backbone.norm_f.weight"), out, layers));
    }

    private double[] d(String name) {
        float[] v = values.get(name);
        double[] r = new double[v.length];
        for (int i = 0; i < v.length; i++) r[i] = v[i];
        return r;
    }
}
