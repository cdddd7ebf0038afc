/*
 * gemm_kquant_avx512.c - tiled K-quant x Q8_K products (jm_gemm_fn) for
 * CPUs with AVX-512 F/BW/VL and VNNI: Q4_K, Q5_K and Q6_K.
 *
 * A single dot unpacks a weight super-block (nibbles, high bits, 6-bit
 * scales and mins) for one activation column and throws it away. Here a
 * tile of rows x columns unpacks each weight super-block once into
 * registers, in element order, and runs it against every column of the
 * tile; the activations, contiguous Q8_K quants, are read straight from
 * memory as the second operand of vpmaddubsw.
 *
 * Per (row, column, super-block): vpmaddubsw (u8 weight x s8 activation ->
 * int16 pairs) and vpdpwssd with the sub-block scales as int16 give the
 * exact integer sum of the super-block in 16 int32 lanes; one fma by
 * d * d_act adds it to the pair's float accumulator. Offsets (the mins of
 * Q4_K/Q5_K, the -32 of Q6_K) go through Q8_K's bsums once per pair.
 *
 * The contract of jm_gemm_fn (same bits for (r, c) whatever the tile): each
 * pair has its own accumulators and sees exactly the same float operations
 * in every tile shape, since every tile is the same always-inlined code
 * (kq_prep / kq_col / kq_fin per type) with other loop bounds; the integer
 * part is exact, so its grouping does not matter.
 *
 * vpdpwssd is the 512-bit form only, which has no VEX (AVX-VNNI) encoding:
 * the intrinsic cannot come out as an instruction AVX-512-VNNI-only CPUs
 * lack. The dispatcher calls these only when the CPU reports AVX512F/BW/VL
 * and AVX512_VNNI.
 */
#include "../avx2/kquant_avx2.h"
#include "../kernels.h"

#define KQ_INLINE static inline __attribute__((always_inline))

static inline __m512i kq_load512(const void *p) { return _mm512_loadu_si512(p); }

/* the 256-bit register at p in both halves of a zmm */
static inline __m512i kq_bcast256(const void *p) { return _mm512_broadcast_i64x4(kq_load256(p)); }

/* int16 lanes 0..15 all take value a of v, lanes 16..31 value b (vpermw) */
static inline __m512i kq_spread16(__m512i v, int a, int b) {
    return _mm512_permutexvar_epi16(_mm512_inserti64x4(_mm512_set1_epi16((short)a), _mm256_set1_epi16((short)b), 1), v);
}

static inline float kq_hsum512(__m512 v) {
    return kq_hsum256(_mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1)));
}

/* The integer sum of one super-block of a (row, column) pair, 64 quants per
 * step: q[k] the weights (u8), sc[k] the scales of their two or four
 * sub-blocks as int16, x the Q8_K quants. Two chains hide the latency. */
KQ_INLINE __m512i kq_isum(const __m512i q[4], const __m512i sc[4], const int8_t *x, __m512i start) {
    __m512i s0 = _mm512_dpwssd_epi32(start, sc[0], _mm512_maddubs_epi16(q[0], kq_load512(x)));
    __m512i s1 = _mm512_dpwssd_epi32(_mm512_setzero_si512(), sc[1], _mm512_maddubs_epi16(q[1], kq_load512(x + 64)));
    s0 = _mm512_dpwssd_epi32(s0, sc[2], _mm512_maddubs_epi16(q[2], kq_load512(x + 128)));
    s1 = _mm512_dpwssd_epi32(s1, sc[3], _mm512_maddubs_epi16(q[3], kq_load512(x + 192)));
    return _mm512_add_epi32(s0, s1);
}

static inline const block_q8_K *kq_col_ptr(const jm_gemm_args *a, int64_t c) {
    return (const block_q8_K *)((const char *)a->act + c * a->act_stride);
}

