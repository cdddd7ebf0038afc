package org.jmamba;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.jmamba.bindings.jm_model_params;
import org.jmamba.bindings.jm_model_sizes;
import org.jmamba.bindings.jmamba_h;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufFormatException;
import org.jmamba.gguf.GgufTensorInfo;
import org.jmamba.gguf.GgufWriter;

/**
 * The hyper-parameters of a Mamba-2 model, as llama.cpp stores them under the {@code mamba2.}
 * metadata prefix, plus the figures derived from them. The rules they must meet and the derived
 * figures come from the native library (jm_model_params_check), the one place that knows them.
 */
public record Mamba2Params(int nVocab, int dModel, int nLayer, int dInner, int dState,
                           int nHead, int nGroup, int dConv, float normEps, boolean tiedOutput) {

    public static final String ARCH = "mamba2";

    /** Checked by the native library, which owns the rules (see jm_model_params_check in jmamba.h). */
    public Mamba2Params {
        sizes(nVocab, dModel, nLayer, dInner, dState, nHead, nGroup, dConv, normEps);
    }

    /** Values per head (P). */
    public int headDim() { return (int) jm_model_sizes.head_dim(sizes()); }

    /** Channels of the causal conv: x, B and C (the library checked that it fits an int). */
    public int convDim() { return (int) jm_model_sizes.conv_dim(sizes()); }

    /** Rows of ssm_in: z, xBC and dt (the library checked that it fits an int). */
    public int dInProj() { return (int) jm_model_sizes.d_in_proj(sizes()); }

    /** Bytes of one sequence's conv and SSM state, all layers. */
    public long stateBytes() { return jm_model_sizes.state_bytes(sizes()); }

    /**
     * These hyper-parameters as a {@code jm_model_params} in {@code arena}, the library's defaults
     * for the rest: what {@code jm_model_create} takes, for code that calls the bindings directly.
     */
    public MemorySegment toNative(Arena arena) {
        return toNative(arena, nVocab, dModel, nLayer, dInner, dState, nHead, nGroup, dConv, normEps);
    }

    private static MemorySegment toNative(Arena arena, int nVocab, int dModel, int nLayer, int dInner, int dState,
                                          int nHead, int nGroup, int dConv, float normEps) {
        MemorySegment p = jmamba_h.jm_model_default_params(arena);
        jm_model_params.n_vocab(p, nVocab);
        jm_model_params.d_model(p, dModel);
        jm_model_params.n_layer(p, nLayer);
        jm_model_params.d_inner(p, dInner);
        jm_model_params.d_state(p, dState);
        jm_model_params.n_head(p, nHead);
        jm_model_params.n_group(p, nGroup);
        jm_model_params.d_conv(p, dConv);
        jm_model_params.norm_eps(p, normEps);
        return p;
    }

    /** The library's jm_model_sizes for these hyper-parameters, on the heap. */
    private MemorySegment sizes() {
        return sizes(nVocab, dModel, nLayer, dInner, dState, nHead, nGroup, dConv, normEps);
    }

    /** @throws IllegalArgumentException with the library's reason when it refuses them */
    private static MemorySegment sizes(int nVocab, int dModel, int nLayer, int dInner, int dState, int nHead,
                                       int nGroup, int dConv, float normEps) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment err = NativeCalls.newError(arena);
            MemorySegment sizes = jm_model_sizes.allocate(arena);
            int status = jmamba_h.jm_model_params_check(
                    toNative(arena, nVocab, dModel, nLayer, dInner, dState, nHead, nGroup, dConv, normEps), sizes, err);
            if (status != jmamba_h.JM_OK) throw new IllegalArgumentException(NativeCalls.message(err, status));
            return MemorySegment.ofArray(sizes.toArray(ValueLayout.JAVA_LONG));
        }
    }

    /** Writes the {@code mamba2.*} hyper-parameter keys that {@link #fromGguf} reads back. */
    public void writeTo(GgufWriter w) {
        String p = ARCH + ".";
        w.putString("general.architecture", ARCH);
        w.putU32(p + "context_length", 1 << 20); // no positional limit; llama.cpp wants the key
        w.putU32(p + "embedding_length", dModel);
        w.putU32(p + "block_count", nLayer);
        w.putU32(p + "ssm.conv_kernel", dConv);
        w.putU32(p + "ssm.inner_size", dInner);
        w.putU32(p + "ssm.state_size", dState);
        w.putU32(p + "ssm.time_step_rank", nHead);
        w.putU32(p + "ssm.group_count", nGroup);
        w.putF32(p + "attention.layer_norm_rms_epsilon", normEps);
    }

    /** Reads the {@code mamba2.*} keys; the vocabulary size comes from token_embd's shape. */
    public static Mamba2Params fromGguf(GgufFile f) {
        String arch = f.architecture();
        if (!ARCH.equals(arch)) {
            throw new UnsupportedModelException(f.path() + ": architecture '" + arch
                    + "' is not supported; jmamba runs '" + ARCH + "' models");
        }
        String embdName = NativeCalls.tensorName(jmamba_h.JM_TENSOR_TOKEN_EMBD);
        GgufTensorInfo embd = f.tensor(embdName).orElseThrow(
                () -> new MissingTensorException(f.path() + ": tensor " + embdName + " is missing"));
        if (embd.nDims() != 2) {
            throw new ShapeMismatchException(f.path() + ": tensor " + embdName + " has " + embd.nDims()
                    + " dimensions, expected 2");
        }
        if (embd.dim(1) > Integer.MAX_VALUE) {
            throw new ShapeMismatchException(f.path() + ": tensor " + embdName + " has " + embd.dim(1) + " rows, more than an int holds");
        }
        int nVocab = (int) embd.dim(1);
        String p = ARCH + ".";
        try {
            return new Mamba2Params(nVocab,
                    f.getInt(p + "embedding_length"),
                    f.getInt(p + "block_count"),
                    f.getInt(p + "ssm.inner_size"),
                    f.getInt(p + "ssm.state_size"),
                    f.getInt(p + "ssm.time_step_rank"),
                    f.getInt(p + "ssm.group_count", 1), // checked: 2^32+1 is refused, not read as 1
                    f.getInt(p + "ssm.conv_kernel"),
                    f.getFloat(p + "attention.layer_norm_rms_epsilon"),
                    f.tensor(NativeCalls.tensorName(jmamba_h.JM_TENSOR_OUTPUT)).isEmpty());
        } catch (IllegalArgumentException e) {
            throw new UnsupportedModelException(f.path() + ": " + e.getMessage());
        }
    }
}
