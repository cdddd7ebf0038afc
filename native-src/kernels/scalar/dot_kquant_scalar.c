/*
 * dot_kquant_scalar.c - K-quant x Q8_K dot products in plain C.
 *
 * They compute what ggml's generic vec_dot_q*_K_q8_K compute, float for
 * float: exact integer sums per super-block (split into the same 8 lanes
 * where ggml keeps 8 float partial sums), then the same float steps in the
 * same order. They are the twins every SIMD kernel is tested against and the
 * kernels used on CPUs without SIMD support.
 */
#include <stddef.h>
#include <string.h>
#include "../../quants/kquant_kernels.h"

/* 16 values against 16 activations, split into the 8 lanes ggml uses: lane l
 * gets values l and l+8. */
static inline void kq_lanes16(int32_t lanes[8], const int8_t *a, const int8_t *q8, int scale) {
    for (int l = 0; l < 8; ++l) lanes[l] += scale * (int16_t)(q8[l] * a[l]);
    for (int l = 0; l < 8; ++l) lanes[l] += scale * (int16_t)(q8[l + 8] * a[l + 8]);
}

void jm_vec_dot_q2_K_q8_K_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q2_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    float sumf = 0;
    for (int64_t i = 0; i < nb; ++i) {
        const uint8_t *sc = x[i].scales;
        const int8_t *q8 = y[i].qs;
        const int summs = kq_q2_summs(sc, &y[i]);
        const float yd = kq_f32(&y[i].d);
        const float dall = yd * kq_half(&x[i].d);
        const float dmin = yd * kq_half(&x[i].dmin);
        int isum = 0, is = 0;
        for (int h = 0; h < 2; ++h) {
            const uint8_t *q2 = x[i].qs + 32 * h;
            for (int plane = 0; plane < 4; ++plane, q8 += 32) {
                const int shift = 2 * plane;
                int part = 0;
                for (int l = 0; l < 16; ++l) part += q8[l] * ((q2[l] >> shift) & 3);
                isum += (sc[is++] & 0x0F) * part;
                part = 0;
                for (int l = 16; l < 32; ++l) part += q8[l] * ((q2[l] >> shift) & 3);
                isum += (sc[is++] & 0x0F) * part;
            }
        }
        sumf += dall * isum - dmin * summs;
    }
    *s = sumf;
}

void jm_vec_dot_q3_K_q8_K_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q3_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    float sums[8] = {0};
    int8_t a[QK_K];
    for (int64_t i = 0; i < nb; ++i) {
        /* values -4..3: low two bits, minus 4 where the high bit is clear */
        const uint8_t *hm = x[i].hmask;
        for (int e = 0; e < QK_K; ++e) {
            const uint8_t q = x[i].qs[32 * (e / 128) + e % 32];
            const int low = (q >> (2 * ((e % 128) / 32))) & 3;
            a[e] = (int8_t)(low - ((hm[e % 32] >> (e / 32)) & 1 ? 0 : 4));
        }
        int8_t scales[16];
        kq_unpack_q3(x[i].scales, scales);

        int32_t lanes[8] = {0};
        for (int j = 0; j < 16; ++j) kq_lanes16(lanes, a + 16 * j, y[i].qs + 16 * j, scales[j] - 32);
        const float d = kq_half(&x[i].d) * kq_f32(&y[i].d);
        for (int l = 0; l < 8; ++l) sums[l] += d * lanes[l];
    }
    float sumf = 0;
    for (int l = 0; l < 8; ++l) sumf += sums[l];
    *s = sumf;
}

/* Q4_K and Q5_K share everything but the fifth bit. */
static void kq_dot_k4(int64_t n, float *s, const uint8_t *xb, size_t bsize, size_t off_qs,
                      size_t off_qh, int has_qh, const block_q8_K *y) {
    const int64_t nb = n / QK_K;
    float sums[8] = {0};
    float sumf = 0;
    int8_t a[QK_K];
    for (int64_t i = 0; i < nb; ++i, xb += bsize) {
        const uint8_t *qs = xb + off_qs, *qh = xb + off_qh;
        for (int e = 0; e < QK_K; ++e) {
            const uint8_t q = qs[32 * (e / 64) + e % 32];
            int v = (e % 64) < 32 ? (q & 0x0F) : (q >> 4);
            if (has_qh && ((qh[e % 32] >> (e / 32)) & 1)) v += 16;
            a[e] = (int8_t)v;
        }
        uint8_t sm[16];
        kq_unpack_k4(xb + 4, sm);
        const int summ = kq_k4_summ(sm, &y[i]);
        int32_t lanes[8] = {0};
        for (int j = 0; j < 8; ++j) {
            kq_lanes16(lanes, a + 32 * j, y[i].qs + 32 * j, sm[j]);
            kq_lanes16(lanes, a + 32 * j + 16, y[i].qs + 32 * j + 16, sm[j]);
        }
        const float yd = kq_f32(&y[i].d);
        const float d = kq_half(xb) * yd;
        for (int l = 0; l < 8; ++l) sums[l] += d * lanes[l];
        const float dmin = kq_half(xb + 2) * yd;
        sumf -= dmin * summ;
    }
    for (int l = 0; l < 8; ++l) sumf += sums[l];
    *s = sumf;
}

void jm_vec_dot_q4_K_q8_K_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    kq_dot_k4(n, s, vx, sizeof(block_q4_K), offsetof(block_q4_K, qs), 0, 0, vy);
}

void jm_vec_dot_q5_K_q8_K_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    kq_dot_k4(n, s, vx, sizeof(block_q5_K), offsetof(block_q5_K, qs), offsetof(block_q5_K, qh), 1, vy);
}

void jm_vec_dot_q6_K_q8_K_scalar(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    float sums[8] = {0};
    int8_t a[QK_K];
    for (int64_t i = 0; i < nb; ++i) {
        for (int e = 0; e < QK_K; ++e) {
            const int r = e % 128;
            const uint8_t lo = x[i].ql[64 * (e / 128) + r % 64];
            const int nib = r < 64 ? (lo & 0x0F) : (lo >> 4);
            const int hi = (x[i].qh[32 * (e / 128) + r % 32] >> (2 * (r / 32))) & 3;
            a[e] = (int8_t)((nib | (hi << 4)) - 32);
        }
        int32_t lanes[8] = {0};
        for (int j = 0; j < 16; ++j) kq_lanes16(lanes, a + 16 * j, y[i].qs + 16 * j, x[i].scales[j]);
        const float d = kq_half(&x[i].d) * kq_f32(&y[i].d);
        for (int l = 0; l < 8; ++l) sums[l] += d * lanes[l];
    }
    float sumf = 0;
    for (int l = 0; l < 8; ++l) sumf += sums[l];
    *s = sumf;
}
