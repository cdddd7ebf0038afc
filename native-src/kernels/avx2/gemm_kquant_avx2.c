/*
 * gemm_kquant_avx2.c - tiled K-quant x Q8_K products (jm_gemm_fn) for
 * AVX2 + FMA: Q4_K, Q5_K and Q6_K.
 *
 * The arithmetic of the single dots (kquant_dot_body_k.h): 32 quants per
 * step, vpmaddubsw (u8 weight x s8 activation -> int16 pairs), vpmaddwd
 * with the sub-block scales as int16, the exact int32 sum of a super-block
 * scaled once by d * d_act; offsets through Q8_K's bsums. What changes is
 * the order: a tile of rows x columns unpacks each weight super-block (the
 * nibbles, the high bits, the scale and min shuffles) once, into a buffer
 * that stays in L1, and runs it against every column of the tile, whose
 * quants are read straight from memory.
 *
 * The contract of jm_gemm_fn (same bits for (r, c) whatever the tile): each
 * pair has its own accumulators and sees exactly the same float operations
 * in every tile shape, since every tile is the same always-inlined code
 * with other loop bounds; the integer part is exact.
 */
#include "kquant_avx2.h"
#include "../kernels.h"

#define KQ_INLINE static inline __attribute__((always_inline))

static inline const block_q8_K *kq_col_ptr(const jm_gemm_args *a, int64_t c) {
    return (const block_q8_K *)((const char *)a->act + c * a->act_stride);
}

/* The scaled int32 sum of one super-block of a (row, column) pair: step s
 * covers quants 32s .. 32s + 31, whose scales are in sc[s]. Two chains. */
KQ_INLINE __m256i kq_isum8(const __m256i q[8], const __m256i sc[8], const int8_t *x, __m256i start) {
    __m256i s0 = _mm256_add_epi32(start, _mm256_madd_epi16(_mm256_maddubs_epi16(q[0], kq_load256(x)), sc[0]));
    __m256i s1 = _mm256_madd_epi16(_mm256_maddubs_epi16(q[1], kq_load256(x + 32)), sc[1]);
    for (int s = 2; s < 8; s += 2) {
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(_mm256_maddubs_epi16(q[s], kq_load256(x + 32 * s)), sc[s]));
        s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(_mm256_maddubs_epi16(q[s + 1], kq_load256(x + 32 * s + 32)), sc[s + 1]));
    }
    return _mm256_add_epi32(s0, s1);
}

/* =========================================================================
 * Q4_K and Q5_K: step s is sub-block s; d * scale * sum - dmin * min * bsum.
 */
typedef struct {
    __m256i q[8];   /* quants of sub-block s (0..15 or 0..31)          */
    __m256i sc[8];  /* its scale in every int16 lane                   */
    __m256i mn;     /* mins as int16 pairs m0 m0 m1 m1 .. m7 m7        */
    float d, dmin;
} kq_row_k4;

/* d, dmin and the 12 scale bytes are the first 16 bytes of both types */
KQ_INLINE void kq_prep_scales_k4(kq_row_k4 *w, const uint8_t *blk) {
    const __m256i sm = _mm256_cvtepu8_epi16(kq_scales_mins_k4(blk + 4)); /* 8 scales | 8 mins */
    const __m256i sc = _mm256_permute2x128_si256(sm, sm, 0x00);
    for (int s = 0; s < 8; ++s) w->sc[s] = _mm256_shuffle_epi8(sc, kq_pick16(s, s));
    w->mn = _mm256_shuffle_epi8(_mm256_permute2x128_si256(sm, sm, 0x11),
                                _mm256_setr_epi8(0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7,
                                                 8, 9, 8, 9, 10, 11, 10, 11, 12, 13, 12, 13, 14, 15, 14, 15));
    w->d = kq_h2f(blk);
    w->dmin = kq_h2f(blk + 2);
}

/* qs[32j + i]: low nibble quant 64j + i, high nibble 64j + 32 + i */
KQ_INLINE void kq_prep_q4_K(kq_row_k4 *w, const block_q4_K *b) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int j = 0; j < 4; ++j) {
        const __m256i v = kq_load256(b->qs + 32 * j);
        w->q[2 * j] = _mm256_and_si256(v, m4);
        w->q[2 * j + 1] = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
    }
    kq_prep_scales_k4(w, (const uint8_t *)b);
}

