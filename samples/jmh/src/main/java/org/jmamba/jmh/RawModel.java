package org.jmamba.jmh;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Map;
import org.jmamba.Mamba2Params;
import org.jmamba.bindings.jm_model_params;
import org.jmamba.bindings.jmamba_h;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufTensorInfo;

/**
 * A jm_model built straight through the bindings from a GGUF file, with no org.jmamba.Model around
 * it: what a raw jm_model_eval call runs on.
 */
final class RawModel implements AutoCloseable {
    private static final Map<String, Integer> ROLES = Map.ofEntries(
            Map.entry("token_embd.weight", jmamba_h.JM_TENSOR_TOKEN_EMBD),
            Map.entry("output_norm.weight", jmamba_h.JM_TENSOR_OUTPUT_NORM),
            Map.entry("output.weight", jmamba_h.JM_TENSOR_OUTPUT),
            Map.entry("attn_norm.weight", jmamba_h.JM_TENSOR_ATTN_NORM),
            Map.entry("ssm_in.weight", jmamba_h.JM_TENSOR_SSM_IN),
            Map.entry("ssm_conv1d.weight", jmamba_h.JM_TENSOR_SSM_CONV1D),
            Map.entry("ssm_conv1d.bias", jmamba_h.JM_TENSOR_SSM_CONV1D_BIAS),
            Map.entry("ssm_dt.bias", jmamba_h.JM_TENSOR_SSM_DT_BIAS),
            Map.entry("ssm_a", jmamba_h.JM_TENSOR_SSM_A),
            Map.entry("ssm_d", jmamba_h.JM_TENSOR_SSM_D),
            Map.entry("ssm_norm.weight", jmamba_h.JM_TENSOR_SSM_NORM),
            Map.entry("ssm_out.weight", jmamba_h.JM_TENSOR_SSM_OUT));

    final GgufFile file;
    final Mamba2Params params;
    final MemorySegment handle;

    RawModel(Path path) throws IOException {
        file = GgufFile.open(path);
        params = Mamba2Params.fromGguf(file);
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment err = Native.newError(tmp);
            MemorySegment p = jm_model_params.allocate(tmp);
            jm_model_params.n_vocab(p, params.nVocab());
            jm_model_params.d_model(p, params.dModel());
            jm_model_params.n_layer(p, params.nLayer());
            jm_model_params.d_inner(p, params.dInner());
            jm_model_params.d_state(p, params.dState());
            jm_model_params.n_head(p, params.nHead());
            jm_model_params.n_group(p, params.nGroup());
            jm_model_params.d_conv(p, params.dConv());
            jm_model_params.norm_eps(p, params.normEps());
            MemorySegment out = tmp.allocate(jmamba_h.C_POINTER);
            Native.check(jmamba_h.jm_model_create(p, out, err), err, "jm_model_create");
            handle = out.get(jmamba_h.C_POINTER, 0);
            for (GgufTensorInfo t : file.tensors()) {
                String name = t.name();
                int layer = -1;
                if (name.startsWith("blk.")) {
                    int dot = name.indexOf('.', 4);
                    layer = Integer.parseInt(name.substring(4, dot));
                    name = name.substring(dot + 1);
                }
                Integer role = ROLES.get(name);
                if (role == null) throw new IllegalArgumentException(path + ": unexpected tensor " + t.name());
                long[] shape = t.shape();
                MemorySegment data = file.tensorData(t);
                Native.check(jmamba_h.jm_model_set_tensor(handle, layer, role, t.type().id(), shape[0],
                        shape.length > 1 ? shape[1] : 1, data, data.byteSize(), err), err, "set " + t.name());
            }
            Native.check(jmamba_h.jm_model_finalize(handle, err), err, "jm_model_finalize");
        }
    }

    @Override
    public void close() {
        jmamba_h.jm_model_free(handle);
        file.close();
    }
}
