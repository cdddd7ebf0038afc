package org.jmamba;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import org.jmamba.bindings.jmamba_h;

/**
 * The CPU features the native kernels can use (the C header's {@code jm_cpu_feature} bits). A
 * {@link Model.Options} set of them limits which kernel sets a model runs, e.g. to compare
 * AVX2 with AVX-512 on one machine; features the CPU lacks are never used, whatever the set.
 */
public enum CpuFeature {
    AVX2(jmamba_h.JM_CPU_AVX2),
    FMA(jmamba_h.JM_CPU_FMA),
    F16C(jmamba_h.JM_CPU_F16C),
    AVX512F(jmamba_h.JM_CPU_AVX512F),
    AVX512BW(jmamba_h.JM_CPU_AVX512BW),
    AVX512VL(jmamba_h.JM_CPU_AVX512VL),
    AVX512VNNI(jmamba_h.JM_CPU_AVX512VNNI),
    AVX512BF16(jmamba_h.JM_CPU_AVX512BF16),
    AVXVNNI(jmamba_h.JM_CPU_AVXVNNI),
    NEON(jmamba_h.JM_CPU_NEON),
    DOTPROD(jmamba_h.JM_CPU_DOTPROD),
    AMX_INT8(jmamba_h.JM_CPU_AMX_INT8);

    private final int bit;

    CpuFeature(int bit) {
        this.bit = bit;
    }

    /** This feature's bit in the C header's {@code cpu_features_mask}. */
    int bit() {
        return bit;
    }

    /** The lower-case name with '-' for '_' ("amx-int8"), as command lines spell it. */
    public String id() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The feature called {@code id} (case and '-' / '_' do not matter). */
    public static CpuFeature of(String id) {
        String key = id.strip().toUpperCase(Locale.ROOT).replace('-', '_');
        for (CpuFeature f : values()) if (f.name().equals(key)) return f;
        throw new IllegalArgumentException("unknown CPU feature '" + id + "'; known: " + known());
    }

    /** The features of this CPU (detected once by the native library). */
    public static Set<CpuFeature> detected() {
        int bits = jmamba_h.jm_cpu_features();
        Set<CpuFeature> s = EnumSet.noneOf(CpuFeature.class);
        for (CpuFeature f : values()) if ((bits & f.bit) != 0) s.add(f);
        return s;
    }

    /** The C header's mask allowing exactly these features. */
    static int mask(Set<CpuFeature> features) {
        int m = 0;
        for (CpuFeature f : features) m |= f.bit;
        return m;
    }

    private static String known() {
        StringBuilder b = new StringBuilder();
        for (CpuFeature f : values()) b.append(b.isEmpty() ? "" : ", ").append(f.id());
        return b.toString();
    }
}
