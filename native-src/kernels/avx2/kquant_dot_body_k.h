/*
 * kquant_dot_body_k.h - the K-quant x Q8_K dot kernels on 256-bit registers,
 * written once and compiled twice: with AVX2 (vpmaddwd + vpaddd) and with
 * AVX-512 VNNI (vpdpwssd, which does both in one instruction). The including
 * file defines KQ_FN(name), the function name, and KQ_ACC(acc, a, b), which
 * adds the pairwise int16 products of a and b to the int32 lanes of acc.
 *
 * Common scheme: unsigned weight quants (u8) times signed activations (s8)
 * with vpmaddubsw into int16 pairs (no saturation: q <= 63, |a| <= 128),
 * then the sub-block scales applied as int16 pairs into int32; the integer
 * sum of a super-block is exact and gets one float multiply by d. Offsets
 * (the mins of Q2_K/Q4_K/Q5_K, the -4 of Q3_K, the -32 of Q6_K) never touch
 * the 256 values: they are applied once per super-block through Q8_K's
 * bsums (which the Q8_K quantizers always fill with the sums of the quants).
 * Scales are unpacked with vector shuffles, never byte by byte.
 * Blocks need only their natural alignment (2 bytes, 4 for Q8_K): every
 * vector load is unaligned.
 */
#include "kquant_avx2.h"

/* =========================================================================
 * Q4_K: 8 sub-blocks of 32, 6-bit scales and mins.
 */
void KQ_FN(jm_vec_dot_q4_K_q8_K)(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q4_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i c0 = kq_pick16(0, 0), c1 = kq_pick16(1, 1), c2 = kq_pick16(2, 2), c3 = kq_pick16(3, 3);
    const __m256i c4 = kq_pick16(4, 4), c5 = kq_pick16(5, 5), c6 = kq_pick16(6, 6), c7 = kq_pick16(7, 7);
    __m256 acc = _mm256_setzero_ps();
    __m128 acc_m = _mm_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const __m128 dd = _mm_mul_ps(kq_h2f2(&x[i].d), _mm_set1_ps(kq_f32(&y[i].d))); /* d, dmin */
        const __m256i sm = _mm256_cvtepu8_epi16(kq_scales_mins_k4(x[i].scales));     /* 8 scales | 8 mins */
        acc_m = _mm_fnmadd_ps(_mm_shuffle_ps(dd, dd, 0x55), _mm_cvtepi32_ps(kq_mins_dot(sm, y[i].bsums)), acc_m);
        const __m256i sc = _mm256_permute2x128_si256(sm, sm, 0x00);
        const uint8_t *q4 = x[i].qs;
        const int8_t *q8 = y[i].qs;

        const __m256i b0 = kq_load256(q4), b1 = kq_load256(q4 + 32), b2 = kq_load256(q4 + 64), b3 = kq_load256(q4 + 96);
        __m256i s0 = KQ_ACC(_mm256_setzero_si256(), _mm256_shuffle_epi8(sc, c0), _mm256_maddubs_epi16(_mm256_and_si256(b0, m4), kq_load256(q8)));
        __m256i s1 = KQ_ACC(_mm256_setzero_si256(), _mm256_shuffle_epi8(sc, c1), _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(b0, 4), m4), kq_load256(q8 + 32)));
        s0 = KQ_ACC(s0, _mm256_shuffle_epi8(sc, c2), _mm256_maddubs_epi16(_mm256_and_si256(b1, m4), kq_load256(q8 + 64)));
        s1 = KQ_ACC(s1, _mm256_shuffle_epi8(sc, c3), _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(b1, 4), m4), kq_load256(q8 + 96)));
        s0 = KQ_ACC(s0, _mm256_shuffle_epi8(sc, c4), _mm256_maddubs_epi16(_mm256_and_si256(b2, m4), kq_load256(q8 + 128)));
        s1 = KQ_ACC(s1, _mm256_shuffle_epi8(sc, c5), _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(b2, 4), m4), kq_load256(q8 + 160)));
        s0 = KQ_ACC(s0, _mm256_shuffle_epi8(sc, c6), _mm256_maddubs_epi16(_mm256_and_si256(b3, m4), kq_load256(q8 + 192)));
        s1 = KQ_ACC(s1, _mm256_shuffle_epi8(sc, c7), _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(b3, 4), m4), kq_load256(q8 + 224)));
        acc = _mm256_fmadd_ps(_mm256_broadcastss_ps(dd), _mm256_cvtepi32_ps(_mm256_add_epi32(s0, s1)), acc);
    }
    *s = kq_hsum256(acc) + kq_hsum128(acc_m);
}

/* =========================================================================
 * Q5_K: Q4_K plus a fifth bit from qh.
 */
