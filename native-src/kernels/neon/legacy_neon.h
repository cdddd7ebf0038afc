/*
 * legacy_neon.h - building blocks of the arm64 legacy-quant dots: one
 * 32-quant block per step, split in two 16-byte halves.
 */
#ifndef JM_LEGACY_NEON_H
#define JM_LEGACY_NEON_H

#include "quants/legacy_kernels.h"
#include "quants/fp16.h"
#include <arm_neon.h>

/* 16 bytes of packed nibbles -> quants 0..15 - 8: values 0..15 in lo, 16..31 in hi. */
static inline void jm_neon_q4_0(const uint8_t *qs, int8x16_t *lo, int8x16_t *hi) {
    const uint8x16_t v = vld1q_u8(qs);
    const int8x16_t eight = vdupq_n_s8(8);
    *lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(v, vdupq_n_u8(0x0F))), eight);
    *hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(v, 4)), eight);
}

/* The fp16 scales of a weight and an activation block, multiplied. */
static inline float jm_neon_scale(const void *x, const void *y) {
    return jm_fp16_to_f32(jm_rd16(x)) * jm_fp16_to_f32(jm_rd16(y));
}

#endif
