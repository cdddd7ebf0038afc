package org.jmamba;

import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufFormatException;
import org.jmamba.gguf.GgufTensorInfo;
import org.jmamba.gguf.GgufWriter;

/**
 * The hyper-parameters of a Mamba-2 model, as llama.cpp stores them under the {@code mamba2.}
 * metadata prefix, plus the figures derived from them.
 */
public record Mamba2Params(int nVocab, int dModel, int nLayer, int dInner, int dState,
                           int nHead, int nGroup, int dConv, float normEps, boolean tiedOutput) {

    public static final String ARCH = "mamba2";

    public Mamba2Params {
        positive("n_vocab", nVocab);
        positive("d_model", dModel);
        positive("n_layer", nLayer);
        positive("d_inner", dInner);
        positive("d_state", dState);
        positive("n_head", nHead);
        positive("n_group", nGroup);
        positive("d_conv", dConv);
        if (dInner % nHead != 0) {
            throw new IllegalArgumentException("d_inner " + dInner + " is not a multiple of n_head " + nHead);
        }
        if (nHead % nGroup != 0) {
            throw new IllegalArgumentException("n_head " + nHead + " is not a multiple of n_group " + nGroup);
        }
        long inProj = 2L * dInner + 2L * nGroup * dState + nHead; // ssm_in's rows; conv_dim is less
        if (inProj > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("d_inner " + dInner + ", n_group " + nGroup + " and d_state " + dState
                    + " give ssm_in " + inProj + " rows, more than an int holds");
        }
        long perLayer = (long) (dConv - 1) * (dInner + 2L * nGroup * dState) + (long) dInner * dState;
        if (perLayer > Long.MAX_VALUE / Float.BYTES / nLayer) {
            throw new IllegalArgumentException(nLayer + " layers of " + perLayer + " state floats overflow a byte count");
        }
        if (!(normEps >= 0) || Float.isInfinite(normEps)) {
            throw new IllegalArgumentException("norm epsilon " + normEps + " is not a finite non-negative number");
        }
    }

    private static void positive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException(name + " = " + v + " must be positive");
    }

    /** Values per head (P). */
    public int headDim() { return dInner / nHead; }

    /** Channels of the causal conv: x, B and C (the constructor checked that it fits an int). */
    public int convDim() { return dInner + 2 * nGroup * dState; }

    /** Rows of ssm_in: z, xBC and dt (the constructor checked that it fits an int). */
    public int dInProj() { return 2 * dInner + 2 * nGroup * dState + nHead; }

    /** Bytes of one sequence's conv and SSM state, all layers. */
    public long stateBytes() {
        long perLayer = (long) (dConv - 1) * convDim() + (long) dInner * dState;
        return perLayer * nLayer * Float.BYTES;
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
        GgufTensorInfo embd = f.tensor("token_embd.weight").orElseThrow(
                () -> new MissingTensorException(f.path() + ": tensor token_embd.weight is missing"));
        if (embd.nDims() != 2) {
            throw new ShapeMismatchException(f.path() + ": tensor token_embd.weight has " + embd.nDims()
                    + " dimensions, expected 2");
        }
        if (embd.dim(1) > Integer.MAX_VALUE) {
            throw new ShapeMismatchException(f.path() + ": tensor token_embd.weight has " + embd.dim(1) + " rows, more than an int holds");
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
                    f.tensor("output.weight").isEmpty());
        } catch (IllegalArgumentException e) {
            throw new UnsupportedModelException(f.path() + ": " + e.getMessage());
        }
    }
}