void KQ_FN(jm_vec_dot_q5_K_q8_K)(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q5_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m16 = _mm256_set1_epi8(0x10);
    const __m256i ctl[8] = { kq_pick16(0, 0), kq_pick16(1, 1), kq_pick16(2, 2), kq_pick16(3, 3),
                             kq_pick16(4, 4), kq_pick16(5, 5), kq_pick16(6, 6), kq_pick16(7, 7) };
    __m256 acc = _mm256_setzero_ps();
    __m128 acc_m = _mm_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const __m128 dd = _mm_mul_ps(kq_h2f2(&x[i].d), _mm_set1_ps(kq_f32(&y[i].d)));
        const __m256i sm = _mm256_cvtepu8_epi16(kq_scales_mins_k4(x[i].scales));
        acc_m = _mm_fnmadd_ps(_mm_shuffle_ps(dd, dd, 0x55), _mm_cvtepi32_ps(kq_mins_dot(sm, y[i].bsums)), acc_m);
        const __m256i sc = _mm256_permute2x128_si256(sm, sm, 0x00);
        const uint8_t *q5 = x[i].qs;
        const int8_t *q8 = y[i].qs;
        const __m256i hb = kq_load256(x[i].qh);

        __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
        for (int j = 0; j < 4; ++j) {
            const __m256i b = kq_load256(q5 + 32 * j);
            /* qh bit 2j -> 16 for the low nibbles, bit 2j+1 for the high ones */
            const __m256i h0 = _mm256_and_si256(kq_shift16(hb, 2 * j - 4), m16);
            const __m256i h1 = _mm256_and_si256(kq_shift16(hb, 2 * j - 3), m16);
            const __m256i v0 = _mm256_or_si256(_mm256_and_si256(b, m4), h0);
            const __m256i v1 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(b, 4), m4), h1);
            s0 = KQ_ACC(s0, _mm256_shuffle_epi8(sc, ctl[2 * j]), _mm256_maddubs_epi16(v0, kq_load256(q8 + 64 * j)));
            s1 = KQ_ACC(s1, _mm256_shuffle_epi8(sc, ctl[2 * j + 1]), _mm256_maddubs_epi16(v1, kq_load256(q8 + 64 * j + 32)));
        }
        acc = _mm256_fmadd_ps(_mm256_broadcastss_ps(dd), _mm256_cvtepi32_ps(_mm256_add_epi32(s0, s1)), acc);
    }
    *s = kq_hsum256(acc) + kq_hsum128(acc_m);
}

/* =========================================================================
 * Q6_K: values q-32 with q = 4 low bits | 2 high bits << 4 in 0..63, signed
 * 8-bit scale per 16. The -32 goes through bsums: 32 * sum_j sc_j*bsums_j.
 */
void KQ_FN(jm_vec_dot_q6_K_q8_K)(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q6_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    const __m256i m30 = _mm256_set1_epi8(0x30);
    const __m256i c0 = kq_pick16(0, 1), c1 = kq_pick16(2, 3), c2 = kq_pick16(4, 5), c3 = kq_pick16(6, 7);
    __m256 acc = _mm256_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const float d = kq_f32(&y[i].d) * kq_h2f(&x[i].d);
        const __m256i sc16 = _mm256_cvtepi8_epi16(kq_load128(x[i].scales));
        /* the offset, kept in int32: 32 * sum sc_j * bsums_j */
        const __m256i off = _mm256_slli_epi32(_mm256_madd_epi16(sc16, kq_load256(y[i].bsums)), 5);

        __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            /* scales 8h..8h+7 in both halves */
            const __m256i sc = h ? _mm256_permute2x128_si256(sc16, sc16, 0x11) : _mm256_permute2x128_si256(sc16, sc16, 0x00);
            const uint8_t *ql = x[i].ql + 64 * h;
            const int8_t *q8 = y[i].qs + 128 * h;
            const __m256i l0 = kq_load256(ql), l1 = kq_load256(ql + 32), qh = kq_load256(x[i].qh + 32 * h);
            const __m256i v0 = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30));
            const __m256i v1 = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30));
            const __m256i v2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_and_si256(qh, m30));
            const __m256i v3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
            s0 = KQ_ACC(s0, _mm256_shuffle_epi8(sc, c0), _mm256_maddubs_epi16(v0, kq_load256(q8)));
            s1 = KQ_ACC(s1, _mm256_shuffle_epi8(sc, c1), _mm256_maddubs_epi16(v1, kq_load256(q8 + 32)));
            s0 = KQ_ACC(s0, _mm256_shuffle_epi8(sc, c2), _mm256_maddubs_epi16(v2, kq_load256(q8 + 64)));
            s1 = KQ_ACC(s1, _mm256_shuffle_epi8(sc, c3), _mm256_maddubs_epi16(v3, kq_load256(q8 + 96)));
        }
        const __m256i sumi = _mm256_sub_epi32(_mm256_add_epi32(s0, s1), off);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = kq_hsum256(acc);
}

/* =========================================================================
 * Q3_K: values (low2 | hbit<<2) - 4 in -4..3, 6-bit scales offset by 32.
 * The -4 goes through bsums: 4 * sum_j (sc_j-32)*bsums_j.
 */
