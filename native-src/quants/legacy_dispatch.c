/*
 * legacy_dispatch.c - picks the float and legacy-quant kernels for a kernel
 * level. Scalar entries first, then whatever the level (and the feature
 * bits, checked again here so an inconsistent caller cannot reach an
 * instruction the CPU lacks) allows on top.
 */
#include "legacy_kernels.h"
#include "../kernels/kernels.h"

static const int32_t k_types[] = {
    JM_TYPE_F32, JM_TYPE_F16, JM_TYPE_BF16, JM_TYPE_Q4_0, JM_TYPE_Q4_1,
    JM_TYPE_Q5_0, JM_TYPE_Q5_1, JM_TYPE_Q8_0, JM_TYPE_Q8_1,
};

void jm_kernels_init_legacy(jm_kernels *k, int32_t level, uint32_t features) {
    for (size_t i = 0; i < sizeof k_types / sizeof k_types[0]; i++) {
        const jm_type_traits *t = jm_legacy_traits(k_types[i]);
        k->vec_dot[k_types[i]] = t->vec_dot_scalar;
        k->from_float[k_types[i]] = jm_legacy_activation_quantizer(k_types[i]);
        k->to_float[k_types[i]] = t->to_float;
        k->gemm[k_types[i]] = NULL; /* jm_gemm_by_dots */
    }
    (void)level;
    (void)features;

#if defined(JM_HAVE_X86_KERNELS)
    const uint32_t avx2 = JM_CPU_AVX2 | JM_CPU_FMA | JM_CPU_F16C;
    const uint32_t avx512 = avx2 | JM_CPU_AVX512F | JM_CPU_AVX512BW | JM_CPU_AVX512VL;
    if ((level == JM_LEVEL_AVX2 || level == JM_LEVEL_AVX512) && (features & avx2) == avx2) {
        k->vec_dot[JM_TYPE_F32]  = jm_vec_dot_f32_avx2;
        k->vec_dot[JM_TYPE_F16]  = jm_vec_dot_f16_avx2;
        k->vec_dot[JM_TYPE_BF16] = jm_vec_dot_bf16_avx2;
        k->vec_dot[JM_TYPE_Q4_0] = jm_vec_dot_q4_0_q8_0_avx2;
        k->vec_dot[JM_TYPE_Q4_1] = jm_vec_dot_q4_1_q8_1_avx2;
        k->vec_dot[JM_TYPE_Q5_0] = jm_vec_dot_q5_0_q8_0_avx2;
        k->vec_dot[JM_TYPE_Q5_1] = jm_vec_dot_q5_1_q8_1_avx2;
        k->vec_dot[JM_TYPE_Q8_0] = jm_vec_dot_q8_0_q8_0_avx2;
        k->gemm[JM_TYPE_Q4_0] = jm_gemm_q4_0_avx2;
        k->gemm[JM_TYPE_Q8_0] = jm_gemm_q8_0_avx2;
        k->gemm[JM_TYPE_Q5_0] = jm_gemm_q5_0_avx2;
        k->gemm[JM_TYPE_Q4_1] = jm_gemm_q4_1_avx2;
        k->gemm[JM_TYPE_Q5_1] = jm_gemm_q5_1_avx2;
#if defined(JM_HAVE_AVXVNNI_KERNELS)
        if (features & JM_CPU_AVXVNNI) { /* vpdpbusd without AVX-512 */
            k->gemm[JM_TYPE_Q4_0] = jm_gemm_q4_0_avxvnni;
            k->gemm[JM_TYPE_Q8_0] = jm_gemm_q8_0_avxvnni;
            k->gemm[JM_TYPE_Q5_0] = jm_gemm_q5_0_avxvnni;
            k->gemm[JM_TYPE_Q4_1] = jm_gemm_q4_1_avxvnni;
            k->gemm[JM_TYPE_Q5_1] = jm_gemm_q5_1_avxvnni;
        }
#endif

        k->from_float[JM_TYPE_Q8_0] = jm_quantize_row_q8_0_avx2;
        k->from_float[JM_TYPE_Q8_1] = jm_quantize_row_q8_1_avx2;
        k->from_float[JM_TYPE_F16]  = jm_quantize_row_f16_avx2;
        k->from_float[JM_TYPE_BF16] = jm_quantize_row_bf16_avx2;

        k->to_float[JM_TYPE_F16]  = jm_dequantize_row_f16_avx2;
        k->to_float[JM_TYPE_BF16] = jm_dequantize_row_bf16_avx2;
        k->to_float[JM_TYPE_Q4_0] = jm_dequantize_row_q4_0_avx2;
        k->to_float[JM_TYPE_Q4_1] = jm_dequantize_row_q4_1_avx2;
        k->to_float[JM_TYPE_Q5_0] = jm_dequantize_row_q5_0_avx2;
        k->to_float[JM_TYPE_Q5_1] = jm_dequantize_row_q5_1_avx2;
        k->to_float[JM_TYPE_Q8_0] = jm_dequantize_row_q8_0_avx2;
    }
    if (level == JM_LEVEL_AVX512 && (features & avx512) == avx512) {
        k->vec_dot[JM_TYPE_F32] = jm_vec_dot_f32_avx512;
        k->vec_dot[JM_TYPE_F16] = jm_vec_dot_f16_avx512;
        k->vec_dot[JM_TYPE_BF16] = (features & JM_CPU_AVX512BF16) ? jm_vec_dot_bf16_avx512bf16
                                                                  : jm_vec_dot_bf16_avx512;
        if (features & JM_CPU_AVX512VNNI) {
            k->vec_dot[JM_TYPE_Q4_0] = jm_vec_dot_q4_0_q8_0_avx512vnni;
            k->vec_dot[JM_TYPE_Q4_1] = jm_vec_dot_q4_1_q8_1_avx512vnni;
            k->vec_dot[JM_TYPE_Q5_0] = jm_vec_dot_q5_0_q8_0_avx512vnni;
            k->vec_dot[JM_TYPE_Q5_1] = jm_vec_dot_q5_1_q8_1_avx512vnni;
            k->vec_dot[JM_TYPE_Q8_0] = jm_vec_dot_q8_0_q8_0_avx512vnni;
            k->gemm[JM_TYPE_Q4_0] = jm_gemm_q4_0_avx512vnni;
            k->gemm[JM_TYPE_Q8_0] = jm_gemm_q8_0_avx512vnni;
            k->gemm[JM_TYPE_Q5_0] = jm_gemm_q5_0_avx512vnni;
            k->gemm[JM_TYPE_Q4_1] = jm_gemm_q4_1_avx512vnni;
            k->gemm[JM_TYPE_Q5_1] = jm_gemm_q5_1_avx512vnni;
#if defined(JM_HAVE_AMX_KERNELS)
            if (features & JM_CPU_AMX_INT8) { /* batches on packed weights; the rest as VNNI */
                k->gemm[JM_TYPE_Q4_0] = jm_gemm_q4_0_amx;
                k->gemm[JM_TYPE_Q8_0] = jm_gemm_q8_0_amx;
            }
#endif
        }
        /* without VNNI the integer dots stay on AVX2 */
    }
#endif

#if defined(JM_HAVE_NEON_KERNELS)
    if (level == JM_LEVEL_NEON && (features & JM_CPU_NEON)) {
        const int dp = (features & JM_CPU_DOTPROD) != 0;
        k->vec_dot[JM_TYPE_Q4_0] = dp ? jm_vec_dot_q4_0_q8_0_dotprod : jm_vec_dot_q4_0_q8_0_neon;
        k->vec_dot[JM_TYPE_Q8_0] = dp ? jm_vec_dot_q8_0_q8_0_dotprod : jm_vec_dot_q8_0_q8_0_neon;
    }
#endif
}
