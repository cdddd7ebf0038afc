/*
 * dot_kquant_avx512.c - Q4_K, Q5_K and Q6_K x Q8_K with AVX-512 VNNI.
 *
 * One vpdpbusd takes 64 unsigned weight quants against 64 signed
 * activations and leaves 16 int32 sums of four products each, so a 512-bit
 * register covers two sub-blocks of 32 (Q4_K/Q5_K) or four of 16 (Q6_K).
 * Each lane is then multiplied by its own sub-block scale (a permute spreads
 * the scales over the lanes) and added up in int32: the super-block's sum is
 * exact, as in the scalar twin. Mins and offsets go through Q8_K's bsums.
 * Every pointer may be unaligned.
 */
#include <immintrin.h>
#include <string.h>
#include "../../quants/kquant_kernels.h"

static inline __m512i kq_bcast256(const void *p) {
    return _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)p));
}

/* 32 packed bytes -> low nibbles in the lower 256 bits, high nibbles in the
 * upper 256: values 0..31 and 32..63 of a 64-value chunk, in order. */
static inline __m512i kq_nibbles(const uint8_t *q, __m512i m4) {
    const __m512i b = kq_bcast256(q);
    return _mm512_and_si512(_mm512_mask_srli_epi16(b, (__mmask32)0xFFFF0000u, b, 4), m4);
}

static inline void kq_unpack_k4_512(const uint8_t *s, uint32_t u[4]) {
    uint32_t w[3];
    memcpy(w, s, 12);
    u[0] = w[0] & 0x3F3F3F3Fu;
    u[1] = (w[2] & 0x0F0F0F0Fu) | (((w[0] >> 6) & 0x03030303u) << 4);
    u[2] = w[1] & 0x3F3F3F3Fu;
    u[3] = ((w[2] >> 4) & 0x0F0F0F0Fu) | (((w[1] >> 6) & 0x03030303u) << 4);
}

static inline __m128i kq_mins_k4_512(const uint32_t u[4], const int16_t *bsums) {
    const __m128i mins = _mm_cvtepu8_epi16(_mm_set_epi32(0, 0, (int)u[3], (int)u[2]));
    const __m128i pair = _mm_hadd_epi16(_mm_loadu_si128((const __m128i *)bsums),
                                        _mm_loadu_si128((const __m128i *)(bsums + 8)));
    return _mm_madd_epi16(mins, pair);
}

static inline float kq_hsum128(__m128 v) {
    v = _mm_add_ps(v, _mm_movehl_ps(v, v));
    v = _mm_add_ss(v, _mm_movehdup_ps(v));
    return _mm_cvtss_f32(v);
}

/* =========================================================================
 * Q4_K / Q5_K: chunk c (values 64c..64c+63) = sub-blocks 2c and 2c+1.
 */
#define KQ_PAIR_IDX(c) _mm512_setr_epi32(2*(c), 2*(c), 2*(c), 2*(c), 2*(c), 2*(c), 2*(c), 2*(c), \
    2*(c)+1, 2*(c)+1, 2*(c)+1, 2*(c)+1, 2*(c)+1, 2*(c)+1, 2*(c)+1, 2*(c)+1)