/* Q5_K: plus 16 where qh[i] bit s is set (bit s moved to bit 4) */
KQ_INLINE void kq_prep_q5_K(kq_row_k4 *w, const block_q5_K *b) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), m16 = _mm256_set1_epi8(0x10);
    const __m256i hb = kq_load256(b->qh);
    for (int j = 0; j < 4; ++j) {
        const __m256i v = kq_load256(b->qs + 32 * j);
        w->q[2 * j] = _mm256_or_si256(_mm256_and_si256(v, m4), _mm256_and_si256(kq_shift16(hb, 2 * j - 4), m16));
        w->q[2 * j + 1] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(v, 4), m4),
                                          _mm256_and_si256(kq_shift16(hb, 2 * j - 3), m16));
    }
    kq_prep_scales_k4(w, (const uint8_t *)b);
}

typedef struct { __m256 f; } kq_acc;

KQ_INLINE void kq_col_k4(const kq_row_k4 *w, const block_q8_K *x, kq_acc *acc) {
    const float dx = x->d;
    const __m256i s = kq_isum8(w->q, w->sc, x->qs, _mm256_setzero_si256());
    const __m256i m = _mm256_madd_epi16(w->mn, kq_load256(x->bsums));
    acc->f = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(w->d * dx), acc->f);
    acc->f = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(m), _mm256_set1_ps(w->dmin * dx), acc->f);
}

/* One pair at a time (the one-column tiles of decode): the same integer
 * lane sums and the same float operations as prep + col, one step after
 * the other, so that nothing is kept (and spilled) for other columns. */
KQ_INLINE void kq_pair_k4(const uint8_t *blk, const uint8_t *qs, const uint8_t *qh, const block_q8_K *x, kq_acc *acc) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), m16 = _mm256_set1_epi8(0x10);
    const __m256i sm = _mm256_cvtepu8_epi16(kq_scales_mins_k4(blk + 4));
    const __m256i sc = _mm256_permute2x128_si256(sm, sm, 0x00);
    const __m256i mn = _mm256_shuffle_epi8(_mm256_permute2x128_si256(sm, sm, 0x11),
                                           _mm256_setr_epi8(0, 1, 0, 1, 2, 3, 2, 3, 4, 5, 4, 5, 6, 7, 6, 7,
                                                            8, 9, 8, 9, 10, 11, 10, 11, 12, 13, 12, 13, 14, 15, 14, 15));
    const __m256i hb = qh ? kq_load256(qh) : _mm256_setzero_si256();
    __m256i s0 = _mm256_setzero_si256(), s1 = _mm256_setzero_si256();
    for (int j = 0; j < 4; ++j) {
        const __m256i v = kq_load256(qs + 32 * j);
        __m256i v0 = _mm256_and_si256(v, m4), v1 = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
        if (qh) {
            v0 = _mm256_or_si256(v0, _mm256_and_si256(kq_shift16(hb, 2 * j - 4), m16));
            v1 = _mm256_or_si256(v1, _mm256_and_si256(kq_shift16(hb, 2 * j - 3), m16));
        }
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(_mm256_maddubs_epi16(v0, kq_load256(x->qs + 64 * j)), _mm256_shuffle_epi8(sc, kq_pick16(2 * j, 2 * j))));
        s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(_mm256_maddubs_epi16(v1, kq_load256(x->qs + 64 * j + 32)),
                                                    _mm256_shuffle_epi8(sc, kq_pick16(2 * j + 1, 2 * j + 1))));
    }
    const float dx = x->d;
    const __m256i m = _mm256_madd_epi16(mn, kq_load256(x->bsums));
    acc->f = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(s0, s1)), _mm256_set1_ps(kq_h2f(blk) * dx), acc->f);
    acc->f = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(m), _mm256_set1_ps(kq_h2f(blk + 2) * dx), acc->f);
}

KQ_INLINE void kq_pair_q4_K(const block_q4_K *b, const block_q8_K *x, kq_acc *acc) {
    kq_pair_k4((const uint8_t *)b, b->qs, NULL, x, acc);
}

KQ_INLINE void kq_pair_q5_K(const block_q5_K *b, const block_q8_K *x, kq_acc *acc) {
    kq_pair_k4((const uint8_t *)b, b->qs, b->qh, x, acc);
}

