/*
 * legacy_quantize.c - ggml's reference quantizers for the float and legacy
 * types, bit-exact: the same scale formula (a float division, then the
 * reciprocal of that float), the same rounding (Q8: roundf, half away from
 * zero; Q4/Q5: +offset then truncation), the same tie-breaks (Q4_0/Q5_0 keep
 * the FIRST value of largest magnitude, with its sign, as the max).
 * These write the bytes model files hold; the SIMD activation quantizers
 * must reproduce them exactly (tested).
 */
#include "legacy_kernels.h"

#include <float.h>
#include <math.h>
#include <string.h>

void jm_quantize_row_f32_ref(const float *x, void *y, int64_t n) {
    memcpy(y, x, (size_t)n * sizeof(float));
}

void jm_quantize_row_f16_ref(const float *x, void *y, int64_t n) {
    uint8_t *out = y;
    for (int64_t i = 0; i < n; i++) {
        const jm_fp16 h = jm_f32_to_fp16(x[i]);
        memcpy(out + 2 * i, &h, 2);
    }
}

void jm_quantize_row_bf16_ref(const float *x, void *y, int64_t n) {
    uint8_t *out = y;
    for (int64_t i = 0; i < n; i++) {
        const jm_bf16 h = jm_f32_to_bf16(x[i]);
        memcpy(out + 2 * i, &h, 2);
    }
}

/* Largest |v| of a block and the signed value it came from (first wins). */
static inline float signed_absmax(const float *x, int n) {
    float amax = 0.0f, max = 0.0f;
    for (int j = 0; j < n; j++) {
        if (amax < fabsf(x[j])) {
            amax = fabsf(x[j]);
            max = x[j];
        }
    }
    return max;
}

static inline void min_max(const float *x, int n, float *mn, float *mx) {
    float lo = FLT_MAX, hi = -FLT_MAX;
    for (int j = 0; j < n; j++) {
        if (x[j] < lo) lo = x[j];
        if (x[j] > hi) hi = x[j];
    }
    *mn = lo;
    *mx = hi;
}

void jm_quantize_row_q4_0_ref(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    const int64_t nb = n / JM_QK4_0;
    for (int64_t b = 0; b < nb; b++, x += JM_QK4_0) {
        const float max = signed_absmax(x, JM_QK4_0);
        const float d = max / -8;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        jm_block_q4_0 blk;
        blk.d = jm_f32_to_fp16(d);
        for (int j = 0; j < JM_QK4_0 / 2; j++) {
            int q0 = jm_cvtt_i8(x[j] * id + 8.5f);
            int q1 = jm_cvtt_i8(x[j + JM_QK4_0 / 2] * id + 8.5f);
            if (q0 > 15) q0 = 15;
            if (q1 > 15) q1 = 15;
            blk.qs[j] = (uint8_t)((uint8_t)q0 | (uint8_t)(q1 << 4));
        }
        memcpy(y + b * sizeof blk, &blk, sizeof blk);
    }
}

void jm_quantize_row_q4_1_ref(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    const int64_t nb = n / JM_QK4_1;
    for (int64_t b = 0; b < nb; b++, x += JM_QK4_1) {
        float mn, mx;
        min_max(x, JM_QK4_1, &mn, &mx);
        const float d = (mx - mn) / 15;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        jm_block_q4_1 blk;
        blk.d = jm_f32_to_fp16(d);
        blk.m = jm_f32_to_fp16(mn);
        for (int j = 0; j < JM_QK4_1 / 2; j++) {
            int q0 = jm_cvtt_i8((x[j] - mn) * id + 0.5f);
            int q1 = jm_cvtt_i8((x[j + JM_QK4_1 / 2] - mn) * id + 0.5f);
            if (q0 > 15) q0 = 15;
            if (q1 > 15) q1 = 15;
            blk.qs[j] = (uint8_t)((uint8_t)q0 | (uint8_t)(q1 << 4));
        }
        memcpy(y + b * sizeof blk, &blk, sizeof blk);
    }
}