void jm_vec_dot_q4_K_q8_K_avx512vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    const __m512i idx0 = KQ_PAIR_IDX(0), idx1 = KQ_PAIR_IDX(1), idx2 = KQ_PAIR_IDX(2), idx3 = KQ_PAIR_IDX(3);
    __m512 acc = _mm512_setzero_ps();
    __m128 acc_m = _mm_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const float yd = kq_f32(&y[i].d);
        const float d = yd * kq_half(&x[i].d);
        const float dmin = -yd * kq_half(&x[i].dmin);
        uint32_t u[4];
        kq_unpack_k4_512(x[i].scales, u);
        acc_m = _mm_fmadd_ps(_mm_set1_ps(dmin), _mm_cvtepi32_ps(kq_mins_k4_512(u, y[i].bsums)), acc_m);
        const __m512i sc = _mm512_cvtepu8_epi32(_mm_set_epi32(0, 0, (int)u[1], (int)u[0]));

        const uint8_t *q4 = x[i].qs;
        const int8_t *q8 = y[i].qs;
        const __m512i z = _mm512_setzero_si512();
        const __m512i p0 = _mm512_dpbusd_epi32(z, kq_nibbles(q4 + 0, m4), _mm512_loadu_si512(q8 + 0));
        const __m512i p1 = _mm512_dpbusd_epi32(z, kq_nibbles(q4 + 32, m4), _mm512_loadu_si512(q8 + 64));
        const __m512i p2 = _mm512_dpbusd_epi32(z, kq_nibbles(q4 + 64, m4), _mm512_loadu_si512(q8 + 128));
        const __m512i p3 = _mm512_dpbusd_epi32(z, kq_nibbles(q4 + 96, m4), _mm512_loadu_si512(q8 + 192));
        const __m512i s01 = _mm512_add_epi32(_mm512_mullo_epi32(p0, _mm512_permutexvar_epi32(idx0, sc)),
                                             _mm512_mullo_epi32(p1, _mm512_permutexvar_epi32(idx1, sc)));
        const __m512i s23 = _mm512_add_epi32(_mm512_mullo_epi32(p2, _mm512_permutexvar_epi32(idx2, sc)),
                                             _mm512_mullo_epi32(p3, _mm512_permutexvar_epi32(idx3, sc)));
        acc = _mm512_fmadd_ps(_mm512_set1_ps(d), _mm512_cvtepi32_ps(_mm512_add_epi32(s01, s23)), acc);
    }
    *s = _mm512_reduce_add_ps(acc) + kq_hsum128(acc_m);
}

void jm_vec_dot_q5_K_q8_K_avx512vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q5_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    const __m512i m16 = _mm512_set1_epi8(0x10);
    const __m512i idx0 = KQ_PAIR_IDX(0), idx1 = KQ_PAIR_IDX(1), idx2 = KQ_PAIR_IDX(2), idx3 = KQ_PAIR_IDX(3);
    /* chunk c takes qh bit 2c for its first 32 values, bit 2c+1 for the rest */
    const __m512i sel0 = _mm512_inserti64x4(_mm512_set1_epi8(0x01), _mm256_set1_epi8(0x02), 1);
    __m512 acc = _mm512_setzero_ps();
    __m128 acc_m = _mm_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const float yd = kq_f32(&y[i].d);
        const float d = yd * kq_half(&x[i].d);
        const float dmin = -yd * kq_half(&x[i].dmin);
        uint32_t u[4];
        kq_unpack_k4_512(x[i].scales, u);
        acc_m = _mm_fmadd_ps(_mm_set1_ps(dmin), _mm_cvtepi32_ps(kq_mins_k4_512(u, y[i].bsums)), acc_m);
        const __m512i sc = _mm512_cvtepu8_epi32(_mm_set_epi32(0, 0, (int)u[1], (int)u[0]));

        const uint8_t *q5 = x[i].qs;
        const int8_t *q8 = y[i].qs;
        const __m512i hb = kq_bcast256(x[i].qh);
        const __m512i z = _mm512_setzero_si512();
        __m512i v[4];
        __m512i sel = sel0;
        for (int c = 0; c < 4; ++c) {
            const __m512i lo = kq_nibbles(q5 + 32 * c, m4);
            v[c] = _mm512_mask_add_epi8(lo, _mm512_test_epi8_mask(hb, sel), lo, m16);
            sel = _mm512_slli_epi16(sel, 2);
        }
        const __m512i p0 = _mm512_dpbusd_epi32(z, v[0], _mm512_loadu_si512(q8 + 0));
        const __m512i p1 = _mm512_dpbusd_epi32(z, v[1], _mm512_loadu_si512(q8 + 64));
        const __m512i p2 = _mm512_dpbusd_epi32(z, v[2], _mm512_loadu_si512(q8 + 128));
        const __m512i p3 = _mm512_dpbusd_epi32(z, v[3], _mm512_loadu_si512(q8 + 192));
        const __m512i s01 = _mm512_add_epi32(_mm512_mullo_epi32(p0, _mm512_permutexvar_epi32(idx0, sc)),
                                             _mm512_mullo_epi32(p1, _mm512_permutexvar_epi32(idx1, sc)));
        const __m512i s23 = _mm512_add_epi32(_mm512_mullo_epi32(p2, _mm512_permutexvar_epi32(idx2, sc)),
                                             _mm512_mullo_epi32(p3, _mm512_permutexvar_epi32(idx3, sc)));
        acc = _mm512_fmadd_ps(_mm512_set1_ps(d), _mm512_cvtepi32_ps(_mm512_add_epi32(s01, s23)), acc);
    }
    *s = _mm512_reduce_add_ps(acc) + kq_hsum128(acc_m);
}

