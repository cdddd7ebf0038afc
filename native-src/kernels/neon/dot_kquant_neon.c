/*
 * dot_kquant_neon.c - K-quant x Q8_K dot products, base arm64 NEON.
 *
 * They compute the scalar twins' (kernels/scalar/dot_kquant_scalar.c)
 * integers and floats in the same order, so they give the same bits: per
 * 16 quants, the int16 products of quants l and l + 8 go to lane l of 8
 * int32 lanes times the sub-block's scale (vmull_s8, then vmlal), and per
 * super-block sums[l] += d * lanes[l] in two float32x4 (not fused: this
 * file is compiled without contraction, as the scalar one is). Q2_K, as
 * ggml's generic code, sums one integer per super-block instead.
 */
#include <arm_neon.h>
#include <stddef.h>
#include <string.h>
#include "quants/kquant_kernels.h"

/* 8 int32 lanes (lanes 0-3 in lo, 4-7 in hi) and the float sums of them. */
typedef struct {
    int32x4_t lo, hi;
} nq_lanes;

/* lanes[l] += scale * (q8[l] * a[l] + q8[l + 8] * a[l + 8]): the products
   and their pair sum fit int16 for every K-quant (|a| <= 32, |q8| <= 128) */
static inline void nq_lanes16(nq_lanes *ln, int8x16_t a, const int8_t *q8, int scale) {
    const int8x16_t y = vld1q_s8(q8);
    const int16x8_t p = vaddq_s16(vmull_s8(vget_low_s8(y), vget_low_s8(a)), vmull_high_s8(y, a));
    ln->lo = vmlal_n_s16(ln->lo, vget_low_s16(p), (int16_t)scale);
    ln->hi = vmlal_high_n_s16(ln->hi, p, (int16_t)scale);
}

/* sums[l] += d * lanes[l] */
static inline void nq_add(float32x4_t sums[2], const nq_lanes *ln, float d) {
    sums[0] = vaddq_f32(sums[0], vmulq_n_f32(vcvtq_f32_s32(ln->lo), d));
    sums[1] = vaddq_f32(sums[1], vmulq_n_f32(vcvtq_f32_s32(ln->hi), d));
}

/* sumf + sums[0] + ... + sums[7], in that order */
static inline float nq_total(float sumf, const float32x4_t sums[2]) {
    float s[8];
    vst1q_f32(s, sums[0]);
    vst1q_f32(s + 4, sums[1]);
    for (int l = 0; l < 8; ++l) sumf += s[l];
    return sumf;
}

/* Q4_K and Q5_K: quant 64p + 32h + l is the low (h = 0) or high nibble of
   qs[32p + l], plus 16 where bit 2p + h of qh[l] is set (Q5_K) */
static void nq_dot_k4(int64_t n, float *s, const uint8_t *xb, size_t bsize, size_t off_qs, size_t off_qh,
                      int has_qh, const block_q8_K *y) {
    const int64_t nb = n / QK_K;
    const uint8x16_t m4 = vdupq_n_u8(0x0F), m16 = vdupq_n_u8(16);
    float32x4_t sums[2] = { vdupq_n_f32(0.0f), vdupq_n_f32(0.0f) };
    float sumf = 0;
    for (int64_t i = 0; i < nb; ++i, xb += bsize) {
        const uint8_t *qs = xb + off_qs, *qh = xb + off_qh;
        uint8_t sm[16];
        kq_unpack_k4(xb + 4, sm);
        const int summ = kq_k4_summ(sm, &y[i]);
        const uint8x16_t h0 = has_qh ? vld1q_u8(qh) : m4, h1 = has_qh ? vld1q_u8(qh + 16) : m4;
        nq_lanes ln = { vdupq_n_s32(0), vdupq_n_s32(0) };
        for (int j = 0; j < 8; ++j) {
            for (int c = 0; c < 2; ++c) { /* quants 32j + 16c .. + 15 */
                const uint8x16_t q = vld1q_u8(qs + 32 * (j / 2) + 16 * c);
                uint8x16_t v = j % 2 ? vshrq_n_u8(q, 4) : vandq_u8(q, m4);
                if (has_qh) {
                    const uint8x16_t bit = vdupq_n_u8((uint8_t)(1u << j));
                    v = vorrq_u8(v, vandq_u8(vtstq_u8(c ? h1 : h0, bit), m16));
                }
                nq_lanes16(&ln, vreinterpretq_s8_u8(v), y[i].qs + 32 * j + 16 * c, sm[j]);
            }
        }
        const float yd = kq_f32(&y[i].d);
        nq_add(sums, &ln, kq_half(xb) * yd);
        const float dmin = kq_half(xb + 2) * yd;
        sumf -= dmin * summ;
    }
    *s = nq_total(sumf, sums);
}

void jm_vec_dot_q4_K_q8_K_neon(int64_t n, float *s, const void *vx, const void *vy) {
    nq_dot_k4(n, s, vx, sizeof(block_q4_K), offsetof(block_q4_K, qs), 0, 0, vy);
}

void jm_vec_dot_q5_K_q8_K_neon(int64_t n, float *s, const void *vx, const void *vy) {
    nq_dot_k4(n, s, vx, sizeof(block_q5_K), offsetof(block_q5_K, qs), offsetof(block_q5_K, qh), 1, vy);
}

