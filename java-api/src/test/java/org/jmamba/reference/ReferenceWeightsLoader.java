package org.jmamba.reference;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufTensorInfo;
import org.jmamba.reference.ReferenceMamba2.Config;
import org.jmamba.reference.ReferenceMamba2.Layer;
import org.jmamba.reference.ReferenceMamba2.Weights;

/**
 * Reads a {@code mamba2} GGUF file into {@link ReferenceMamba2.Weights}: every tensor dequantized to
 * double with {@link JavaDequant} (never with the project's native code), each checked against the
 * shape the hyper-parameters imply.
 */
public final class ReferenceWeightsLoader {
    private ReferenceWeightsLoader() {}

    public static Weights load(Path gguf) throws IOException {
        try (GgufFile f = GgufFile.open(gguf)) {
            return load(f);
        }
    }

    public static Weights load(GgufFile f) throws IOException {
        String arch = f.architecture();
        if (!arch.equals("mamba2")) {
            throw new IllegalArgumentException(f.path() + ": architecture is " + arch + ", not mamba2");
        }
        String p = arch + ".";
        GgufTensorInfo embInfo = tensor(f, "token_embd.weight");
        int nVocab = Math.toIntExact(embInfo.dim(1));
        Config c = new Config(
                f.getInt(p + "embedding_length"),
                f.getInt(p + "block_count"),
                f.getInt(p + "ssm.conv_kernel"),
                f.getInt(p + "ssm.inner_size"),
                f.getInt(p + "ssm.state_size"),
                f.getInt(p + "ssm.time_step_rank"),
                f.getInt(p + "ssm.group_count"),
                f.getFloat(p + "attention.layer_norm_rms_epsilon"),
                nVocab);

        Matrix emb = matrix(f, "token_embd.weight", c.nVocab(), c.dModel());
        double[] outNorm = vector(f, "output_norm.weight", c.dModel());
        Optional<GgufTensorInfo> outInfo = f.tensor("output.weight");
        Matrix out = outInfo.isPresent() ? matrix(f, "output.weight", c.nVocab(), c.dModel()) : emb;

        List<Layer> layers = new ArrayList<>();
        for (int i = 0; i < c.nLayer(); i++) {
            String b = "blk." + i + ".";
            double[] ssmNorm = f.tensor(b + "ssm_norm.weight").isPresent()
                    ? vector(f, b + "ssm_norm.weight", c.dInner(), c.dInner() / c.nGroup(), c.nGroup())
                    : null;
            layers.add(new Layer(
                    vector(f, b + "attn_norm.weight", c.dModel()),
                    matrix(f, b + "ssm_in.weight", c.dInProj(), c.dModel()),
                    vector(f, b + "ssm_conv1d.weight", c.convDim() * c.dConv(), c.dConv(), c.convDim()),
                    vector(f, b + "ssm_conv1d.bias", c.convDim()),
                    vector(f, b + "ssm_dt.bias", c.nHead()),
                    vector(f, b + "ssm_a", c.nHead(), 1, c.nHead()),
                    vector(f, b + "ssm_d", c.nHead(), 1, c.nHead()),
                    ssmNorm,
                    matrix(f, b + "ssm_out.weight", c.dModel(), c.dInner())));
        }
        return new Weights(c, emb, outNorm, out, layers);
    }

    private static GgufTensorInfo tensor(GgufFile f, String name) {
        return f.tensor(name).orElseThrow(() -> new IllegalArgumentException(f.path() + ": no tensor " + name));
    }

    /** ggml shape {@code [cols, rows]} (trailing 1s allowed) as a row-major matrix. */
    private static Matrix matrix(GgufFile f, String name, int rows, int cols) {
        GgufTensorInfo t = tensor(f, name);
        requireShape(f, t, cols, rows);
        QuantType type = QuantType.fromId(t.type().id());
        MemorySegment data = f.tensorData(t);
        double[] w = JavaDequant.toDouble(type, data, 0, rows * cols);
        double[] mins = (type == QuantType.Q4_1 || type == QuantType.Q5_1)
                ? JavaDequant.blockMins(type, data, 0, rows * cols)
                : null;
        return new Matrix(type, rows, cols, w, mins);
    }

    /** A tensor of {@code n} values; when {@code shape} is given, its ggml dims must match (trailing 1s allowed). */
    private static double[] vector(GgufFile f, String name, int n, long... shape) {
        GgufTensorInfo t = tensor(f, name);
        if (shape.length > 0) {
            requireShape(f, t, shape);
        } else if (t.elementCount() != n) {
            throw new IllegalArgumentException(f.path() + ": " + name + " has " + t.elementCount() + " values, expected " + n);
        }
        return JavaDequant.toDouble(QuantType.fromId(t.type().id()), f.tensorData(t), 0, n);
    }

    private static void requireShape(GgufFile f, GgufTensorInfo t, long... want) {
        long[] have = t.shape();
        boolean ok = have.length >= want.length;
        for (int i = 0; ok && i < have.length; i++) {
            ok = have[i] == (i < want.length ? want[i] : 1);
        }
        if (!ok) {
            throw new IllegalArgumentException(f.path() + ": " + t.name() + " has shape " + java.util.Arrays.toString(have)
                    + ", expected " + java.util.Arrays.toString(want));
        }
    }
}
