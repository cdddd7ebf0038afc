package org.jmamba;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jmamba.bindings.jm_context_params;
import org.jmamba.bindings.jmamba_h;

/**
 * One native jm_context: its worker threads, kernels and scratch memory. Used by one thread at a
 * time; the {@link Model} keeps idle ones for reuse so threads are never created per call.
 */
final class NativeContext implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final MemorySegment handle;
    private final int cpuFeatureMask;
    final MemorySegment error;

    NativeContext(int threads, int cpuFeatureMask) {
        this.cpuFeatureMask = cpuFeatureMask;
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment params = jmamba_h.jm_context_default_params(tmp);
            jm_context_params.n_threads(params, threads);
            jm_context_params.cpu_features_mask(params, cpuFeatureMask);
            MemorySegment out = tmp.allocate(jmamba_h.C_POINTER);
            error = NativeCalls.newError(arena);
            int st = jmamba_h.jm_context_create(params, out, error);
            try {
                NativeCalls.check(st, error, "cannot create a native context");
            } catch (RuntimeException | Error e) {
                arena.close(); // after the check: the error's message lives in this arena
                throw e;
            }
            handle = out.get(jmamba_h.C_POINTER, 0);
        }
    }

    MemorySegment handle() {
        return handle;
    }

    int threads() {
        return jmamba_h.jm_context_n_threads(handle);
    }

    /** The features this context's kernels were allowed (before ANDing with the CPU's). */
    int cpuFeatureMask() {
        return cpuFeatureMask;
    }

    KernelLevel kernelLevel() {
        return KernelLevel.of(jmamba_h.jm_context_kernel_level(handle));
    }

    @Override
    public void close() {
        jmamba_h.jm_context_free(handle);
        arena.close();
    }
}
