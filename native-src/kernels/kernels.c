/* kernels.c - picks the kernel level from the features the context may use. */
#include <string.h>
#include "kernels.h"

static int32_t pick_level(uint32_t f) {
#if defined(__x86_64__) || defined(_M_X64)
    const uint32_t avx2 = JM_CPU_AVX2 | JM_CPU_FMA | JM_CPU_F16C;
    const uint32_t avx512 = avx2 | JM_CPU_AVX512F | JM_CPU_AVX512BW | JM_CPU_AVX512VL;
    if ((f & avx512) == avx512) return JM_LEVEL_AVX512;
    if ((f & avx2) == avx2) return JM_LEVEL_AVX2;
#elif defined(__aarch64__)
    if (f & JM_CPU_NEON) return JM_LEVEL_NEON;
#endif
    return JM_LEVEL_SCALAR;
}

void jm_kernels_init(jm_kernels *k, uint32_t features) {
    /* AMX tile data faults until Linux grants it, which feature detection
       asks for: make sure it ran before any AMX kernel can be picked */
    if (features & JM_CPU_AMX_INT8) (void)jm_cpu_features();
    memset(k, 0, sizeof *k);
    k->level = pick_level(features);
    k->features = features;
    k->pack_lanes = jm_gemm_pack_lanes(features);
    k->scan_row = jm_scan_row_scalar;
    k->scan_head = jm_scan_head_scalar;
    /* no chunked scan on the scalar level: its twin's fmaf is a library call
       per term on x86 without FMA, 8x slower than the recurrence */
    k->ssd_gemm = NULL;
    k->transpose = jm_transpose_scalar;
    k->conv_silu = jm_conv_silu_scalar;
    k->silu_mul = jm_silu_mul_scalar;
#if defined(JM_HAVE_X86_KERNELS)
    if (k->level == JM_LEVEL_AVX2 || k->level == JM_LEVEL_AVX512) {
        k->scan_row = jm_scan_row_avx2;
        k->scan_head = jm_scan_head_avx2;
        k->ssd_gemm = jm_ssd_gemm_avx2;
        k->transpose = jm_transpose_avx2;
        k->conv_silu = jm_conv_silu_avx2;
        k->silu_mul = jm_silu_mul_avx2;
    }
    if (k->level == JM_LEVEL_AVX512) {
        k->scan_row = jm_scan_row_avx512;
        k->scan_head = jm_scan_head_avx512;
        k->ssd_gemm = jm_ssd_gemm_avx512;
        k->conv_silu = jm_conv_silu_avx512;
        k->silu_mul = jm_silu_mul_avx512;
    }
#endif
#if defined(JM_HAVE_NEON_KERNELS)
    if (k->level == JM_LEVEL_NEON) {
        k->scan_row = jm_scan_row_neon;
        k->scan_head = jm_scan_head_neon;
        k->ssd_gemm = jm_ssd_gemm_neon;
        k->conv_silu = jm_conv_silu_neon;
        k->silu_mul = jm_silu_mul_neon;
    }
#endif
    jm_kernels_init_legacy(k, k->level, features);
    jm_kernels_init_kquants(k, k->level, features);
}
