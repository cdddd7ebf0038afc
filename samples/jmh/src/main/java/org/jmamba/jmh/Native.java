package org.jmamba.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jmamba.bindings.jm_context_params;
import org.jmamba.bindings.jm_error;
import org.jmamba.bindings.jmamba_h;

/** Direct calls through the generated bindings, for benchmarks that time the native side alone. */
final class Native {
    private Native() {}

    static MemorySegment newError(Arena arena) {
        return jm_error.allocate(arena);
    }

    static void check(int status, MemorySegment err, String what) {
        if (status != jmamba_h.JM_OK) {
            throw new IllegalStateException(what + " failed (status " + status + "): "
                    + jm_error.message(err).getString(0));
        }
    }

    /** A jm_context with this many threads and every CPU feature; free it with jm_context_free. */
    static MemorySegment context(int threads) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment params = jmamba_h.jm_context_default_params(tmp);
            jm_context_params.n_threads(params, threads);
            jm_context_params.cpu_features_mask(params, -1); // every feature the CPU has
            MemorySegment out = tmp.allocate(jmamba_h.C_POINTER);
            MemorySegment err = newError(tmp);
            check(jmamba_h.jm_context_create(params, out, err), err, "jm_context_create");
            return out.get(jmamba_h.C_POINTER, 0);
        }
    }
}
