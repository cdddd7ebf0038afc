/*
 * legacy_traits.c - type traits of the float and legacy-quant types:
 * ggml's names, block geometry and the activation type each dot product
 * takes on ggml's CPU backend.
 */
#include "legacy_kernels.h"

static const jm_type_traits k_f32 = {
    .name = "f32", .block_size = 1, .type_size = 4, .vec_dot_type = JM_TYPE_F32,
    .to_float = jm_dequantize_row_f32, .from_float_ref = jm_quantize_row_f32_ref,
    .vec_dot_scalar = jm_vec_dot_f32_scalar,
};
static const jm_type_traits k_f16 = {
    .name = "f16", .block_size = 1, .type_size = 2, .vec_dot_type = JM_TYPE_F16,
    .to_float = jm_dequantize_row_f16, .from_float_ref = jm_quantize_row_f16_ref,
    .vec_dot_scalar = jm_vec_dot_f16_scalar,
};
static const jm_type_traits k_bf16 = {
    .name = "bf16", .block_size = 1, .type_size = 2, .vec_dot_type = JM_TYPE_BF16,
    .to_float = jm_dequantize_row_bf16, .from_float_ref = jm_quantize_row_bf16_ref,
    .vec_dot_scalar = jm_vec_dot_bf16_scalar,
};
static const jm_type_traits k_q4_0 = {
    .name = "q4_0", .block_size = JM_QK4_0, .type_size = sizeof(jm_block_q4_0),
    .vec_dot_type = JM_TYPE_Q8_0,
    .to_float = jm_dequantize_row_q4_0, .from_float_ref = jm_quantize_row_q4_0_ref,
    .vec_dot_scalar = jm_vec_dot_q4_0_q8_0_scalar,
};
static const jm_type_traits k_q4_1 = {
    .name = "q4_1", .block_size = JM_QK4_1, .type_size = sizeof(jm_block_q4_1),
    .vec_dot_type = JM_TYPE_Q8_1,
    .to_float = jm_dequantize_row_q4_1, .from_float_ref = jm_quantize_row_q4_1_ref,
    .vec_dot_scalar = jm_vec_dot_q4_1_q8_1_scalar,
};
static const jm_type_traits k_q5_0 = {
    .name = "q5_0", .block_size = JM_QK5_0, .type_size = sizeof(jm_block_q5_0),
    .vec_dot_type = JM_TYPE_Q8_0,
    .to_float = jm_dequantize_row_q5_0, .from_float_ref = jm_quantize_row_q5_0_ref,
    .vec_dot_scalar = jm_vec_dot_q5_0_q8_0_scalar,
};
static const jm_type_traits k_q5_1 = {
    .name = "q5_1", .block_size = JM_QK5_1, .type_size = sizeof(jm_block_q5_1),
    .vec_dot_type = JM_TYPE_Q8_1,
    .to_float = jm_dequantize_row_q5_1, .from_float_ref = jm_quantize_row_q5_1_ref,
    .vec_dot_scalar = jm_vec_dot_q5_1_q8_1_scalar,
};
static const jm_type_traits k_q8_0 = {
    .name = "q8_0", .block_size = JM_QK8_0, .type_size = sizeof(jm_block_q8_0),
    .vec_dot_type = JM_TYPE_Q8_0,
    .to_float = jm_dequantize_row_q8_0, .from_float_ref = jm_quantize_row_q8_0_ref,
    .vec_dot_scalar = jm_vec_dot_q8_0_q8_0_scalar,
};
/* Activation-only, as in ggml: no dot product takes Q8_1 weights. */
static const jm_type_traits k_q8_1 = {
    .name = "q8_1", .block_size = JM_QK8_1, .type_size = sizeof(jm_block_q8_1),
    .vec_dot_type = JM_TYPE_Q8_1,
    .to_float = jm_dequantize_row_q8_1, .from_float_ref = jm_quantize_row_q8_1_ref,
    .vec_dot_scalar = NULL,
};

const jm_type_traits *jm_legacy_traits(int32_t type) {
    switch (type) {
    case JM_TYPE_F32:  return &k_f32;
    case JM_TYPE_F16:  return &k_f16;
    case JM_TYPE_BF16: return &k_bf16;
    case JM_TYPE_Q4_0: return &k_q4_0;
    case JM_TYPE_Q4_1: return &k_q4_1;
    case JM_TYPE_Q5_0: return &k_q5_0;
    case JM_TYPE_Q5_1: return &k_q5_1;
    case JM_TYPE_Q8_0: return &k_q8_0;
    case JM_TYPE_Q8_1: return &k_q8_1;
    default:           return NULL;
    }
}
