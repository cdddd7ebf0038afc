/*
 * kquant_traits.c - the K-quant half of the type table, and the kernel
 * choice for those types per level. SIMD kernels are only referenced here,
 * never called: jm_kernels_init picks the level from the CPU's features.
 */
#include "quants.h"
#include "kquant_kernels.h"
#include "../kernels/kernels.h"

static const jm_type_traits kq_traits[] = {
    { "q2_K", QK_K, sizeof(block_q2_K), JM_TYPE_Q8_K, jm_dequantize_row_q2_K, jm_quantize_row_q2_K_ref, jm_vec_dot_q2_K_q8_K_scalar },
    { "q3_K", QK_K, sizeof(block_q3_K), JM_TYPE_Q8_K, jm_dequantize_row_q3_K, jm_quantize_row_q3_K_ref, jm_vec_dot_q3_K_q8_K_scalar },
    { "q4_K", QK_K, sizeof(block_q4_K), JM_TYPE_Q8_K, jm_dequantize_row_q4_K, jm_quantize_row_q4_K_ref, jm_vec_dot_q4_K_q8_K_scalar },
    { "q5_K", QK_K, sizeof(block_q5_K), JM_TYPE_Q8_K, jm_dequantize_row_q5_K, jm_quantize_row_q5_K_ref, jm_vec_dot_q5_K_q8_K_scalar },
    { "q6_K", QK_K, sizeof(block_q6_K), JM_TYPE_Q8_K, jm_dequantize_row_q6_K, jm_quantize_row_q6_K_ref, jm_vec_dot_q6_K_q8_K_scalar },
    /* activation-only: no dot product of its own */
    { "q8_K", QK_K, sizeof(block_q8_K), JM_TYPE_Q8_K, jm_dequantize_row_q8_K, jm_quantize_row_q8_K_ref, NULL },
};

const jm_type_traits *jm_kquant_traits(int32_t type) {
    if (type < JM_TYPE_Q2_K || type > JM_TYPE_Q8_K) return NULL;
    return &kq_traits[type - JM_TYPE_Q2_K];
}

void jm_kernels_init_kquants(jm_kernels *k, int32_t level, uint32_t features) {
    for (int32_t t = JM_TYPE_Q2_K; t <= JM_TYPE_Q8_K; ++t) {
        const jm_type_traits *tr = jm_kquant_traits(t);
        k->vec_dot[t] = tr->vec_dot_scalar;
        k->from_float[t] = tr->from_float_ref;
        k->to_float[t] = tr->to_float;
    }
#if defined(JM_HAVE_X86_KERNELS)
    if (level == JM_LEVEL_AVX2 || level == JM_LEVEL_AVX512) {
        k->vec_dot[JM_TYPE_Q2_K] = jm_vec_dot_q2_K_q8_K_avx2;
        k->vec_dot[JM_TYPE_Q3_K] = jm_vec_dot_q3_K_q8_K_avx2;
        k->vec_dot[JM_TYPE_Q4_K] = jm_vec_dot_q4_K_q8_K_avx2;
        k->vec_dot[JM_TYPE_Q5_K] = jm_vec_dot_q5_K_q8_K_avx2;
        k->vec_dot[JM_TYPE_Q6_K] = jm_vec_dot_q6_K_q8_K_avx2;
        k->from_float[JM_TYPE_Q8_K] = jm_quantize_row_q8_K_avx2;
        k->gemm[JM_TYPE_Q4_K] = jm_gemm_q4_K_avx2;
        k->gemm[JM_TYPE_Q5_K] = jm_gemm_q5_K_avx2;
        k->gemm[JM_TYPE_Q6_K] = jm_gemm_q6_K_avx2;
#if defined(JM_HAVE_AVXVNNI_KERNELS)
        if (features & JM_CPU_AVXVNNI) { /* vpdpbusd without AVX-512 */
            k->gemm[JM_TYPE_Q4_K] = jm_gemm_q4_K_avxvnni;
            k->gemm[JM_TYPE_Q5_K] = jm_gemm_q5_K_avxvnni;
            k->gemm[JM_TYPE_Q6_K] = jm_gemm_q6_K_avxvnni;
        }
#endif
    }
    if (level == JM_LEVEL_AVX512 && (features & JM_CPU_AVX512VNNI)) {
        k->vec_dot[JM_TYPE_Q2_K] = jm_vec_dot_q2_K_q8_K_avx512vnni;
        k->vec_dot[JM_TYPE_Q3_K] = jm_vec_dot_q3_K_q8_K_avx512vnni;
        k->vec_dot[JM_TYPE_Q4_K] = jm_vec_dot_q4_K_q8_K_avx512vnni;
        k->vec_dot[JM_TYPE_Q5_K] = jm_vec_dot_q5_K_q8_K_avx512vnni;
        k->vec_dot[JM_TYPE_Q6_K] = jm_vec_dot_q6_K_q8_K_avx512vnni;
        k->gemm[JM_TYPE_Q2_K] = jm_gemm_q2_K_avx512vnni;
        k->gemm[JM_TYPE_Q3_K] = jm_gemm_q3_K_avx512vnni;
        k->gemm[JM_TYPE_Q4_K] = jm_gemm_q4_K_avx512vnni;
        k->gemm[JM_TYPE_Q5_K] = jm_gemm_q5_K_avx512vnni;
        k->gemm[JM_TYPE_Q6_K] = jm_gemm_q6_K_avx512vnni;
#if defined(JM_HAVE_AMX_KERNELS)
        if (features & JM_CPU_AMX_INT8) { /* batches on packed weights; the rest as VNNI */
            k->gemm[JM_TYPE_Q4_K] = jm_gemm_q4_K_amx;
            k->gemm[JM_TYPE_Q5_K] = jm_gemm_q5_K_amx;
        }
#endif
    }
#elif defined(JM_HAVE_NEON_KERNELS)
    /* the dots; the products run them through jm_gemm_by_dots */
    if (level == JM_LEVEL_NEON && (features & JM_CPU_NEON)) {
        k->vec_dot[JM_TYPE_Q2_K] = jm_vec_dot_q2_K_q8_K_neon;
        k->vec_dot[JM_TYPE_Q3_K] = jm_vec_dot_q3_K_q8_K_neon;
        k->vec_dot[JM_TYPE_Q4_K] = jm_vec_dot_q4_K_q8_K_neon;
        k->vec_dot[JM_TYPE_Q5_K] = jm_vec_dot_q5_K_q8_K_neon;
        k->vec_dot[JM_TYPE_Q6_K] = jm_vec_dot_q6_K_q8_K_neon;
    }
#else
    (void)level;
    (void)features;
#endif
}
