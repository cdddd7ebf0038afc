/*
 * kquant_dequantize.c - scalar K-quant dequantizers. Each value is computed
 * with ggml's expression (sub-block scale first: d*scale, then times the
 * quant, minus dmin*min), so the floats equal ggml's dequantize_row_q*_K.
 */
#include <string.h>
#include "kquant_kernels.h"

void jm_dequantize_row_q2_K(const void *vx, float *y, int64_t n) {
    const block_q2_K *x = vx;
    const int64_t nb = n / QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = kq_half(&x[i].d), dmin = kq_half(&x[i].dmin);
        const uint8_t *sc = x[i].scales;
        for (int h = 0; h < 2; ++h) {
            const uint8_t *q = x[i].qs + 32 * h;
            for (int plane = 0; plane < 4; ++plane) {
                const int shift = 2 * plane;
                for (int half = 0; half < 2; ++half) {
                    const uint8_t s = *sc++;
                    const float dl = d * (s & 0x0F), ml = dmin * (s >> 4);
                    for (int l = 16 * half; l < 16 * half + 16; ++l) *y++ = dl * ((q[l] >> shift) & 3) - ml;
                }
            }
        }
    }
}

void jm_dequantize_row_q3_K(const void *vx, float *y, int64_t n) {
    const block_q3_K *x = vx;
    const int64_t nb = n / QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d_all = kq_half(&x[i].d);
        int8_t scales[16];
        kq_unpack_q3(x[i].scales, scales);

        const uint8_t *hm = x[i].hmask;
        int is = 0;
        uint8_t bit = 1;
        for (int h = 0; h < 2; ++h) {
            const uint8_t *q = x[i].qs + 32 * h;
            for (int plane = 0; plane < 4; ++plane, bit <<= 1) {
                const int shift = 2 * plane;
                for (int half = 0; half < 2; ++half) {
                    const float dl = d_all * (scales[is++] - 32);
                    for (int l = 16 * half; l < 16 * half + 16; ++l) {
                        *y++ = dl * (((q[l] >> shift) & 3) - ((hm[l] & bit) ? 0 : 4));
                    }
                }
            }
        }
    }
}

void jm_dequantize_row_q4_K(const void *vx, float *y, int64_t n) {
    const block_q4_K *x = vx;
    const int64_t nb = n / QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = kq_half(&x[i].d), dmin = kq_half(&x[i].dmin);
        const uint8_t *q = x[i].qs;
        for (int j = 0; j < 8; j += 2, q += 32) {
            uint8_t sc, mn;
            kq_scale_min_k4(j, x[i].scales, &sc, &mn);
            const float d1 = d * sc, m1 = dmin * mn;
            kq_scale_min_k4(j + 1, x[i].scales, &sc, &mn);
            const float d2 = d * sc, m2 = dmin * mn;
            for (int l = 0; l < 32; ++l) *y++ = d1 * (q[l] & 0x0F) - m1;
            for (int l = 0; l < 32; ++l) *y++ = d2 * (q[l] >> 4) - m2;
        }
    }
}

void jm_dequantize_row_q5_K(const void *vx, float *y, int64_t n) {
    const block_q5_K *x = vx;
    const int64_t nb = n / QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = kq_half(&x[i].d), dmin = kq_half(&x[i].dmin);
        const uint8_t *q = x[i].qs, *qh = x[i].qh;
        uint8_t b1 = 1, b2 = 2;
        for (int j = 0; j < 8; j += 2, q += 32, b1 <<= 2, b2 <<= 2) {
            uint8_t sc, mn;
            kq_scale_min_k4(j, x[i].scales, &sc, &mn);
            const float d1 = d * sc, m1 = dmin * mn;
            kq_scale_min_k4(j + 1, x[i].scales, &sc, &mn);
            const float d2 = d * sc, m2 = dmin * mn;
            for (int l = 0; l < 32; ++l) *y++ = d1 * ((q[l] & 0x0F) + ((qh[l] & b1) ? 16 : 0)) - m1;
            for (int l = 0; l < 32; ++l) *y++ = d2 * ((q[l] >> 4) + ((qh[l] & b2) ? 16 : 0)) - m2;
        }
    }
}

void jm_dequantize_row_q6_K(const void *vx, float *y, int64_t n) {
    const block_q6_K *x = vx;
    const int64_t nb = n / QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = kq_half(&x[i].d);
        for (int h = 0; h < 2; ++h, y += 128) {
            const uint8_t *ql = x[i].ql + 64 * h, *qh = x[i].qh + 32 * h;
            const int8_t *sc = x[i].scales + 8 * h;
            for (int l = 0; l < 32; ++l) {
                const int s = l / 16;
                const int q1 = ((ql[l] & 0x0F) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 0x0F) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l + 0] = d * sc[s + 0] * q1;
                y[l + 32] = d * sc[s + 2] * q2;
                y[l + 64] = d * sc[s + 4] * q3;
                y[l + 96] = d * sc[s + 6] * q4;
            }
        }
    }
}

void jm_dequantize_row_q8_K(const void *vx, float *y, int64_t n) {
    const block_q8_K *x = vx;
    const int64_t nb = n / QK_K;
    for (int64_t i = 0; i < nb; ++i) {
        const float d = kq_f32(&x[i].d);
        for (int j = 0; j < QK_K; ++j) *y++ = d * x[i].qs[j];
    }
}