/* Q6_K: quant 128h + 32g + l has its low four bits in ql[64h + 32(g % 2) + l]
   (high nibble for g >= 2) and bits 4-5 in qh[32h + l] bits 2g, 2g + 1;
   value q - 32, an int8 scale per 16 quants */
void jm_vec_dot_q6_K_q8_K_neon(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    const uint8x16_t m4 = vdupq_n_u8(0x0F), m3 = vdupq_n_u8(3);
    const int8x16_t off = vdupq_n_s8(32);
    float32x4_t sums[2] = { vdupq_n_f32(0.0f), vdupq_n_f32(0.0f) };
    for (int64_t i = 0; i < n / QK_K; ++i) {
        nq_lanes ln = { vdupq_n_s32(0), vdupq_n_s32(0) };
        for (int h = 0; h < 2; ++h)
            for (int g = 0; g < 4; ++g)
                for (int c = 0; c < 2; ++c) {
                    const uint8x16_t l = vld1q_u8(x[i].ql + 64 * h + 32 * (g % 2) + 16 * c);
                    const uint8x16_t hb = vld1q_u8(x[i].qh + 32 * h + 16 * c);
                    const uint8x16_t lo4 = g >= 2 ? vshrq_n_u8(l, 4) : vandq_u8(l, m4);
                    const uint8x16_t hi2 = vshlq_n_u8(vandq_u8(vshlq_u8(hb, vdupq_n_s8((int8_t)(-2 * g))), m3), 4);
                    const int8x16_t a = vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(lo4, hi2)), off);
                    const int e = 128 * h + 32 * g + 16 * c;
                    nq_lanes16(&ln, a, y[i].qs + e, x[i].scales[e / 16]);
                }
        nq_add(sums, &ln, kq_half(&x[i].d) * kq_f32(&y[i].d));
    }
    *s = nq_total(0.0f, sums);
}

/* Q3_K: quant e is its two bits qs[32(e / 128) + e % 32] >> 2((e % 128) / 32)
   minus 4 where bit e / 32 of hmask[e % 32] is clear; six-bit scales minus
   32, unpacked as ggml's kmask1 / kmask2 read them */
void jm_vec_dot_q3_K_q8_K_neon(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q3_K *x = vx;
    const block_q8_K *y = vy;
    const uint8x16_t m3 = vdupq_n_u8(3), four = vdupq_n_u8(4);
    float32x4_t sums[2] = { vdupq_n_f32(0.0f), vdupq_n_f32(0.0f) };
    for (int64_t i = 0; i < n / QK_K; ++i) {
        int8_t scales[16];
        kq_unpack_q3(x[i].scales, scales);
        nq_lanes ln = { vdupq_n_s32(0), vdupq_n_s32(0) };
        for (int h = 0; h < 2; ++h)
            for (int g = 0; g < 4; ++g)
                for (int c = 0; c < 2; ++c) {
                    const uint8x16_t q = vld1q_u8(x[i].qs + 32 * h + 16 * c);
                    const uint8x16_t low = vandq_u8(vshlq_u8(q, vdupq_n_s8((int8_t)(-2 * g))), m3);
                    /* minus 4 where the high bit is clear */
                    const uint8x16_t set = vtstq_u8(vld1q_u8(x[i].hmask + 16 * c), vdupq_n_u8((uint8_t)(1u << (4 * h + g))));
                    const int8x16_t a = vsubq_s8(vreinterpretq_s8_u8(low), vreinterpretq_s8_u8(vbicq_u8(four, set)));
                    const int e = 128 * h + 32 * g + 16 * c;
                    nq_lanes16(&ln, a, y[i].qs + e, scales[e / 16] - 32);
                }
        nq_add(sums, &ln, kq_half(&x[i].d) * kq_f32(&y[i].d));
    }
    *s = nq_total(0.0f, sums);
}

/* Q2_K: quant 128h + 32p + l is qs[32h + l] >> 2p (two bits), a byte per 16
   quants with the scale in its low nibble and the min in its high one */
void jm_vec_dot_q2_K_q8_K_neon(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q2_K *x = vx;
    const block_q8_K *y = vy;
    const uint8x16_t m3 = vdupq_n_u8(3);
    float sumf = 0;
    for (int64_t i = 0; i < n / QK_K; ++i) {
        const uint8_t *sc = x[i].scales;
        const int summs = kq_q2_summs(sc, &y[i]);
        const float yd = kq_f32(&y[i].d);
        const float dall = yd * kq_half(&x[i].d);
        const float dmin = yd * kq_half(&x[i].dmin);
        int isum = 0;
        for (int h = 0; h < 2; ++h)
            for (int p = 0; p < 4; ++p)
                for (int c = 0; c < 2; ++c) {
                    const uint8x16_t q = vld1q_u8(x[i].qs + 32 * h + 16 * c);
                    const int8x16_t a = vreinterpretq_s8_u8(vandq_u8(vshlq_u8(q, vdupq_n_s8((int8_t)(-2 * p))), m3));
                    const int8x16_t q8 = vld1q_s8(y[i].qs + 128 * h + 32 * p + 16 * c);
                    const int16x8_t prod = vaddq_s16(vmull_s8(vget_low_s8(q8), vget_low_s8(a)), vmull_high_s8(q8, a));
                    isum += (sc[8 * h + 2 * p + c] & 0x0F) * vaddlvq_s16(prod);
                }
        sumf += dall * isum - dmin * summs;
    }
    *s = sumf;
}