/* =========================================================================
 * Q6_K: q = 4 low bits | 2 high bits << 4 in 0..63, value q - 32, int8
 * scale per 16: step s covers sub-blocks 2s (low half) and 2s + 1. The -32
 * starts the sum: -32 * sum_j scale_j * bsums_j.
 */
typedef struct {
    __m256i q[8];
    __m256i sc[8];
    __m256i nsc;    /* -32 * scales, int16 */
    float d;
} kq_row_q6;

KQ_INLINE void kq_prep_q6_K(kq_row_q6 *w, const block_q6_K *b) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), m30 = _mm256_set1_epi8(0x30);
    const __m256i sc16 = _mm256_cvtepi8_epi16(kq_load128(b->scales));
    for (int h = 0; h < 2; ++h) {
        const __m256i l0 = kq_load256(b->ql + 64 * h), l1 = kq_load256(b->ql + 64 * h + 32), qh = kq_load256(b->qh + 32 * h);
        w->q[4 * h] = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30));
        w->q[4 * h + 1] = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30));
        w->q[4 * h + 2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_and_si256(qh, m30));
        w->q[4 * h + 3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4),
                                          _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
        const __m256i sc = _mm256_permute2x128_si256(sc16, sc16, h ? 0x11 : 0x00);
        for (int i = 0; i < 4; ++i) w->sc[4 * h + i] = _mm256_shuffle_epi8(sc, kq_pick16(2 * i, 2 * i + 1));
    }
    w->nsc = _mm256_sub_epi16(_mm256_setzero_si256(), _mm256_slli_epi16(sc16, 5));
    w->d = kq_h2f(&b->d);
}

KQ_INLINE void kq_col_q6(const kq_row_q6 *w, const block_q8_K *x, kq_acc *acc) {
    const __m256i s = kq_isum8(w->q, w->sc, x->qs, _mm256_madd_epi16(w->nsc, kq_load256(x->bsums)));
    acc->f = _mm256_fmadd_ps(_mm256_cvtepi32_ps(s), _mm256_set1_ps(w->d * x->d), acc->f);
}

KQ_INLINE void kq_pair_q6_K(const block_q6_K *b, const block_q8_K *x, kq_acc *acc) {
    const __m256i m4 = _mm256_set1_epi8(0x0F), m30 = _mm256_set1_epi8(0x30);
    const __m256i sc16 = _mm256_cvtepi8_epi16(kq_load128(b->scales));
    const __m256i nsc = _mm256_sub_epi16(_mm256_setzero_si256(), _mm256_slli_epi16(sc16, 5));
    __m256i s0 = _mm256_madd_epi16(nsc, kq_load256(x->bsums)), s1 = _mm256_setzero_si256();
    for (int h = 0; h < 2; ++h) {
        const __m256i sc = _mm256_permute2x128_si256(sc16, sc16, h ? 0x11 : 0x00);
        const __m256i l0 = kq_load256(b->ql + 64 * h), l1 = kq_load256(b->ql + 64 * h + 32), qh = kq_load256(b->qh + 32 * h);
        const int8_t *q8 = x->qs + 128 * h;
        const __m256i v0 = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 4), m30));
        const __m256i v1 = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_and_si256(_mm256_slli_epi16(qh, 2), m30));
        const __m256i v2 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_and_si256(qh, m30));
        const __m256i v3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), _mm256_and_si256(_mm256_srli_epi16(qh, 2), m30));
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(_mm256_maddubs_epi16(v0, kq_load256(q8)), _mm256_shuffle_epi8(sc, kq_pick16(0, 1))));
        s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(_mm256_maddubs_epi16(v1, kq_load256(q8 + 32)), _mm256_shuffle_epi8(sc, kq_pick16(2, 3))));
        s0 = _mm256_add_epi32(s0, _mm256_madd_epi16(_mm256_maddubs_epi16(v2, kq_load256(q8 + 64)), _mm256_shuffle_epi8(sc, kq_pick16(4, 5))));
        s1 = _mm256_add_epi32(s1, _mm256_madd_epi16(_mm256_maddubs_epi16(v3, kq_load256(q8 + 96)), _mm256_shuffle_epi8(sc, kq_pick16(6, 7))));
    }
    acc->f = _mm256_fmadd_ps(_mm256_cvtepi32_ps(_mm256_add_epi32(s0, s1)), _mm256_set1_ps(kq_h2f(&b->d) * x->d), acc->f);
}

