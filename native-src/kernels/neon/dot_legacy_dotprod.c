/*
 * dot_legacy_dotprod.c - Q4_0 and Q8_0 weights . Q8_0 activations with the
 * ARMv8.2 dot product extension (sdot: four int8 products into each int32
 * lane), for CPUs reporting it (JM_CPU_DOTPROD). Compiled with +dotprod.
 */
#include "legacy_neon.h"

enum { BX4 = sizeof(jm_block_q4_0), BX8 = sizeof(jm_block_q8_0), BY = sizeof(jm_block_q8_0) };

void jm_vec_dot_q4_0_q8_0_dotprod(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    float32x4_t acc = vdupq_n_f32(0.0f);
    for (int64_t b = 0; b < n / 32; b++, x += BX4, y += BY) {
        int8x16_t lo, hi;
        jm_neon_q4_0(x + 2, &lo, &hi);
        int32x4_t p = vdotq_s32(vdupq_n_s32(0), lo, vld1q_s8((const int8_t *)y + 2));
        p = vdotq_s32(p, hi, vld1q_s8((const int8_t *)y + 18));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(p), jm_neon_scale(x, y));
    }
    *s = vaddvq_f32(acc);
}

void jm_vec_dot_q8_0_q8_0_dotprod(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    float32x4_t acc = vdupq_n_f32(0.0f);
    for (int64_t b = 0; b < n / 32; b++, x += BX8, y += BY) {
        int32x4_t p = vdotq_s32(vdupq_n_s32(0), vld1q_s8((const int8_t *)x + 2), vld1q_s8((const int8_t *)y + 2));
        p = vdotq_s32(p, vld1q_s8((const int8_t *)x + 18), vld1q_s8((const int8_t *)y + 18));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(p), jm_neon_scale(x, y));
    }
    *s = vaddvq_f32(acc);
}
