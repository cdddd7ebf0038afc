/*
 * dot_kquant_avx2.c - K-quant x Q8_K dot products with AVX2 + FMA.
 *
 * Common scheme: unsigned weight quants (u8) times signed activations (s8)
 * with vpmaddubsw into int16 pairs (no saturation: |q| <= 63, |a| <= 128),
 * then vpmaddwd by the sub-block scales into int32; the integer sum of a
 * super-block is exact and gets one float multiply by d. Offsets (the mins of
 * Q2_K/Q4_K/Q5_K, the -4 of Q3_K, the -32 of Q6_K) never touch the 256
 * values: they are applied once per super-block through Q8_K's bsums.
 * Every pointer may be unaligned.
 */
#include <immintrin.h>
#include <string.h>
#include "../../quants/kquant_kernels.h"

static inline float kq_hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline __m256i kq_load256(const void *p) { return _mm256_loadu_si256((const __m256i *)p); }
static inline __m128i kq_load128(const void *p) { return _mm_loadu_si128((const __m128i *)p); }

/* int16 lanes: all 16 equal to element k of v (8 int16 values, both halves). */
static inline __m256i kq_bcast16(__m256i v, int k) {
    const __m256i ctrl = _mm256_set1_epi16((short)(((2 * k + 1) << 8) | (2 * k)));
    return _mm256_shuffle_epi8(v, ctrl);
}

/* Scale pair for 32 activations: int16 lanes 0..7 = s[k], 8..15 = s[k+1]. */
static inline __m256i kq_scale_pair(__m128i s8x16, int k, int is_signed) {
    const __m128i ctrl = _mm_set_epi8((char)(k + 1), (char)(k + 1), (char)(k + 1), (char)(k + 1),
                                      (char)(k + 1), (char)(k + 1), (char)(k + 1), (char)(k + 1),
                                      (char)k, (char)k, (char)k, (char)k,
                                      (char)k, (char)k, (char)k, (char)k);
    const __m128i b = _mm_shuffle_epi8(s8x16, ctrl);
    return is_signed ? _mm256_cvtepi8_epi16(b) : _mm256_cvtepu8_epi16(b);
}

/* =========================================================================
 * Q4_K: 8 sub-blocks of 32, 6-bit scales and mins.
 */
static inline void kq_unpack_k4_avx(const uint8_t *s, uint32_t u[4]) {
    uint32_t w[3];
    memcpy(w, s, 12);
    u[0] = w[0] & 0x3F3F3F3Fu;
    u[1] = (w[2] & 0x0F0F0F0Fu) | (((w[0] >> 6) & 0x03030303u) << 4);
    u[2] = w[1] & 0x3F3F3F3Fu;
    u[3] = ((w[2] >> 4) & 0x0F0F0F0Fu) | (((w[1] >> 6) & 0x03030303u) << 4);
}

/* sum over sub-blocks j of mins[j] * (bsums[2j] + bsums[2j+1]), as 4 int32 */
static inline __m128i kq_mins_k4(const uint32_t u[4], const int16_t *bsums) {
    const __m128i mins = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, (int)u[3], (int)u[2]));
    const __m128i pair = _mm_hadd_epi16(kq_load128(bsums), kq_load128(bsums + 8));
    return _mm_madd_epi16(mins, pair);
}

