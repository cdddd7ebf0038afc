package org.jmamba.testkit;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.jmamba.Kernels;
import org.jmamba.Mamba2Params;
import org.jmamba.gguf.GgmlType;
import org.jmamba.gguf.GgufWriter;
import org.jmamba.gguf.TensorSink;

/**
 * Writes random-weight Mamba-2 models in llama.cpp's GGUF layout, quantized by our kernels: the
 * models the tests, the demo and the benchmarks run when no real weights can be downloaded.
 * Weights are scaled so activations stay in a realistic range through many layers. Tensors are
 * generated and written a few rows at a time, so memory stays flat whatever the size.
 */
public final class RandomMamba2 {

    /** A model shape; dInner = nHead * headDim. */
    public record Shape(int nVocab, int dModel, int nLayer, int dInner, int dState, int nHead, int nGroup,
                        int dConv, boolean tied) {
        public int convDim() { return params().convDim(); }
        public int dInProj() { return params().dInProj(); }

        /** The hyper-parameters this shape writes (norm epsilon 1e-5); checked as the library checks them. */
        public Mamba2Params params() {
            return new Mamba2Params(nVocab, dModel, nLayer, dInner, dState, nHead, nGroup, dConv, 1e-5f, tied);
        }

        /** Mamba-2 defaults: expand 2, d_conv 4. */
        public static Shape of(int nVocab, int dModel, int nLayer, int dState, int headDim, int nGroup, boolean tied) {
            int dInner = 2 * dModel;
            return new Shape(nVocab, dModel, nLayer, dInner, dState, dInner / headDim, nGroup, 4, tied);
        }
    }

    /** What to write: the shape, the type of the big matrices, the output's type, a seed. */
    public record Spec(Shape shape, GgmlType weightType, GgmlType outputType, long seed) {
        public Spec(Shape shape, GgmlType weightType, long seed) {
            this(shape, weightType, weightType, seed);
        }
    }

    private static final int ROWS_PER_CHUNK = 64;

    private RandomMamba2() {}

    public static void write(Path target, Spec spec) throws IOException {
        write(target, spec, 0, bytes -> {});
    }

    /** Writes the model; progress receives bytes written so far. */
    public static void write(Path target, Spec spec, int threads, LongConsumer progress) throws IOException {
        Shape s = spec.shape();
        SyntheticVocab vocab = SyntheticVocab.spm(s.nVocab());
        try (GgufWriter w = GgufWriter.create(target); Kernels kernels = new Kernels(threads)) {
            metadata(w, s, spec, vocab);
            declare(w, s, spec);
            SplittableRandom rnd = new SplittableRandom(spec.seed());
            long[] written = {0};
            Emitter out = (name, type, rows, perRow, gen) -> {
                emit(w, kernels, name, type, rows, perRow, gen);
                written[0] += type.rowBytes(perRow) * rows;
                progress.accept(written[0]);
            };
            out.matrix("token_embd.weight", spec.weightType(), s.nVocab(), s.dModel(), uniform(rnd.split(), 1.0));
            out.matrix("output_norm.weight", GgmlType.F32, 1, s.dModel(), around(rnd.split(), 1.0, 0.1));
            if (!s.tied()) {
                out.matrix("output.weight", spec.outputType(), s.nVocab(), s.dModel(), uniform(rnd.split(), 1 / Math.sqrt(s.dModel())));
            }
            for (int il = 0; il < s.nLayer(); il++) {
                layer(out, s, spec, "blk." + il + ".", rnd.split());
            }
            w.commit();
        }
    }

    private static void metadata(GgufWriter w, Shape s, Spec spec, SyntheticVocab vocab) {
        s.params().writeTo(w);
        w.putString("general.name", "random-mamba2-" + s.nLayer() + "x" + s.dModel() + "-" + spec.weightType());
        w.putString("general.description", "random weights (seed " + spec.seed() + "), for tests and benchmarks only");
        w.putU32("general.quantization_version", 2);
        if (spec.weightType().mostlyFileType() >= 0) w.putU32("general.file_type", spec.weightType().mostlyFileType());
        w.putString("tokenizer.ggml.model", "llama");
        w.putStringArray("tokenizer.ggml.tokens", vocab.tokens());
        w.putFloatArray("tokenizer.ggml.scores", vocab.scores());
        w.putIntArray("tokenizer.ggml.token_type", vocab.types());
        w.putU32("tokenizer.ggml.bos_token_id", SyntheticVocab.BOS);
        w.putU32("tokenizer.ggml.eos_token_id", SyntheticVocab.EOS);
        w.putU32("tokenizer.ggml.unknown_token_id", SyntheticVocab.UNK);
        w.putBool("tokenizer.ggml.add_bos_token", true);
        w.putBool("tokenizer.ggml.add_eos_token", false);
    }