/* =========================================================================
 * Q4_K and Q5_K: 8 sub-blocks of 32, six-bit scales and mins.
 */
typedef struct {
    __m512i q[4];   /* the 256 quants (0..15 or 0..31) in element order  */
    __m512i sc[4];  /* scale of sub-block 2k in the low half, 2k+1 high  */
    __m256i mn;     /* mins as int16 pairs m0 m0 m1 m1 .. m7 m7          */
    float d, dmin;
} kq_row_k4;

typedef struct { __m512 f; __m256 m; } kq_acc_k4;

/* scales and mins of a Q4_K / Q5_K block: d, dmin and scales are the first
 * 16 bytes of both */
KQ_INLINE void kq_prep_scales_k4(kq_row_k4 *w, const uint8_t *blk) {
    const __m256i sm = _mm256_cvtepu8_epi16(kq_scales_mins_k4(blk + 4)); /* 8 scales | 8 mins */
    const __m512i smz = _mm512_castsi256_si512(sm);
    for (int k = 0; k < 4; ++k) w->sc[k] = kq_spread16(smz, 2 * k, 2 * k + 1);
    w->mn = _mm256_permutexvar_epi16(_mm256_setr_epi16(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15), sm);
    w->d = kq_h2f(blk);
    w->dmin = kq_h2f(blk + 2);
}

/* qs[32k + i]: low nibble element 64k + i, high nibble 64k + 32 + i: the
 * 32 bytes in both halves, the upper half shifted down, give the 64
 * elements of step k in order */
KQ_INLINE void kq_prep_q4_K(kq_row_k4 *w, const block_q4_K *b) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int k = 0; k < 4; ++k) {
        const __m512i v = kq_bcast256(b->qs + 32 * k);
        w->q[k] = _mm512_and_si512(_mm512_mask_srli_epi16(v, 0xFFFF0000u, v, 4), m4);
    }
    kq_prep_scales_k4(w, (const uint8_t *)b);
}

/* Q5_K adds 16 where qh[i] bit 2k (low half) / 2k+1 (high half) is set */
KQ_INLINE void kq_prep_q5_K(kq_row_k4 *w, const block_q5_K *b) {
    const __m512i m4 = _mm512_set1_epi8(0x0F), m16 = _mm512_set1_epi8(0x10);
    const __m512i hb = kq_bcast256(b->qh);
    for (int k = 0; k < 4; ++k) {
        const __m512i v = kq_bcast256(b->qs + 32 * k);
        const __m512i lo = _mm512_and_si512(_mm512_mask_srli_epi16(v, 0xFFFF0000u, v, 4), m4);
        const __m512i bit = _mm512_inserti64x4(_mm512_set1_epi8((char)(1 << (2 * k))), _mm256_set1_epi8((char)(1 << (2 * k + 1))), 1);
        w->q[k] = _mm512_mask_add_epi8(lo, _mm512_test_epi8_mask(hb, bit), lo, m16);
    }
    kq_prep_scales_k4(w, (const uint8_t *)b);
}

KQ_INLINE void kq_col_k4(const kq_row_k4 *w, const block_q8_K *x, kq_acc_k4 *acc) {
    const float dx = x->d;
    const __m512i isum = kq_isum(w->q, w->sc, x->qs, _mm512_setzero_si512());
    acc->f = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum), _mm512_set1_ps(w->d * dx), acc->f);
    const __m256i mi = _mm256_madd_epi16(w->mn, kq_load256(x->bsums));
    acc->m = _mm256_fnmadd_ps(_mm256_cvtepi32_ps(mi), _mm256_set1_ps(w->dmin * dx), acc->m);
}

KQ_INLINE void kq_zero_k4(kq_acc_k4 *acc) { acc->f = _mm512_setzero_ps(); acc->m = _mm256_setzero_ps(); }
KQ_INLINE float kq_fin_k4(const kq_acc_k4 *acc) { return kq_hsum512(acc->f) + kq_hsum256(acc->m); }

