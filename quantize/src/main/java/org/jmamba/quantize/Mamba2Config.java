package org.jmamba.quantize;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.jmamba.Mamba2Params;

/**
 * A Mamba-2 checkpoint's hyper-parameters, from Mistral's {@code params.json} or a Hugging Face
 * {@code config.json}. Values a file leaves out take the Mamba-2 defaults: d_state 128, d_conv 4,
 * expand 2, head_dim 64, norm epsilon 1e-5, one group. {@code vocabSize} is what the file says
 * (0 when it says nothing); the model's vocabulary is the embedding's row count.
 */
public record Mamba2Config(int dModel, int nLayer, int vocabSize, int dState, int nGroup, int headDim, int nHead,
                           int dInner, int dConv, float eps, boolean tied, String source) {

    /** Channels of the causal conv, by the library's shape rules (the vocabulary does not enter them). */
    public int convDim() { return shapes().convDim(); }

    /** Rows of ssm_in, by the library's shape rules. */
    public int dInProj() { return shapes().dInProj(); }

    private Mamba2Params shapes() {
        return new Mamba2Params(1, dModel, nLayer, dInner, dState, nHead, nGroup, dConv, eps, tied);
    }

    /** Mistral's params.json: dim, n_layers, vocab_size, n_groups, rms_norm, tie_embeddings, and optionally the rest. */
    public static Mamba2Config fromMistralParams(Path file) throws IOException {
        JsonNode j = read(file);
        return build(file, j, List.of("dim", "d_model", "hidden_size"), List.of("n_layers", "n_layer", "num_hidden_layers"),
                List.of("tie_embeddings", "tie_word_embeddings"));
    }

    /** A Hugging Face Mamba2Config (or mamba_ssm's config.json, whose ssm_cfg is read too). */
    public static Mamba2Config fromHfConfig(Path file) throws IOException {
        JsonNode j = read(file);
        return build(file, j, List.of("hidden_size", "d_model", "dim"), List.of("num_hidden_layers", "n_layer", "n_layers"),
                List.of("tie_word_embeddings", "tie_embeddings"));
    }

    private static JsonNode read(Path file) throws IOException {
        // decoded here as UTF-8: given bytes, Jackson guesses the encoding and a guessed UTF-32 fails
        // with an IOException that names no file
        String text = new String(java.nio.file.Files.readAllBytes(file), java.nio.charset.StandardCharsets.UTF_8);
        try {
            JsonNode j = new ObjectMapper().readTree(text);
            if (j == null || !j.isObject()) throw new QuantizeException(file + ": not a JSON object");
            return j;
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new QuantizeException(file + ": not valid JSON: " + e.getOriginalMessage());
        }
    }

    private static Mamba2Config build(Path file, JsonNode j, List<String> dModelKeys, List<String> layerKeys,
                                      List<String> tieKeys) {
        JsonNode ssm = j.path("ssm_cfg");
        int dModel = intOf(file, j, ssm, dModelKeys, -1);
        int nLayer = intOf(file, j, ssm, layerKeys, -1);
        int vocab = intOf(file, j, ssm, List.of("vocab_size"), 0);
        int dState = intOf(file, j, ssm, List.of("state_size", "d_state"), 128);
        int nGroup = intOf(file, j, ssm, List.of("n_groups", "ngroups"), 1);
        int headDim = intOf(file, j, ssm, List.of("head_dim", "headdim", "mamba_d_head"), 64);
        int dConv = intOf(file, j, ssm, List.of("conv_kernel", "d_conv"), 4);
        int expand = intOf(file, j, ssm, List.of("expand"), 2);
        long dInnerDefault = (long) expand * dModel;
        if (dInnerDefault > Integer.MAX_VALUE) {
            throw new QuantizeException(file + ": expand " + expand + " * d_model " + dModel + " does not fit an int");
        }
        int dInner = intOf(file, j, ssm, List.of("intermediate_size", "d_inner", "d_ssm"), (int) dInnerDefault);
        int nHeadGiven = intOf(file, j, ssm, List.of("num_heads", "nheads"), 0);
        double eps = 1e-5;
        for (String k : List.of("layer_norm_epsilon", "rms_norm_eps", "norm_eps")) {
            if (j.has(k)) {
                if (!j.get(k).isNumber()) throw new QuantizeException(file + ": '" + k + "' is not a number");
                eps = j.get(k).asDouble();
                break;
            }
        }
        boolean tied = false;
        for (String k : tieKeys) {
            if (j.has(k)) {
                tied = j.get(k).asBoolean();
                break;
            }
        }
        if (j.has("rms_norm") && !j.get("rms_norm").asBoolean(true)) {
            throw new QuantizeException(file + ": rms_norm is false; only RMS-normed Mamba-2 models are supported");
        }
        for (Object[] p : new Object[][] {{"d_model", dModel}, {"n_layer", nLayer}, {"d_state", dState}, {"n_groups", nGroup},
                {"head_dim", headDim}, {"d_conv", dConv}, {"d_inner", dInner}}) {
            if ((int) p[1] <= 0) throw new QuantizeException(file + ": " + p[0] + " = " + p[1] + " must be positive");
        }
        if (dInner % headDim != 0) {
            throw new QuantizeException(file + ": d_inner " + dInner + " is not a multiple of head_dim " + headDim);
        }
        int nHead = dInner / headDim;
        if (nHeadGiven > 0 && nHeadGiven != nHead) {
            throw new QuantizeException(file + ": num_heads " + nHeadGiven + " disagrees with d_inner / head_dim = "
                    + dInner + " / " + headDim + " = " + nHead);
        }
        if (nHead % nGroup != 0) {
            throw new QuantizeException(file + ": " + nHead + " heads do not split into " + nGroup + " groups");
        }
        Mamba2Config c = new Mamba2Config(dModel, nLayer, vocab, dState, nGroup, headDim, nHead, dInner, dConv, (float) eps,
                tied, file.getFileName().toString());
        try {
            c.shapes(); // the library's rules: sizes in range, ssm_in's rows and the state's bytes that fit
        } catch (IllegalArgumentException e) {
            throw new QuantizeException(file + ": " + e.getMessage());
        }
        return c;
    }

    private static int intOf(Path file, JsonNode j, JsonNode ssm, List<String> keys, int dflt) {
        for (String k : keys) {
            JsonNode v = j.has(k) ? j.get(k) : ssm.has(k) ? ssm.get(k) : null;
            if (v == null || v.isNull()) continue;
            if (!v.canConvertToInt() || !v.isIntegralNumber()) throw new QuantizeException(file + ": '" + k + "' = " + v + " is not an integer");
            return v.asInt();
        }
        if (dflt < 0) throw new QuantizeException(file + ": '" + keys.get(0) + "' is missing");
        return dflt;
    }

    /** The hyper-parameters, for the summary. */
    public String describe() {
        return String.format(Locale.ROOT, "d_model %d, layers %d, d_inner %d, d_state %d, heads %d (head_dim %d), groups %d, "
                + "d_conv %d, norm eps %g, %s embeddings", dModel, nLayer, dInner, dState, nHead, headDim, nGroup, dConv, eps,
                tied ? "tied" : "untied");
    }
}
