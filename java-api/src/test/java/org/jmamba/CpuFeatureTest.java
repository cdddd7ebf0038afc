package org.jmamba;

import static org.junit.jupiter.api.Assertions.*;

import java.util.EnumSet;
import java.util.Set;
import org.jmamba.bindings.jmamba_h;
import org.junit.jupiter.api.Test;

class CpuFeatureTest {
    @Test
    void bitsAreTheHeadersAndDistinct() {
        int all = 0;
        for (CpuFeature f : CpuFeature.values()) {
            assertEquals(1, Integer.bitCount(f.bit()), f.name());
            assertEquals(0, all & f.bit(), f + " repeats a bit");
            all |= f.bit();
        }
        assertEquals(jmamba_h.JM_CPU_AMX_INT8, CpuFeature.AMX_INT8.bit());
        assertEquals(jmamba_h.JM_CPU_AVX512VNNI, CpuFeature.AVX512VNNI.bit());
        assertEquals(0, jmamba_h.jm_cpu_features() & ~all, "the library reports a feature this enum lacks");
    }

    @Test
    void namesRoundTripAndUnknownOnesAreRefusedByName() {
        for (CpuFeature f : CpuFeature.values()) assertEquals(f, CpuFeature.of(f.id()));
        assertEquals(CpuFeature.AMX_INT8, CpuFeature.of(" AMX_int8 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CpuFeature.of("sse9"));
        assertTrue(e.getMessage().contains("sse9") && e.getMessage().contains("avx512vnni"), e.getMessage());
    }

    @Test
    void detectedMatchesTheLibraryAndMasksCompose() {
        Set<CpuFeature> d = CpuFeature.detected();
        assertEquals(jmamba_h.jm_cpu_features(), CpuFeature.mask(d));
        Set<CpuFeature> avx2 = EnumSet.of(CpuFeature.AVX2, CpuFeature.FMA, CpuFeature.F16C);
        Model.Options o = Model.Options.defaults().withThreads(3).withCpuFeatures(avx2);
        assertEquals(3, o.threads());
        assertEquals(jmamba_h.JM_CPU_AVX2 | jmamba_h.JM_CPU_FMA | jmamba_h.JM_CPU_F16C, o.cpuFeatureMask());
        assertEquals(0, Model.Options.defaults().withCpuFeatures(EnumSet.noneOf(CpuFeature.class)).cpuFeatureMask());
        assertEquals(0, Model.Options.defaults().withCpuFeatures(Set.of()).cpuFeatureMask());
        assertEquals(Set.of(CpuFeature.NEON), Model.Options.defaults().withCpuFeatures(Set.of(CpuFeature.NEON)).cpuFeatures());
    }

    @Test
    void kernelLevelFollowsTheAllowedFeatures() {
        try (Kernels none = new Kernels(1, Set.of())) {
            assertEquals(KernelLevel.SCALAR, none.kernelLevel());
        }
        Set<CpuFeature> avx2 = EnumSet.of(CpuFeature.AVX2, CpuFeature.FMA, CpuFeature.F16C);
        try (Kernels k = new Kernels(1, avx2)) {
            assertEquals(CpuFeature.detected().containsAll(avx2) ? KernelLevel.AVX2 : KernelLevel.SCALAR, k.kernelLevel());
        }
    }

    @Test
    void nativeErrorsKeepTheLibrarysMessage() {
        // the context's error lives in an arena that must still be open when the message is read
        var e = assertThrows(IllegalArgumentException.class, () -> new Kernels(1_000_000));
        assertTrue(e.getMessage().contains("n_threads 1000000 is above the limit"), e.getMessage());
    }
}