    private static void declare(GgufWriter w, Shape s, Spec spec) {
        w.addTensor("token_embd.weight", spec.weightType(), s.dModel(), s.nVocab());
        w.addTensor("output_norm.weight", GgmlType.F32, s.dModel());
        if (!s.tied()) w.addTensor("output.weight", spec.outputType(), s.dModel(), s.nVocab());
        for (int il = 0; il < s.nLayer(); il++) {
            String b = "blk." + il + ".";
            w.addTensor(b + "attn_norm.weight", GgmlType.F32, s.dModel());
            w.addTensor(b + "ssm_in.weight", spec.weightType(), s.dModel(), s.dInProj());
            w.addTensor(b + "ssm_conv1d.weight", GgmlType.F32, s.dConv(), s.convDim());
            w.addTensor(b + "ssm_conv1d.bias", GgmlType.F32, s.convDim());
            w.addTensor(b + "ssm_dt.bias", GgmlType.F32, s.nHead());
            w.addTensor(b + "ssm_a", GgmlType.F32, 1, s.nHead());
            w.addTensor(b + "ssm_d", GgmlType.F32, 1, s.nHead());
            w.addTensor(b + "ssm_norm.weight", GgmlType.F32, s.dInner() / s.nGroup(), s.nGroup());
            w.addTensor(b + "ssm_out.weight", spec.weightType(), s.dInner(), s.dModel());
        }
    }

    private static void layer(Emitter out, Shape s, Spec spec, String b, SplittableRandom rnd) throws IOException {
        out.matrix(b + "attn_norm.weight", GgmlType.F32, 1, s.dModel(), around(rnd.split(), 1.0, 0.1));
        out.matrix(b + "ssm_in.weight", spec.weightType(), s.dInProj(), s.dModel(), uniform(rnd.split(), 1 / Math.sqrt(s.dModel())));
        out.matrix(b + "ssm_conv1d.weight", GgmlType.F32, s.convDim(), s.dConv(), uniform(rnd.split(), 1 / Math.sqrt(s.dConv())));
        out.matrix(b + "ssm_conv1d.bias", GgmlType.F32, 1, s.convDim(), uniform(rnd.split(), 0.1));
        SplittableRandom r = rnd.split();
        // dt_bias = softplus^-1(dt) for dt log-uniform in [0.001, 0.1], as Mamba-2 initialises it
        out.matrix(b + "ssm_dt.bias", GgmlType.F32, 1, s.nHead(), i -> {
            double dt = Math.exp(Math.log(0.001) + r.nextDouble() * (Math.log(0.1) - Math.log(0.001)));
            return (float) (dt + Math.log(-Math.expm1(-dt)));
        });
        SplittableRandom ra = rnd.split();
        out.matrix(b + "ssm_a", GgmlType.F32, 1, s.nHead(), i -> (float) -(1 + ra.nextDouble() * 15));
        out.matrix(b + "ssm_d", GgmlType.F32, 1, s.nHead(), around(rnd.split(), 1.0, 0.1));
        out.matrix(b + "ssm_norm.weight", GgmlType.F32, s.nGroup(), s.dInner() / s.nGroup(), around(rnd.split(), 1.0, 0.1));
        // residual branches scaled by 1/sqrt(2 n_layer), as GPT-2 initialises them, so the stream
        // grows gently with depth as in trained models instead of being rewritten by every layer
        double outStd = 1 / Math.sqrt(s.dInner()) / Math.sqrt(2.0 * s.nLayer());
        out.matrix(b + "ssm_out.weight", spec.weightType(), s.dModel(), s.dInner(), uniform(rnd.split(), outStd));
    }

    /** Values by flat index. */
    @FunctionalInterface
    interface Gen {
        float at(long i);
    }

    @FunctionalInterface
    private interface Emitter {
        void matrix(String name, GgmlType type, long rows, long perRow, Gen gen) throws IOException;
    }

    /** Uniform with standard deviation std. */
    private static Gen uniform(SplittableRandom r, double std) {
        double a = std * Math.sqrt(3);
        return i -> (float) ((r.nextDouble() * 2 - 1) * a);
    }

    private static Gen around(SplittableRandom r, double center, double spread) {
        return i -> (float) (center + (r.nextDouble() * 2 - 1) * spread);
    }

    private static void emit(GgufWriter w, Kernels k, String name, GgmlType type, long rows, long perRow, Gen gen)
            throws IOException {
        try (Arena arena = Arena.ofConfined(); TensorSink sink = w.beginTensor(name)) {
            long chunk = Math.min(rows, ROWS_PER_CHUNK);
            MemorySegment src = arena.allocate(chunk * perRow * Float.BYTES, 64);
            MemorySegment dst = arena.allocate(type.rowBytes(perRow) * chunk, 64);
            long i = 0;
            for (long r0 = 0; r0 < rows; r0 += chunk) {
                long n = Math.min(chunk, rows - r0);
                for (long j = 0; j < n * perRow; j++) src.setAtIndex(ValueLayout.JAVA_FLOAT, j, gen.at(i++));
                long bytes = type.rowBytes(perRow) * n;
                if (type == GgmlType.F32) {
                    sink.write(src.asSlice(0, bytes));
                } else {
                    k.quantize(type, src, dst, n, perRow);
                    sink.write(dst.asSlice(0, bytes));
                }
            }
        }
    }
}
