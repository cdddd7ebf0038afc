package org.jmamba;

import org.jmamba.bindings.jmamba_h;

/**
 * The kernel set a context runs (the C header's {@code jm_kernel_level}): the best the CPU has of
 * what the allowed {@link CpuFeature}s permit. Finer features (VNNI, AMX, dot-product) pick kernels
 * within a level.
 */
public enum KernelLevel {
    /** Plain C, every CPU: the reference the SIMD kernels are compared with. */
    SCALAR(jmamba_h.JM_LEVEL_SCALAR, "scalar"),
    /** AVX2 with FMA and F16C. */
    AVX2(jmamba_h.JM_LEVEL_AVX2, "AVX2"),
    /** AVX-512 F, BW and VL. */
    AVX512(jmamba_h.JM_LEVEL_AVX512, "AVX-512"),
    /** ARM NEON. */
    NEON(jmamba_h.JM_LEVEL_NEON, "NEON");

    private final int code;
    private final String displayName;

    KernelLevel(int code, String displayName) {
        this.code = code;
        this.displayName = displayName;
    }

    /** The name people write ("AVX-512"). */
    public String displayName() {
        return displayName;
    }

    static KernelLevel of(int code) {
        for (KernelLevel l : values()) if (l.code == code) return l;
        throw new NativeException("the native library reports an unknown kernel level " + code);
    }
}
