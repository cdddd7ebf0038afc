/*
 * legacy_dot_scalar.c - the scalar twins of every float and legacy-quant dot
 * product. Each computes what ggml's generic (non-SIMD) vec_dot computes,
 * in the same order:
 *   float types: products rounded to float, summed in double;
 *   quant types: exact int32 dot per block, then one float term per block,
 *     Q8_0*Q8_0  sumi * (dx*dy)
 *     Q4_0*Q8_0  sumi * dx * dy
 *     Q5_0*Q8_0  (dx*dy) * sumi
 *     Q4_1*Q8_1, Q5_1*Q8_1  (dx*dy) * sumi + mx*sy
 *   summed in a float.
 * The SIMD kernels equal these up to float summation order (tested).
 */
#include "quants/legacy_kernels.h"

#include <string.h>

void jm_vec_dot_f32_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    const float *x = vx, *y = vy;
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++) sum += (double)(x[i] * y[i]);
    *s = (float)sum;
}

void jm_vec_dot_f16_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++)
        sum += (double)(jm_fp16_to_f32(jm_rd16(x + 2 * i)) * jm_fp16_to_f32(jm_rd16(y + 2 * i)));
    *s = (float)sum;
}

void jm_vec_dot_bf16_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    double sum = 0.0;
    for (int64_t i = 0; i < n; i++)
        sum += (double)(jm_bf16_to_f32(jm_rd16(x + 2 * i)) * jm_bf16_to_f32(jm_rd16(y + 2 * i)));
    *s = (float)sum;
}

void jm_vec_dot_q4_0_q8_0_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *xb = vx, *yb = vy;
    const int64_t nb = n / JM_QK8_0;
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++) {
        jm_block_q4_0 x;
        jm_block_q8_0 y;
        memcpy(&x, xb + b * sizeof x, sizeof x);
        memcpy(&y, yb + b * sizeof y, sizeof y);
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            sumi += ((x.qs[j] & 0x0F) - 8) * y.qs[j];
            sumi += ((x.qs[j] >> 4) - 8) * y.qs[j + 16];
        }
        sum += (float)sumi * jm_fp16_to_f32(x.d) * jm_fp16_to_f32(y.d);
    }
    *s = sum;
}

void jm_vec_dot_q4_1_q8_1_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *xb = vx, *yb = vy;
    const int64_t nb = n / JM_QK8_1;
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++) {
        jm_block_q4_1 x;
        jm_block_q8_1 y;
        memcpy(&x, xb + b * sizeof x, sizeof x);
        memcpy(&y, yb + b * sizeof y, sizeof y);
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            sumi += (x.qs[j] & 0x0F) * y.qs[j];
            sumi += (x.qs[j] >> 4) * y.qs[j + 16];
        }
        sum += (jm_fp16_to_f32(x.d) * jm_fp16_to_f32(y.d)) * (float)sumi +
               jm_fp16_to_f32(x.m) * jm_fp16_to_f32(y.s);
    }
    *s = sum;
}

void jm_vec_dot_q5_0_q8_0_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *xb = vx, *yb = vy;
    const int64_t nb = n / JM_QK8_0;
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++) {
        jm_block_q5_0 x;
        jm_block_q8_0 y;
        memcpy(&x, xb + b * sizeof x, sizeof x);
        memcpy(&y, yb + b * sizeof y, sizeof y);
        const uint32_t qh = jm_rd32(x.qh);
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            const int q0 = ((x.qs[j] & 0x0F) | (int)(((qh >> j) & 1) << 4)) - 16;
            const int q1 = ((x.qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4)) - 16;
            sumi += q0 * y.qs[j] + q1 * y.qs[j + 16];
        }
        sum += (jm_fp16_to_f32(x.d) * jm_fp16_to_f32(y.d)) * (float)sumi;
    }
    *s = sum;
}

void jm_vec_dot_q5_1_q8_1_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *xb = vx, *yb = vy;
    const int64_t nb = n / JM_QK8_1;
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++) {
        jm_block_q5_1 x;
        jm_block_q8_1 y;
        memcpy(&x, xb + b * sizeof x, sizeof x);
        memcpy(&y, yb + b * sizeof y, sizeof y);
        const uint32_t qh = jm_rd32(x.qh);
        int sumi = 0;
        for (int j = 0; j < 16; j++) {
            const int q0 = (x.qs[j] & 0x0F) | (int)(((qh >> j) & 1) << 4);
            const int q1 = (x.qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            sumi += q0 * y.qs[j] + q1 * y.qs[j + 16];
        }
        sum += (jm_fp16_to_f32(x.d) * jm_fp16_to_f32(y.d)) * (float)sumi +
               jm_fp16_to_f32(x.m) * jm_fp16_to_f32(y.s);
    }
    *s = sum;
}

void jm_vec_dot_q8_0_q8_0_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *xb = vx, *yb = vy;
    const int64_t nb = n / JM_QK8_0;
    float sum = 0.0f;
    for (int64_t b = 0; b < nb; b++) {
        jm_block_q8_0 x, y;
        memcpy(&x, xb + b * sizeof x, sizeof x);
        memcpy(&y, yb + b * sizeof y, sizeof y);
        int sumi = 0;
        for (int j = 0; j < 32; j++) sumi += x.qs[j] * y.qs[j];
        sum += (float)sumi * (jm_fp16_to_f32(x.d) * jm_fp16_to_f32(y.d));
    }
    *s = sum;
}