void KQ_FN(jm_vec_dot_q3_K_q8_K)(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q3_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m256i m4 = _mm256_set1_epi8(4);
    const __m256i c0 = kq_pick16(0, 1), c1 = kq_pick16(2, 3), c2 = kq_pick16(4, 5), c3 = kq_pick16(6, 7);
    __m256 acc = _mm256_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const float d = kq_f32(&y[i].d) * kq_h2f(&x[i].d);
        const __m256i sc16 = _mm256_cvtepi8_epi16(kq_scales_q3(x[i].qs + 62)); /* bytes 94..109 */
        const __m256i off = _mm256_slli_epi32(_mm256_madd_epi16(sc16, kq_load256(y[i].bsums)), 2);
        const __m256i hb = kq_load256(x[i].hmask);

        __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i sc = h ? _mm256_permute2x128_si256(sc16, sc16, 0x11) : _mm256_permute2x128_si256(sc16, sc16, 0x00);
            const __m256i qb = kq_load256(x[i].qs + 32 * h);
            const int8_t *q8 = y[i].qs + 128 * h;
            /* hmask bit 4h+p -> 4 (bit 2) */
            const __m256i v0 = _mm256_or_si256(_mm256_and_si256(qb, m3), _mm256_and_si256(kq_shift16(hb, 4 * h - 2), m4));
            const __m256i v1 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(qb, 2), m3), _mm256_and_si256(kq_shift16(hb, 4 * h - 1), m4));
            const __m256i v2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(qb, 4), m3), _mm256_and_si256(kq_shift16(hb, 4 * h), m4));
            const __m256i v3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(qb, 6), m3), _mm256_and_si256(kq_shift16(hb, 4 * h + 1), m4));
            s0 = KQ_ACC(s0, _mm256_shuffle_epi8(sc, c0), _mm256_maddubs_epi16(v0, kq_load256(q8)));
            s1 = KQ_ACC(s1, _mm256_shuffle_epi8(sc, c1), _mm256_maddubs_epi16(v1, kq_load256(q8 + 32)));
            s0 = KQ_ACC(s0, _mm256_shuffle_epi8(sc, c2), _mm256_maddubs_epi16(v2, kq_load256(q8 + 64)));
            s1 = KQ_ACC(s1, _mm256_shuffle_epi8(sc, c3), _mm256_maddubs_epi16(v3, kq_load256(q8 + 96)));
        }
        const __m256i sumi = _mm256_sub_epi32(_mm256_add_epi32(s0, s1), off);
        acc = _mm256_fmadd_ps(_mm256_set1_ps(d), _mm256_cvtepi32_ps(sumi), acc);
    }
    *s = kq_hsum256(acc);
}

/* =========================================================================
 * Q2_K: 2-bit values, 4-bit scale and min per 16.
 */
void KQ_FN(jm_vec_dot_q2_K_q8_K)(int64_t n, float *s, const void *vx, const void *vy) {
    const block_q2_K *x = vx;
    const block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m128i m4 = _mm_set1_epi8(0x0F);
    const __m256i c0 = kq_pick16(0, 1), c1 = kq_pick16(2, 3), c2 = kq_pick16(4, 5), c3 = kq_pick16(6, 7);
    __m256 acc = _mm256_setzero_ps();
    __m256 acc_m = _mm256_setzero_ps();

    for (int64_t i = 0; i < nb; ++i) {
        const __m128 dd = _mm_mul_ps(kq_h2f2(&x[i].d), _mm_set1_ps(kq_f32(&y[i].d))); /* d, dmin */
        const __m128i sm = kq_load128(x[i].scales);
        const __m256i sc16 = _mm256_cvtepu8_epi16(_mm_and_si128(sm, m4));
        const __m256i mn16 = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(sm, 4), m4));
        const __m256i msum = _mm256_madd_epi16(mn16, kq_load256(y[i].bsums));
        acc_m = _mm256_fnmadd_ps(_mm256_broadcastss_ps(_mm_movehdup_ps(dd)), _mm256_cvtepi32_ps(msum), acc_m);

        __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
        for (int h = 0; h < 2; ++h) {
            const __m256i sc = h ? _mm256_permute2x128_si256(sc16, sc16, 0x11) : _mm256_permute2x128_si256(sc16, sc16, 0x00);
            const __m256i qb = kq_load256(x[i].qs + 32 * h);
            const int8_t *q8 = y[i].qs + 128 * h;
            s0 = KQ_ACC(s0, _mm256_shuffle_epi8(sc, c0), _mm256_maddubs_epi16(_mm256_and_si256(qb, m3), kq_load256(q8)));
            s1 = KQ_ACC(s1, _mm256_shuffle_epi8(sc, c1), _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(qb, 2), m3), kq_load256(q8 + 32)));
            s0 = KQ_ACC(s0, _mm256_shuffle_epi8(sc, c2), _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(qb, 4), m3), kq_load256(q8 + 64)));
            s1 = KQ_ACC(s1, _mm256_shuffle_epi8(sc, c3), _mm256_maddubs_epi16(_mm256_and_si256(_mm256_srli_epi16(qb, 6), m3), kq_load256(q8 + 96)));
        }
        acc = _mm256_fmadd_ps(_mm256_broadcastss_ps(dd), _mm256_cvtepi32_ps(_mm256_add_epi32(s0, s1)), acc);
    }
    *s = kq_hsum256(_mm256_add_ps(acc, acc_m));
}