void jm_vec_dot_q4_K_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps();
    __m128 acc_m = _mm_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const float yd = kq_f32(&y[i].d);
        const float d = yd * kq_half(&x[i].d);
        const float dmin = -yd * kq_half(&x[i].dmin);

        uint32_t u[4];
        kq_unpack_k4_avx(x[i].scales, u);
        acc_m = _mm_fmadd_ps(_mm_set1_ps(dmin), _mm_cvtepi32_ps(kq_mins_k4(u, y[i].bsums)), acc_m);

        const __m128i sc128 = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, (int)u[1], (int)u[0]));
        const __m256i scales = _mm256_broadcastsi128_si256(sc128);
        const uint8_t *q4 = x[i].qs;
        const int8_t *q8 = y[i].qs;

        __m256i sumi0 = _mm256_setzero_si256(), sumi1 = _mm256_setzero_si256();
        for (int j = 0; j < 4; j += 2) {
            const __m256i b0 = kq_load256(q4 + 32 * j), b1 = kq_load256(q4 + 32 * j + 32);
            const __m256i p0 = _mm256_maddubs_epi16(_mm256_and_si256(b0, m4), kq_load256(q8 + 64 * j));
            const __m256i p1 = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(b0, 4), m4), kq_load256(q8 + 64 * j + 32));
            const __m256i p2 = _mm256_maddubs_epi16(_mm256_and_si256(b1, m4), kq_load256(q8 + 64 * j + 64));
            const __m256i p3 = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(b1, 4), m4), kq_load256(q8 + 64 * j + 96));
            sumi0 = _mm256_add_epi32(sumi0, _mm256_madd_epi16(kq_bcast16(scales, 2 * j + 0), p0));
            sumi1 = _mm256_add_epi32(sumi1, _mm256_madd_epi16(kq_bcast16(scales, 2 * j + 1), p1));
            sumi0 = _mm256_add_epi32(sumi0, _mm256_madd_epi16(kq_bcast16(scales, 2 * j + 2), p2));
            sumi1 = _mm256_add_epi32(sumi1, _mm256_madd_epi16(kq_bcast16(scales, 2 * j + 3), p3));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(_mm256_add_epi32(sumi0, sumi1)), acc);
    }
    acc_m = _mm_add_ps(acc_m, _mm_movehl_ps(acc_m, acc_m));
    acc_m = _mm_add_ss(acc_m, _mm_movehdup_ps(acc_m));
    *s = kq_hsum256(acc) + _mm_cvtss_f32(acc_m);
}

/* =========================================================================
 * Q5_K: Q4_K plus a fifth bit from qh.
 */
void jm_vec_dot_q5_K_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q5_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();
    __m128 acc_m = _mm_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const float yd = kq_f32(&y[i].d);
        const float d = yd * kq_half(&x[i].d);
        const float dmin = -yd * kq_half(&x[i].dmin);

        uint32_t u[4];
        kq_unpack_k4_avx(x[i].scales, u);
        acc_m = _mm_fmadd_ps(_mm_set1_ps(dmin), _mm_cvtepi32_ps(kq_mins_k4(u, y[i].bsums)), acc_m);

        const __m128i sc128 = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, (int)u[1], (int)u[0]));
        const __m256i scales = _mm256_broadcastsi128_si256(sc128);
        const uint8_t *q5 = x[i].qs;
        const int8_t *q8 = y[i].qs;
        __m256i hb = kq_load256(x[i].qh);

        __m256i sumi0 = _mm256_setzero_si256(), sumi1 = _mm256_setzero_si256();
        for (int j = 0; j < 4; ++j) {
            const __m256i b = kq_load256(q5 + 32 * j);
            /* bit 2j of qh -> 16 for the low nibbles, bit 2j+1 for the high */
            const __m256i h0 = _mm256_slli_epi16(_mm256_and_si256(hb, one), 4);
            const __m256i h1 = _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 1), one), 4);
            hb = _mm256_srli_epi16(hb, 2);
            const __m256i v0 = _mm256_or_si256(_mm256_and_si256(b, m4), h0);
            const __m256i v1 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(b, 4), m4), h1);
            const __m256i p0 = _mm256_maddubs_epi16(v0, kq_load256(q8 + 64 * j));
            const __m256i p1 = _mm256_maddubs_epi16(v1, kq_load256(q8 + 64 * j + 32));
            sumi0 = _mm256_add_epi32(sumi0, _mm256_madd_epi16(kq_bcast16(scales, 2 * j + 0), p0));
            sumi1 = _mm256_add_epi32(sumi1, _mm256_madd_epi16(kq_bcast16(scales, 2 * j + 1), p1));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(_mm256_add_epi32(sumi0, sumi1)), acc);
    }
    acc_m = _mm_add_ps(acc_m, _mm_movehl_ps(acc_m, acc_m));
    acc_m = _mm_add_ss(acc_m, _mm_movehdup_ps(acc_m));
    *s = kq_hsum256(acc) + _mm_cvtss_f32(acc_m);
}

