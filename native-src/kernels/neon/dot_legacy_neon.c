/*
 * dot_legacy_neon.c - Q4_0 and Q8_0 weights . Q8_0 activations with base
 * ARMv8 NEON: widening multiplies (smull/smlal) into int16, pairwise
 * widening adds into int32, one float fma per block.
 */
#include "legacy_neon.h"

enum { BX4 = sizeof(jm_block_q4_0), BX8 = sizeof(jm_block_q8_0), BY = sizeof(jm_block_q8_0) };

/* sum of a[i] * b[i] over 16 int8 lanes, as 4 int32 lanes */
static inline int32x4_t dot16(int8x16_t a, int8x16_t b) {
    const int16x8_t lo = vmull_s8(vget_low_s8(a), vget_low_s8(b));
    const int16x8_t hi = vmull_high_s8(a, b);
    return vpaddq_s32(vpaddlq_s16(lo), vpaddlq_s16(hi));
}

void jm_vec_dot_q4_0_q8_0_neon(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    float32x4_t acc = vdupq_n_f32(0.0f);
    for (int64_t b = 0; b < n / 32; b++, x += BX4, y += BY) {
        int8x16_t lo, hi;
        jm_neon_q4_0(x + 2, &lo, &hi);
        const int32x4_t p = vaddq_s32(dot16(lo, vld1q_s8((const int8_t *)y + 2)), dot16(hi, vld1q_s8((const int8_t *)y + 18)));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(p), jm_neon_scale(x, y));
    }
    *s = vaddvq_f32(acc);
}

void jm_vec_dot_q8_0_q8_0_neon(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    float32x4_t acc = vdupq_n_f32(0.0f);
    for (int64_t b = 0; b < n / 32; b++, x += BX8, y += BY) {
        const int32x4_t p = vaddq_s32(dot16(vld1q_s8((const int8_t *)x + 2), vld1q_s8((const int8_t *)y + 2)),
                                      dot16(vld1q_s8((const int8_t *)x + 18), vld1q_s8((const int8_t *)y + 18)));
        acc = vmlaq_n_f32(acc, vcvtq_f32_s32(p), jm_neon_scale(x, y));
    }
    *s = vaddvq_f32(acc);
}