/* =========================================================================
 * Q6_K: 64 values per vpdpbusd = four sub-blocks of 16, four lanes each.
 */
#define KQ_QUAD_IDX(b) _mm512_setr_epi32((b), (b), (b), (b), (b)+1, (b)+1, (b)+1, (b)+1, \
    (b)+2, (b)+2, (b)+2, (b)+2, (b)+3, (b)+3, (b)+3, (b)+3)

void jm_vec_dot_q6_K_q8_K_avx512vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    const __m512i m30 = _mm512_set1_epi8(0x30);
    const __m512i idx0 = KQ_QUAD_IDX(0), idx1 = KQ_QUAD_IDX(4), idx2 = KQ_QUAD_IDX(8), idx3 = KQ_QUAD_IDX(12);
    const __mmask32 upper = (__mmask32)0xFFFF0000u;
    __m512 acc = _mm512_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const float d = kq_f32(&y[i].d) * kq_half(&x[i].d);
        const __m128i sc8 = _mm_loadu_si128((const __m128i *)x[i].scales);
        const __m512i sc = _mm512_cvtepi8_epi32(sc8);
        /* the -32 of every value: 32 * sum_j sc_j * bsums_j */
        const __m256i off = _mm256_slli_epi32(_mm256_madd_epi16(_mm256_cvtepi8_epi16(sc8),
                                              _mm256_loadu_si256((const __m256i *)y[i].bsums)), 5);
        const __m512i z = _mm512_setzero_si512();
        __m512i p[4];
        for (int h = 0; h < 2; ++h) {
            const __m512i ql = _mm512_loadu_si512(x[i].ql + 64 * h);
            const __m512i qh = kq_bcast256(x[i].qh + 32 * h);
            /* high bits: pairs 0,1 for values 0..63, pairs 2,3 for 64..127 */
            const __m512i h01 = _mm512_and_si512(_mm512_mask_slli_epi16(_mm512_slli_epi16(qh, 4), upper, qh, 2), m30);
            const __m512i h23 = _mm512_and_si512(_mm512_mask_srli_epi16(qh, upper, qh, 2), m30);
            const __m512i va = _mm512_ternarylogic_epi32(ql, m4, h01, 0xEA);                       /* (ql & m4) | h01 */
            const __m512i vb = _mm512_ternarylogic_epi32(_mm512_srli_epi16(ql, 4), m4, h23, 0xEA);
            const int8_t *q8 = y[i].qs + 128 * h;
            p[2 * h + 0] = _mm512_dpbusd_epi32(z, va, _mm512_loadu_si512(q8));
            p[2 * h + 1] = _mm512_dpbusd_epi32(z, vb, _mm512_loadu_si512(q8 + 64));
        }
        const __m512i s01 = _mm512_add_epi32(_mm512_mullo_epi32(p[0], _mm512_permutexvar_epi32(idx0, sc)),
                                             _mm512_mullo_epi32(p[1], _mm512_permutexvar_epi32(idx1, sc)));
        const __m512i s23 = _mm512_add_epi32(_mm512_mullo_epi32(p[2], _mm512_permutexvar_epi32(idx2, sc)),
                                             _mm512_mullo_epi32(p[3], _mm512_permutexvar_epi32(idx3, sc)));
        const __m512i sumi = _mm512_sub_epi32(_mm512_add_epi32(s01, s23), _mm512_zextsi256_si512(off));
        acc = _mm512_fmadd_ps(_mm512_set1_ps(d), _mm512_cvtepi32_ps(sumi), acc);
    }
    *s = _mm512_reduce_add_ps(acc);
}