/* =========================================================================
 * Q6_K: values q-32 with q = 4 low bits | 2 high bits << 4 in 0..63, signed
 * 8-bit scale per 16. The -32 goes through bsums: 32 * sum_j sc_j*bsums_j.
 */
void jm_vec_dot_q6_K_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m30 = _mm256_set1_epi8(0x30);
    __m256 acc = _mm256_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const float d = kq_f32(&y[i].d) * kq_half(&x[i].d);
        const __m128i sc8 = kq_load128(x[i].scales);
        /* offset term, kept in int32: 32 * sum sc_j * bsums_j */
        const __m256i off = _mm256_slli_epi32(_mm256_madd_epi16(_mm256_cvtepi8_epi16(sc8), kq_load256(y[i].bsums)), 5);

        __m256i sumi0 = _mm256_setzero_si256(), sumi1 = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const uint8_t *ql = x[i].ql + 64 * h, *qhp = x[i].qh + 32 * h;
            const int8_t *q8 = y[i].qs + 128 * h;
            const __m256i l0 = kq_load256(ql), l1 = kq_load256(ql + 32), qh = kq_load256(qhp);
            const __m256i h0 = _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30);
            const __m256i h1 = _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30);
            const __m256i h2 = _mm256_and_si256(qh, m30);
            const __m256i h3 = _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30);
            const __m256i v0 = _mm256_or_si256(_mm256_and_si256(l0, m4), h0);
            const __m256i v1 = _mm256_or_si256(_mm256_and_si256(l1, m4), h1);
            const __m256i v2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), h2);
            const __m256i v3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), h3);
            const __m256i p0 = _mm256_maddubs_epi16(v0, kq_load256(q8));
            const __m256i p1 = _mm256_maddubs_epi16(v1, kq_load256(q8 + 32));
            const __m256i p2 = _mm256_maddubs_epi16(v2, kq_load256(q8 + 64));
            const __m256i p3 = _mm256_maddubs_epi16(v3, kq_load256(q8 + 96));
            const int k = 8 * h;
            sumi0 = _mm256_add_epi32(sumi0, _mm256_madd_epi16(kq_scale_pair(sc8, k + 0, 1), p0));
            sumi1 = _mm256_add_epi32(sumi1, _mm256_madd_epi16(kq_scale_pair(sc8, k + 2, 1), p1));
            sumi0 = _mm256_add_epi32(sumi0, _mm256_madd_epi16(kq_scale_pair(sc8, k + 4, 1), p2));
            sumi1 = _mm256_add_epi32(sumi1, _mm256_madd_epi16(kq_scale_pair(sc8, k + 6, 1), p3));
        }
        const __m256i sumi = _mm256_sub_epi32(_mm256_add_epi32(sumi0, sumi1), off);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = kq_hsum256(acc);
}

/* =========================================================================
 * Q3_K: values (low2 | hbit<<2) - 4 in -4..3, 6-bit scales offset by 32.
 * The -4 goes through bsums: 4 * sum_j (sc_j-32)*bsums_j.
 */
