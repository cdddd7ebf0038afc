/*
 * ssm_scan_neon.c - the scan row update, 4 lanes at a time with two
 * accumulators, as the AVX2 and AVX-512 rows do: the state update is the
 * same fused s * dA + (xdt * B), the dot's sum is in another order than
 * the scalar twin's (tests compare within float rounding).
 */
#include <arm_neon.h>
#include "kernels/kernels.h"

float jm_scan_row_neon(float *s, const float *B, const float *C, float dA, float xdt, int64_t n) {
    const float32x4_t vda = vdupq_n_f32(dA), vx = vdupq_n_f32(xdt);
    float32x4_t acc0 = vdupq_n_f32(0.0f), acc1 = vdupq_n_f32(0.0f);
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const float32x4_t s0 = vfmaq_f32(vmulq_f32(vx, vld1q_f32(B + i)), vld1q_f32(s + i), vda);
        const float32x4_t s1 = vfmaq_f32(vmulq_f32(vx, vld1q_f32(B + i + 4)), vld1q_f32(s + i + 4), vda);
        vst1q_f32(s + i, s0);
        vst1q_f32(s + i + 4, s1);
        acc0 = vfmaq_f32(acc0, s0, vld1q_f32(C + i));
        acc1 = vfmaq_f32(acc1, s1, vld1q_f32(C + i + 4));
    }
    float acc = vaddvq_f32(vaddq_f32(acc0, acc1));
    for (; i < n; i++) {
        s[i] = s[i] * dA + xdt * B[i];
        acc += s[i] * C[i];
    }
    return acc;
}

/* Rows this far ahead are prefetched (4 rows of N = 128 are 2 KiB): a decode step meets the state from memory. */
#define PREFETCH_ROWS 4

void jm_scan_head_neon(float *s, const float *B, const float *C, const float *x, float *y,
                       float dA, float dt, float D, int64_t P, int64_t N) {
    for (int64_t p = 0; p < P; p++) {
        if (p + PREFETCH_ROWS < P)
            for (int64_t b = 0; b < N; b += 16) __builtin_prefetch(s + (p + PREFETCH_ROWS) * N + b, 1, 3);
        y[p] = jm_scan_row_neon(s + p * N, B, C, dA, x[p] * dt, N) + D * x[p];
    }
}