/* =========================================================================
 * Q6_K: q = 4 low bits | 2 high bits << 4 in 0..63, value q - 32, int8
 * scale per 16. The -32 is folded into the start of the integer sum:
 * -32 * sum_j sc_j * bsums_j.
 */
typedef struct {
    __m512i q[4];
    __m512i sc[4];  /* 128-bit lane l of step k: scale of sub-block 4k + l */
    __m256i nsc;    /* -32 * scales, int16                                  */
    float d;
} kq_row_q6;

typedef struct { __m512 f; } kq_acc_q6;

/* Step k = 2h + p: ql[64h + i] low (p = 0) or high (p = 1) nibble, high
 * bits qh[32h + i % 32] >> 2 * (2p + i / 32); the shifts below put those
 * two bits at bits 4..5 (16-bit shifts: what crosses a byte is masked) */
KQ_INLINE void kq_prep_q6_K(kq_row_q6 *w, const block_q6_K *b) {
    const __m512i m4 = _mm512_set1_epi8(0x0F), m30 = _mm512_set1_epi8(0x30);
    const __m512i up0 = _mm512_inserti64x4(_mm512_set1_epi16(4), _mm256_set1_epi16(2), 1); /* left  */
    const __m512i dn1 = _mm512_inserti64x4(_mm512_set1_epi16(0), _mm256_set1_epi16(2), 1); /* right */
    for (int h = 0; h < 2; ++h) {
        const __m512i l = kq_load512(b->ql + 64 * h);
        const __m512i qh = kq_bcast256(b->qh + 32 * h);
        const __m512i h0 = _mm512_and_si512(_mm512_sllv_epi16(qh, up0), m30);
        const __m512i h1 = _mm512_and_si512(_mm512_srlv_epi16(qh, dn1), m30);
        /* (A & C) | B with A the low bits, B the high ones, C the mask */
        w->q[2 * h] = _mm512_ternarylogic_epi32(l, h0, m4, 0xEC);
        w->q[2 * h + 1] = _mm512_ternarylogic_epi32(_mm512_srli_epi16(l, 4), h1, m4, 0xEC);
    }
    const __m256i sc16 = _mm256_cvtepi8_epi16(kq_load128(b->scales));
    const __m512i scz = _mm512_castsi256_si512(sc16);
    for (int k = 0; k < 4; ++k) {
        const __m512i idx = _mm512_setr_epi32(
            0x00010001 * (4 * k), 0x00010001 * (4 * k), 0x00010001 * (4 * k), 0x00010001 * (4 * k),
            0x00010001 * (4 * k + 1), 0x00010001 * (4 * k + 1), 0x00010001 * (4 * k + 1), 0x00010001 * (4 * k + 1),
            0x00010001 * (4 * k + 2), 0x00010001 * (4 * k + 2), 0x00010001 * (4 * k + 2), 0x00010001 * (4 * k + 2),
            0x00010001 * (4 * k + 3), 0x00010001 * (4 * k + 3), 0x00010001 * (4 * k + 3), 0x00010001 * (4 * k + 3));
        w->sc[k] = _mm512_permutexvar_epi16(idx, scz);
    }
    w->nsc = _mm256_sub_epi16(_mm256_setzero_si256(), _mm256_slli_epi16(sc16, 5));
    w->d = kq_h2f(&b->d);
}

KQ_INLINE void kq_col_q6(const kq_row_q6 *w, const block_q8_K *x, kq_acc_q6 *acc) {
    const __m512i off = _mm512_zextsi256_si512(_mm256_madd_epi16(w->nsc, kq_load256(x->bsums)));
    const __m512i isum = kq_isum(w->q, w->sc, x->qs, off);
    acc->f = _mm512_fmadd_ps(_mm512_cvtepi32_ps(isum), _mm512_set1_ps(w->d * x->d), acc->f);
}