void jm_vec_dot_q3_K_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q3_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m256i one = _mm256_set1_epi8(1);
    __m256 acc = _mm256_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const float d = kq_f32(&y[i].d) * kq_half(&x[i].d);

        uint32_t w[3], u[4];
        memcpy(w, x[i].scales, 12);
        u[0] = (w[0] & 0x0F0F0F0Fu) | (((w[2] >> 0) & 0x03030303u) << 4);
        u[1] = (w[1] & 0x0F0F0F0Fu) | (((w[2] >> 2) & 0x03030303u) << 4);
        u[2] = ((w[0] >> 4) & 0x0F0F0F0Fu) | (((w[2] >> 4) & 0x03030303u) << 4);
        u[3] = ((w[1] >> 4) & 0x0F0F0F0Fu) | (((w[2] >> 6) & 0x03030303u) << 4);
        const __m128i sc8 = _mm_sub_epi8(_mm_set_epi32((int)u[3], (int)u[2], (int)u[1], (int)u[0]), _mm_set1_epi8(32));
        const __m256i off = _mm256_slli_epi32(_mm256_madd_epi16(_mm256_cvtepi8_epi16(sc8), kq_load256(y[i].bsums)), 2);

        __m256i hb = kq_load256(x[i].hmask);
        __m256i sumi0 = _mm256_setzero_si256(), sumi1 = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i qb = kq_load256(x[i].qs + 32 * h);
            const int8_t *q8 = y[i].qs + 128 * h;
            __m256i v[4];
            for (int p = 0; p < 4; ++p) {
                const __m256i low = _mm256_and_si256(_mm256_srli_epi16(qb, 2 * p), m3);
                const __m256i high = _mm256_slli_epi16(_mm256_and_si256(hb, one), 2);
                hb = _mm256_srli_epi16(hb, 1);
                v[p] = _mm256_or_si256(low, high);
            }
            const int k = 8 * h;
            const __m256i p0 = _mm256_maddubs_epi16(v[0], kq_load256(q8));
            const __m256i p1 = _mm256_maddubs_epi16(v[1], kq_load256(q8 + 32));
            const __m256i p2 = _mm256_maddubs_epi16(v[2], kq_load256(q8 + 64));
            const __m256i p3 = _mm256_maddubs_epi16(v[3], kq_load256(q8 + 96));
            sumi0 = _mm256_add_epi32(sumi0, _mm256_madd_epi16(kq_scale_pair(sc8, k + 0, 1), p0));
            sumi1 = _mm256_add_epi32(sumi1, _mm256_madd_epi16(kq_scale_pair(sc8, k + 2, 1), p1));
            sumi0 = _mm256_add_epi32(sumi0, _mm256_madd_epi16(kq_scale_pair(sc8, k + 4, 1), p2));
            sumi1 = _mm256_add_epi32(sumi1, _mm256_madd_epi16(kq_scale_pair(sc8, k + 6, 1), p3));
        }
        const __m256i sumi = _mm256_sub_epi32(_mm256_add_epi32(sumi0, sumi1), off);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = kq_hsum256(acc);
}

/* =========================================================================
 * Q2_K: 2-bit values, 4-bit scale and min per 16.
 */
void jm_vec_dot_q2_K_q8_K_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q2_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m128i m4 = _mm_set1_epi8(0x0F);
    __m256 acc = _mm256_setzero_ps();
    __m256 acc_m = _mm256_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const float yd = kq_f32(&y[i].d);
        const float d = yd * kq_half(&x[i].d);
        const float dmin = -yd * kq_half(&x[i].dmin);

        const __m128i sm = kq_load128(x[i].scales);
        const __m128i sc8 = _mm_and_si128(sm, m4);
        const __m128i mn8 = _mm_and_si128(_mm_srli_epi16(sm, 4), m4);
        const __m256i msum = _mm256_madd_epi16(_mm256_cvtepu8_epi16(mn8), kq_load256(y[i].bsums));
        acc_m = _mm256_fmadd_ps(_mm256_set1_ps(dmin), _mm256_cvtepi32_ps(msum), acc_m);

        __m256i sumi0 = _mm256_setzero_si256(), sumi1 = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i qb = kq_load256(x[i].qs + 32 * h);
            const int8_t *q8 = y[i].qs + 128 * h;
            const int k = 8 * h;
            const __m256i p0 = _mm256_maddubs_epi16(_mm256_and_si256(qb, m3), kq_load256(q8));
            const __m256i p1 = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(qb, 2), m3), kq_load256(q8 + 32));
            const __m256i p2 = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(qb, 4), m3), kq_load256(q8 + 64));
            const __m256i p3 = _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(qb, 6), m3), kq_load256(q8 + 96));
            sumi0 = _mm256_add_epi32(sumi0, _mm256_madd_epi16(kq_scale_pair(sc8, k + 0, 0), p0));
            sumi1 = _mm256_add_epi32(sumi1, _mm256_madd_epi16(kq_scale_pair(sc8, k + 2, 0), p1));
            sumi0 = _mm256_add_epi32(sumi0, _mm256_madd_epi16(kq_scale_pair(sc8, k + 4, 0), p2));
            sumi1 = _mm256_add_epi32(sumi1, _mm256_madd_epi16(kq_scale_pair(sc8, k + 6, 0), p3));
        }
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(_mm256_add_epi32(sumi0, sumi1)), acc);
    }
    *s = kq_hsum256(_mm256_add_ps(acc, acc_m));
}
