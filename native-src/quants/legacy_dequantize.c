/*
 * legacy_dequantize.c - scalar dequantizers of the float and legacy types,
 * the same arithmetic as ggml's dequantize_row_*: (q - offset) * d, or
 * q * d + m with the product rounded before the add.
 */
#include "legacy_kernels.h"

#include <string.h>

void jm_dequantize_row_f32(const void *x, float *y, int64_t n) {
    memcpy(y, x, (size_t)n * sizeof(float));
}

void jm_dequantize_row_f16(const void *x, float *y, int64_t n) {
    const uint8_t *p = x;
    for (int64_t i = 0; i < n; i++) y[i] = jm_fp16_to_f32(jm_rd16(p + 2 * i));
}

void jm_dequantize_row_bf16(const void *x, float *y, int64_t n) {
    const uint8_t *p = x;
    for (int64_t i = 0; i < n; i++) y[i] = jm_bf16_to_f32(jm_rd16(p + 2 * i));
}

void jm_dequantize_row_q4_0(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    const int64_t nb = n / JM_QK4_0;
    for (int64_t b = 0; b < nb; b++, y += JM_QK4_0) {
        jm_block_q4_0 blk;
        memcpy(&blk, x + b * sizeof blk, sizeof blk);
        const float d = jm_fp16_to_f32(blk.d);
        for (int j = 0; j < 16; j++) {
            y[j] = (float)((blk.qs[j] & 0x0F) - 8) * d;
            y[j + 16] = (float)((blk.qs[j] >> 4) - 8) * d;
        }
    }
}

void jm_dequantize_row_q4_1(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    const int64_t nb = n / JM_QK4_1;
    for (int64_t b = 0; b < nb; b++, y += JM_QK4_1) {
        jm_block_q4_1 blk;
        memcpy(&blk, x + b * sizeof blk, sizeof blk);
        const float d = jm_fp16_to_f32(blk.d), m = jm_fp16_to_f32(blk.m);
        for (int j = 0; j < 16; j++) {
            y[j] = (float)(blk.qs[j] & 0x0F) * d + m;
            y[j + 16] = (float)(blk.qs[j] >> 4) * d + m;
        }
    }
}

void jm_dequantize_row_q5_0(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    const int64_t nb = n / JM_QK5_0;
    for (int64_t b = 0; b < nb; b++, y += JM_QK5_0) {
        jm_block_q5_0 blk;
        memcpy(&blk, x + b * sizeof blk, sizeof blk);
        const float d = jm_fp16_to_f32(blk.d);
        const uint32_t qh = jm_rd32(blk.qh);
        for (int j = 0; j < 16; j++) {
            const int q0 = (blk.qs[j] & 0x0F) | (int)(((qh >> j) & 1) << 4);
            const int q1 = (blk.qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            y[j] = (float)(q0 - 16) * d;
            y[j + 16] = (float)(q1 - 16) * d;
        }
    }
}

void jm_dequantize_row_q5_1(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    const int64_t nb = n / JM_QK5_1;
    for (int64_t b = 0; b < nb; b++, y += JM_QK5_1) {
        jm_block_q5_1 blk;
        memcpy(&blk, x + b * sizeof blk, sizeof blk);
        const float d = jm_fp16_to_f32(blk.d), m = jm_fp16_to_f32(blk.m);
        const uint32_t qh = jm_rd32(blk.qh);
        for (int j = 0; j < 16; j++) {
            const int q0 = (blk.qs[j] & 0x0F) | (int)(((qh >> j) & 1) << 4);
            const int q1 = (blk.qs[j] >> 4) | (int)(((qh >> (j + 16)) & 1) << 4);
            y[j] = (float)q0 * d + m;
            y[j + 16] = (float)q1 * d + m;
        }
    }
}

void jm_dequantize_row_q8_0(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    const int64_t nb = n / JM_QK8_0;
    for (int64_t b = 0; b < nb; b++, y += JM_QK8_0) {
        jm_block_q8_0 blk;
        memcpy(&blk, x + b * sizeof blk, sizeof blk);
        const float d = jm_fp16_to_f32(blk.d);
        for (int j = 0; j < 32; j++) y[j] = (float)blk.qs[j] * d;
    }
}

/* ggml has no Q8_1 dequantizer (it is only ever an activation); this one
 * ignores s, which is derived from d and qs. */
void jm_dequantize_row_q8_1(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    const int64_t nb = n / JM_QK8_1;
    for (int64_t b = 0; b < nb; b++, y += JM_QK8_1) {
        jm_block_q8_1 blk;
        memcpy(&blk, x + b * sizeof blk, sizeof blk);
        const float d = jm_fp16_to_f32(blk.d);
        for (int j = 0; j < 32; j++) y[j] = (float)blk.qs[j] * d;
    }
}