void jm_quantize_row_q5_0_ref(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    const int64_t nb = n / JM_QK5_0;
    for (int64_t b = 0; b < nb; b++, x += JM_QK5_0) {
        const float max = signed_absmax(x, JM_QK5_0);
        const float d = max / -16;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        jm_block_q5_0 blk;
        blk.d = jm_f32_to_fp16(d);
        uint32_t qh = 0;
        for (int j = 0; j < JM_QK5_0 / 2; j++) {
            int q0 = jm_cvtt_i8(x[j] * id + 16.5f);
            int q1 = jm_cvtt_i8(x[j + JM_QK5_0 / 2] * id + 16.5f);
            if (q0 > 31) q0 = 31;
            if (q1 > 31) q1 = 31;
            const uint8_t u0 = (uint8_t)q0, u1 = (uint8_t)q1;
            blk.qs[j] = (uint8_t)((u0 & 0x0F) | ((u1 & 0x0F) << 4));
            qh |= (uint32_t)((u0 >> 4) & 1) << j;
            qh |= (uint32_t)((u1 >> 4) & 1) << (j + JM_QK5_0 / 2);
        }
        memcpy(blk.qh, &qh, 4);
        memcpy(y + b * sizeof blk, &blk, sizeof blk);
    }
}

void jm_quantize_row_q5_1_ref(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    const int64_t nb = n / JM_QK5_1;
    for (int64_t b = 0; b < nb; b++, x += JM_QK5_1) {
        float mn, mx;
        min_max(x, JM_QK5_1, &mn, &mx);
        const float d = (mx - mn) / 31;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        jm_block_q5_1 blk;
        blk.d = jm_f32_to_fp16(d);
        blk.m = jm_f32_to_fp16(mn);
        uint32_t qh = 0;
        for (int j = 0; j < JM_QK5_1 / 2; j++) {
            /* no clamp here in ggml: the quotient stays below 31.5 */
            const uint8_t u0 = jm_cvtt_u8((x[j] - mn) * id + 0.5f);
            const uint8_t u1 = jm_cvtt_u8((x[j + JM_QK5_1 / 2] - mn) * id + 0.5f);
            blk.qs[j] = (uint8_t)((u0 & 0x0F) | ((u1 & 0x0F) << 4));
            qh |= (uint32_t)((u0 >> 4) & 1) << j;
            qh |= (uint32_t)((u1 >> 4) & 1) << (j + JM_QK5_1 / 2);
        }
        memcpy(blk.qh, &qh, 4);
        memcpy(y + b * sizeof blk, &blk, sizeof blk);
    }
}

/* Shared by Q8_0 and Q8_1: d = amax/127, q = roundf(x * (1/d)). */
static inline float q8_block(const float *x, int8_t *qs) {
    float amax = 0.0f;
    for (int j = 0; j < 32; j++) {
        const float a = fabsf(x[j]);
        amax = amax > a ? amax : a; /* ggml's MAX(), NaN behaviour included */
    }
    const float d = amax / 127;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    for (int j = 0; j < 32; j++) qs[j] = jm_cvtt_i8(roundf(x[j] * id));
    return d;
}

void jm_quantize_row_q8_0_ref(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    const int64_t nb = n / JM_QK8_0;
    for (int64_t b = 0; b < nb; b++, x += JM_QK8_0) {
        jm_block_q8_0 blk;
        blk.d = jm_f32_to_fp16(q8_block(x, blk.qs));
        memcpy(y + b * sizeof blk, &blk, sizeof blk);
    }
}

void jm_quantize_row_q8_1_ref(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    const int64_t nb = n / JM_QK8_1;
    for (int64_t b = 0; b < nb; b++, x += JM_QK8_1) {
        jm_block_q8_1 blk;
        const float d = q8_block(x, blk.qs);
        int sum = 0;
        for (int j = 0; j < JM_QK8_1; j++) sum += blk.qs[j];
        blk.d = jm_f32_to_fp16(d);
        blk.s = jm_f32_to_fp16((float)sum * d);
        memcpy(y + b * sizeof blk, &blk, sizeof blk);
    }
}