/* =========================================================================
 * Tiles and the kernels. KQ_TILE(T) defines kq_tile_T(a, r, c, R, C): rows
 * r..r+R-1 x columns c..c+C-1, called with constant R, C only; each weight
 * super-block is unpacked once per tile and used C times.
 */
#define KQ_TR 4   /* rows of the main tile                */
#define KQ_TC 8   /* columns of the main tile             */
#define KQ_TR1 1  /* rows of the narrow tiles (decode: one row at a time, as the dots) */

#define KQ_TILE(T, BLK, ROW, PREP, COL, PAIR)                                                        \
    KQ_INLINE void kq_tile_##T(const jm_gemm_args *a, int64_t r, int64_t c, const int R, const int C) { \
        const int64_t nb = a->n / QK_K;                                                        \
        const BLK *w[KQ_TR];                                                                   \
        const block_q8_K *x[KQ_TC];                                                            \
        kq_acc acc[KQ_TR][KQ_TC];                                                              \
        _Pragma("GCC unroll 8") for (int u = 0; u < R; ++u) {                                  \
            w[u] = (const BLK *)((const char *)a->w + (r + u) * a->w_row_bytes);               \
            _Pragma("GCC unroll 8") for (int v = 0; v < C; ++v) acc[u][v].f = _mm256_setzero_ps(); \
        }                                                                                      \
        _Pragma("GCC unroll 8") for (int v = 0; v < C; ++v) x[v] = kq_col_ptr(a, c + v);       \
        for (int64_t i = 0; i < nb; ++i) {                                                     \
            _Pragma("GCC unroll 8") for (int u = 0; u < R; ++u) {                              \
                if (C == 1) {                                                                  \
                    PAIR(w[u] + i, x[0] + i, &acc[u][0]);                                      \
                    continue;                                                                  \
                }                                                                              \
                ROW row;                                                                       \
                PREP(&row, w[u] + i);                                                          \
                _Pragma("GCC unroll 8") for (int v = 0; v < C; ++v) COL(&row, x[v] + i, &acc[u][v]); \
            }                                                                                  \
        }                                                                                      \
        _Pragma("GCC unroll 8") for (int u = 0; u < R; ++u)                                    \
            _Pragma("GCC unroll 8") for (int v = 0; v < C; ++v)                                \
                a->y[(c + v) * a->y_stride + r + u] = kq_hsum256(acc[u][v].f);                 \
    }                                                                                          \
    void jm_gemm_##T##_avx2(const jm_gemm_args *a, int64_t r0, int64_t r1) {                   \
        const int64_t nc = a->n_cols;                                                          \
        int64_t r = r0;                                                                        \
        for (; r + KQ_TR <= r1; r += KQ_TR)                                                    \
            for (int64_t c = 0; c + KQ_TC <= nc; c += KQ_TC) kq_tile_##T(a, r, c, KQ_TR, KQ_TC); \
        for (; r < r1; ++r)                                                                    \
            for (int64_t c = 0; c + KQ_TC <= nc; c += KQ_TC) kq_tile_##T(a, r, c, 1, KQ_TC);   \
        /* the columns left over: four, then one at a time */                                  \
        int64_t c = nc - nc % KQ_TC;                                                           \
        for (; c + 4 <= nc; c += 4) {                                                          \
            for (r = r0; r + KQ_TR1 <= r1; r += KQ_TR1) kq_tile_##T(a, r, c, KQ_TR1, 4);       \
            for (; r < r1; ++r) kq_tile_##T(a, r, c, 1, 4);                                    \
        }                                                                                      \
        for (; c < nc; ++c) {                                                                  \
            for (r = r0; r + KQ_TR1 <= r1; r += KQ_TR1) kq_tile_##T(a, r, c, KQ_TR1, 1);       \
            for (; r < r1; ++r) kq_tile_##T(a, r, c, 1, 1);                                    \
        }                                                                                      \
    }

KQ_TILE(q4_K, block_q4_K, kq_row_k4, kq_prep_q4_K, kq_col_k4, kq_pair_q4_K)
KQ_TILE(q5_K, block_q5_K, kq_row_k4, kq_prep_q5_K, kq_col_k4, kq_pair_q5_K)
KQ_TILE(q6_K, block_q6_K, kq_row_q6, kq_prep_q6_K, kq_col_q6, kq_pair_q6_K)
