/*
 * kquant_traits.c - the K-quant half of the type table: ggml's names,
 * block geometry, and the scalar twins. Which SIMD kernel runs where is
 * kernels/kernel_table.c.
 */
#include "quants.h"
#include "kquant_kernels.h"

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
