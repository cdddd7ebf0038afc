package org.jmamba.jmh;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import org.jmamba.Mamba2Params;
import org.jmamba.bindings.jmamba_h;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufTensorInfo;

/**
 * A jm_model built straight through the bindings from a GGUF file, with no org.jmamba.Model around
 * it: what a raw jm_model_eval call runs on. The library knows the tensor names; this hands it
 * each tensor of the file by the name the file gives it.
 */
final class RawModel implements AutoCloseable {
    final GgufFile file;
    final Mamba2Params params;
    final MemorySegment handle;

    RawModel(Path path) throws IOException {
        file = GgufFile.open(path);
        params = Mamba2Params.fromGguf(file);
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment err = Native.newError(tmp);
            MemorySegment out = tmp.allocate(jmamba_h.C_POINTER);
            Native.check(jmamba_h.jm_model_create(params.toNative(tmp), out, err), err, "jm_model_create");
            handle = out.get(jmamba_h.C_POINTER, 0);
            for (GgufTensorInfo t : file.tensors()) {
                MemorySegment shape = tmp.allocateFrom(ValueLayout.JAVA_LONG, t.shape());
                MemorySegment data = file.tensorData(t);
                Native.check(jmamba_h.jm_model_set_tensor_by_name(handle, tmp.allocateFrom(t.name()), t.type().id(),
                        t.nDims(), shape, data, data.byteSize(), err), err, "set " + t.name());
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