KQ_INLINE void kq_zero_q6(kq_acc_q6 *acc) { acc->f = _mm512_setzero_ps(); }
KQ_INLINE float kq_fin_q6(const kq_acc_q6 *acc) { return kq_hsum512(acc->f); }

/* =========================================================================
 * Tiles and the kernels. KQ_TILE(T) defines tile_T(a, r, c, R, C): rows
 * r..r+R-1 x columns c..c+C-1, called with constant R, C only; each
 * weight super-block is unpacked once per tile and used C times.
 */
#define KQ_TR 4   /* rows of the main tile    */
#define KQ_TC 4   /* columns of the main tile */

#define KQ_TILE(T, BLK, ROW, ACC, PREP, COL, ZERO, FIN)                                        \
    KQ_INLINE void kq_tile_##T(const jm_gemm_args *a, int64_t r, int64_t c, const int R, const int C) { \
        const int64_t nb = a->n / QK_K;                                                        \
        const BLK *w[KQ_TR];                                                                   \
        const block_q8_K *x[KQ_TC];                                                            \
        ACC acc[KQ_TR][KQ_TC];                                                                 \
        _Pragma("GCC unroll 4") for (int u = 0; u < R; ++u) {                                  \
            w[u] = (const BLK *)((const char *)a->w + (r + u) * a->w_row_bytes);               \
            _Pragma("GCC unroll 4") for (int v = 0; v < C; ++v) ZERO(&acc[u][v]);              \
        }                                                                                      \
        _Pragma("GCC unroll 4") for (int v = 0; v < C; ++v) x[v] = kq_col_ptr(a, c + v);       \
        for (int64_t i = 0; i < nb; ++i) {                                                     \
            _Pragma("GCC unroll 4") for (int u = 0; u < R; ++u) {                              \
                ROW row;                                                                       \
                PREP(&row, w[u] + i);                                                          \
                _Pragma("GCC unroll 4") for (int v = 0; v < C; ++v) COL(&row, x[v] + i, &acc[u][v]); \
            }                                                                                  \
        }                                                                                      \
        _Pragma("GCC unroll 4") for (int u = 0; u < R; ++u)                                    \
            _Pragma("GCC unroll 4") for (int v = 0; v < C; ++v)                                \
                a->y[(c + v) * a->y_stride + r + u] = FIN(&acc[u][v]);                         \
    }                                                                                          \
    void jm_gemm_##T##_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) {             \
        const int64_t nc = a->n_cols;                                                          \
        int64_t r = r0;                                                                        \
        for (; r + KQ_TR <= r1; r += KQ_TR) {                                                  \
            int64_t c = 0;                                                                     \
            for (; c + KQ_TC <= nc; c += KQ_TC) kq_tile_##T(a, r, c, KQ_TR, KQ_TC);            \
            for (; c < nc; ++c) kq_tile_##T(a, r, c, KQ_TR, 1);                                \
        }                                                                                      \
        for (; r < r1; ++r) {                                                                  \
            int64_t c = 0;                                                                     \
            for (; c + KQ_TC <= nc; c += KQ_TC) kq_tile_##T(a, r, c, 1, KQ_TC);                \
            for (; c < nc; ++c) kq_tile_##T(a, r, c, 1, 1);                                    \
        }                                                                                      \
    }

KQ_TILE(q4_K, block_q4_K, kq_row_k4, kq_acc_k4, kq_prep_q4_K, kq_col_k4, kq_zero_k4, kq_fin_k4)
KQ_TILE(q5_K, block_q5_K, kq_row_k4, kq_acc_k4, kq_prep_q5_K, kq_col_k4, kq_zero_k4, kq_fin_k4)
KQ_TILE(q6_K, block_q6_K, kq_row_q6, kq_acc_q6, kq_prep_q6_K, kq_col_q6, kq_zero_q6, kq_fin_q6)
