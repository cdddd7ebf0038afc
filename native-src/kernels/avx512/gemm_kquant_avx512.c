/*
 * gemm_kquant_avx512.c - tiled K-quant x Q8_K products (jm_gemm_fn) for
 * CPUs with AVX-512 F/BW/VL and VNNI: Q2_K, Q3_K, Q4_K, Q5_K and Q6_K.
 *
 * A single dot unpacks a weight super-block (nibbles, high bits, six-bit
 * scales and mins) for one activation column and throws it away. Here a
 * tile of rows x columns unpacks each weight super-block once and runs it
 * against every column of the tile, and permutes each column's activations
 * once for every row of the tile.
 *
 * Per (row, column, super-block) pair the work is four vpdpbusd (u8 weight
 * x s8 activation, 64 of each) into one int32 vector whose 16 lanes each
 * keep to one sub-block (see "The lane layout" below), then four float
 * operations: convert, scale by d * scale of the lane's sub-block times the
 * column's d, and the mins (Q2_K / Q4_K / Q5_K) through Q8_K's bsums; the
 * -32 of Q6_K and the -4 of Q3_K start the integer sums. Everything else
 * is per row or per column and is spread over the tile: 16 x 8 pairs, the
 * accumulators in memory (one load and one store per pair and super-block
 * is cheap next to the rest). Decode (one column) runs tiles of 8 rows and
 * is bound by the weights' bandwidth from L3 at about the dots' speed.
 *
 * The contract of jm_gemm_fn (same bits for (r, c) whatever the tile): each
 * pair has its own accumulator and sees exactly the same float operations
 * in every tile shape, since every tile is the same always-inlined code
 * (prep per row, act per column, col per pair) with other loop bounds; the
 * integer part is exact, so its grouping does not matter.
 *
 * The VNNI instructions are the 512-bit forms only, which have no VEX
 * (AVX-VNNI) encoding: the intrinsics cannot come out as instructions
 * AVX-512-VNNI-only CPUs lack. The dispatcher calls these only when the CPU
 * reports AVX512F/BW/VL and AVX512_VNNI.
 */
#include "../avx2/kquant_avx2.h"
#include <stdlib.h>
#include "../kernels.h"

#define KQ_INLINE static inline __attribute__((always_inline))

static inline __m512i kq_load512(const void *p) { return _mm512_loadu_si512(p); }

static inline float kq_hsum512(__m512 v) {
    return kq_hsum256(_mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1)));
}

static inline const block_q8_K *kq_col_ptr(const jm_gemm_args *a, int64_t c) {
    return (const block_q8_K *)((const char *)a->act + c * a->act_stride);
}

/* 16 int32 lanes from an expression in the lane index L */
#define KQ_LANES(f) _mm512_setr_epi32(f(0), f(1), f(2), f(3), f(4), f(5), f(6), f(7), \
                                      f(8), f(9), f(10), f(11), f(12), f(13), f(14), f(15))

/* -------------------------------------------------------------------------
 * The lane layout. vpdpbusd adds four u8 x s8 products into each int32
 * lane; to scale its result once per super-block, every lane must keep to
 * one sub-block through the four steps. Step k (k = 0..3) holds in lane L
 * the four quants 16L + 4k .. 16L + 4k + 3, so lane L sums the 16 quants
 * 16L .. 16L + 15: sub-block L of a Q2_K, Q3_K or Q6_K block (half of
 * sub-block L/2 of a Q4_K / Q5_K one), and Q8_K's bsums[L] is that lane's
 * activation sum.
 * The weights are unpacked into this order once per row and super-block
 * (a dword permute each step is as cheap as any unpack); the activations
 * are permuted once per column and super-block, and shared by the rows of
 * a tile.
 */
typedef struct {
    __m512i q[4];   /* the 256 Q8_K quants, step k in q[k]                  */
    __m512i bs;     /* Q6_K, Q3_K: bsums times the quants' offset (int32)   */
    __m512 bsd;     /* Q2_K, Q4_K, Q5_K: bsums times d, for the mins       */
    float d;
} kq_act;

/* The 16 x 4 dword transpose: step k takes dword k of every 16 bytes.
 * Two source registers give steps k, k+1 of their 8 lanes; a 128-bit
 * shuffle joins the halves. */
KQ_INLINE void kq_act_quants(kq_act *a, const int8_t *qs) {
    const __m512i a0 = kq_load512(qs), a1 = kq_load512(qs + 64), a2 = kq_load512(qs + 128), a3 = kq_load512(qs + 192);
    /* lanes 0..7: dwords 0,4,..,28 of (a0 | a1); lanes 8..15: dwords 1,5,..,29 */
    const __m512i lo = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
    const __m512i hi = _mm512_add_epi32(lo, _mm512_set1_epi32(2));
    const __m512i p01 = _mm512_permutex2var_epi32(a0, lo, a1), p23 = _mm512_permutex2var_epi32(a2, lo, a3);
    const __m512i q01 = _mm512_permutex2var_epi32(a0, hi, a1), q23 = _mm512_permutex2var_epi32(a2, hi, a3);
    a->q[0] = _mm512_shuffle_i64x2(p01, p23, 0x44);
    a->q[1] = _mm512_shuffle_i64x2(p01, p23, 0xEE);
    a->q[2] = _mm512_shuffle_i64x2(q01, q23, 0x44);
    a->q[3] = _mm512_shuffle_i64x2(q01, q23, 0xEE);
}

KQ_INLINE void kq_act_k4(kq_act *a, const block_q8_K *x) {
    kq_act_quants(a, x->qs);
    a->d = x->d;
    a->bsd = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi16_epi32(kq_load256(x->bsums))), _mm512_set1_ps(a->d));
}

/* Q6_K and Q3_K: the offset of the quants (-32, -4) times bsums starts
 * the integer sums */
KQ_INLINE void kq_act_off(kq_act *a, const block_q8_K *x, int off) {
    kq_act_quants(a, x->qs);
    a->d = x->d;
    a->bs = _mm512_mullo_epi32(_mm512_cvtepi16_epi32(kq_load256(x->bsums)), _mm512_set1_epi32(off));
}

KQ_INLINE void kq_act_q6(kq_act *a, const block_q8_K *x) { kq_act_off(a, x, -32); }
KQ_INLINE void kq_act_q3(kq_act *a, const block_q8_K *x) { kq_act_off(a, x, -4); }

/* The four steps of one (row, column) pair: the exact int32 lane sums. */
KQ_INLINE __m512i kq_lane_sums(const __m512i w[4], const kq_act *a, __m512i start) {
    __m512i s = _mm512_dpbusd_epi32(start, w[0], a->q[0]);
    s = _mm512_dpbusd_epi32(s, w[1], a->q[1]);
    s = _mm512_dpbusd_epi32(s, w[2], a->q[2]);
    return _mm512_dpbusd_epi32(s, w[3], a->q[3]);
}

/* =========================================================================
 * Q4_K and Q5_K: 8 sub-blocks of 32 (lanes 2j, 2j+1), six-bit scales and
 * mins. Per lane: d * scale * sum - dmin * min * bsum, times the column's d.
 */
typedef struct {
    __m512i q[4];   /* quants (0..15 or 0..31) in the lane layout     */
    __m512 sc;      /* d * scale of the lane's sub-block               */
    __m512 mn;      /* dmin * min of the lane's sub-block              */
} kq_row_k4;

/* d, dmin and the 12 scale bytes are the first 16 bytes of both types:
 * the 8 scales and 8 mins go to float together, times (d x 8, dmin x 8),
 * then each is spread over its sub-block's two lanes */
KQ_INLINE void kq_prep_scales_k4(kq_row_k4 *w, const uint8_t *blk) {
    const __m512 sm = _mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(kq_scales_mins_k4(blk + 4)));
    const __m512 dd = _mm512_permutexvar_ps(_mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1),
                                            _mm512_castps128_ps512(kq_h2f2(blk)));
    const __m512 f = _mm512_mul_ps(sm, dd);
    w->sc = _mm512_permutexvar_ps(_mm512_setr_epi32(0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7), f);
    w->mn = _mm512_permutexvar_ps(_mm512_setr_epi32(8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13, 14, 14, 15, 15), f);
}

/* Quant 16L + 4k + t sits in qs dword 8(L/4) + 4(L%2) + k, in the high
 * nibble when (L/2) is odd. */
#define KQ_Q4_IDX(L) (8 * ((L) / 4) + 4 * ((L) % 2))
KQ_INLINE __m512i kq_nibbles_k4(const uint8_t *qs, int k) {
    const __m512i v = _mm512_permutex2var_epi32(kq_load512(qs), _mm512_add_epi32(KQ_LANES(KQ_Q4_IDX), _mm512_set1_epi32(k)),
                                                kq_load512(qs + 64));
    return _mm512_and_si512(_mm512_mask_srli_epi32(v, 0xCCCC, v, 4), _mm512_set1_epi8(0x0F));
}

KQ_INLINE void kq_prep_q4_K(kq_row_k4 *w, const block_q4_K *b) {
    for (int k = 0; k < 4; ++k) w->q[k] = kq_nibbles_k4(b->qs, k);
    kq_prep_scales_k4(w, (const uint8_t *)b);
}

/* Q5_K: the fifth bit of quant e is qh[e % 32] bit e / 32: for lane L,
 * qh dword 4(L%2) + k, bit L/2 of every byte */
#define KQ_Q5_IDX(L) (4 * ((L) % 2))
#define KQ_Q5_BIT(L) (0x01010101 << ((L) / 2))
KQ_INLINE void kq_prep_q5_K(kq_row_k4 *w, const block_q5_K *b) {
    const __m512i qh = _mm512_castsi256_si512(kq_load256(b->qh));
    const __m512i bit = KQ_LANES(KQ_Q5_BIT), m16 = _mm512_set1_epi8(0x10);
    for (int k = 0; k < 4; ++k) {
        const __m512i lo = kq_nibbles_k4(b->qs, k);
        const __m512i h = _mm512_permutexvar_epi32(_mm512_add_epi32(KQ_LANES(KQ_Q5_IDX), _mm512_set1_epi32(k)), qh);
        w->q[k] = _mm512_mask_add_epi8(lo, _mm512_test_epi8_mask(h, bit), lo, m16);
    }
    kq_prep_scales_k4(w, (const uint8_t *)b);
}

KQ_INLINE void kq_col_k4(const kq_row_k4 *w, const kq_act *x, __m512 *acc) {
    const __m512i s = kq_lane_sums(w->q, x, _mm512_setzero_si512());
    *acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(w->sc, _mm512_set1_ps(x->d)), *acc);
    *acc = _mm512_fnmadd_ps(w->mn, x->bsd, *acc);
}

/* =========================================================================
 * Q6_K: q = 4 low bits | 2 high bits << 4 in 0..63, value q - 32, int8
 * scale per 16 (one lane). The -32 is the start of the lane sums:
 * -32 * bsums[L].
 */
typedef struct {
    __m512i q[4];
    __m512 sc;      /* d * scale of lane L */
} kq_row_q6;

/* Quant e = 16L + 4k + t, h = L/8: low bits in ql dword 16h + 4(L%4) + k,
 * high nibble when L%8 >= 4; high bits in qh dword 8h + 4(L%2) + k, at bit
 * 2((L%8)/2) of each byte, rotated to bits 4..5 (what crosses a byte or
 * wraps around is masked) */
#define KQ_Q6_LIDX(L) (16 * ((L) / 8) + 4 * ((L) % 4))
#define KQ_Q6_HIDX(L) (8 * ((L) / 8) + 4 * ((L) % 2))
#define KQ_Q6_ROT(L) ((36 - 2 * (((L) % 8) / 2)) % 32)
KQ_INLINE void kq_prep_q6_K(kq_row_q6 *w, const block_q6_K *b) {
    const __m512i l0 = kq_load512(b->ql), l1 = kq_load512(b->ql + 64), qh = kq_load512(b->qh);
    const __m512i m4 = _mm512_set1_epi8(0x0F), m30 = _mm512_set1_epi8(0x30);
    const __m512i rot = KQ_LANES(KQ_Q6_ROT);
    for (int k = 0; k < 4; ++k) {
        const __m512i kk = _mm512_set1_epi32(k);
        const __m512i l = _mm512_permutex2var_epi32(l0, _mm512_add_epi32(KQ_LANES(KQ_Q6_LIDX), kk), l1);
        const __m512i h = _mm512_permutexvar_epi32(_mm512_add_epi32(KQ_LANES(KQ_Q6_HIDX), kk), qh);
        const __m512i hb = _mm512_and_si512(_mm512_rolv_epi32(h, rot), m30);
        /* (A & C) | B with A the low bits, B the high ones, C the mask */
        w->q[k] = _mm512_ternarylogic_epi32(_mm512_mask_srli_epi32(l, 0xF0F0, l, 4), hb, m4, 0xEC);
    }
    w->sc = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(kq_load128(b->scales))), _mm512_set1_ps(kq_h2f(&b->d)));
}

KQ_INLINE void kq_col_q6(const kq_row_q6 *w, const kq_act *x, __m512 *acc) {
    const __m512i s = kq_lane_sums(w->q, x, x->bs);
    *acc = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s), _mm512_mul_ps(w->sc, _mm512_set1_ps(x->d)), *acc);
}

/* =========================================================================
 * Q2_K and Q3_K: 16 sub-blocks of 16 (one lane each), two-bit quants in
 * qs[32(e/128) + e%32] at bit 2((e%128)/32): for lane L, qs dword
 * 8(L/8) + 4(L%2) + k, shifted right by 2((L%8)/2).
 */
#define KQ_Q2_IDX(L) (8 * ((L) / 8) + 4 * ((L) % 2))
#define KQ_Q2_SHIFT(L) (2 * (((L) % 8) / 2))
KQ_INLINE __m512i kq_two_bits(__m512i qs, int k) {
    const __m512i v = _mm512_permutexvar_epi32(_mm512_add_epi32(KQ_LANES(KQ_Q2_IDX), _mm512_set1_epi32(k)), qs);
    return _mm512_and_si512(_mm512_srlv_epi32(v, KQ_LANES(KQ_Q2_SHIFT)), _mm512_set1_epi8(3));
}

/* Q2_K: scale (low nibble) and min (high nibble) per sub-block; the rest
 * as Q4_K (kq_row_k4, kq_act_k4, kq_col_k4) */
KQ_INLINE void kq_prep_q2_K(kq_row_k4 *w, const block_q2_K *b) {
    const __m512i qs = kq_load512(b->qs);
    for (int k = 0; k < 4; ++k) w->q[k] = kq_two_bits(qs, k);
    const __m512i sm = _mm512_cvtepu8_epi32(kq_load128(b->scales));
    const __m128 dd = kq_h2f2(&b->d); /* d, dmin */
    w->sc = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_and_si512(sm, _mm512_set1_epi32(15))), _mm512_broadcastss_ps(dd));
    w->mn = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_srli_epi32(sm, 4)), _mm512_broadcastss_ps(_mm_movehdup_ps(dd)));
}

/* Q3_K: quant (two bits | hmask bit << 2) in 0..7, value minus 4 (which
 * starts the integer sums); the hmask bit of quant e is hmask[e % 32] bit
 * e / 32: for lane L, hmask dword 4(L%2) + k, bit L/2 of every byte (as
 * Q5_K's qh); scales six-bit minus 32 */
KQ_INLINE void kq_prep_q3_K(kq_row_q6 *w, const block_q3_K *b) {
    const __m512i qs = kq_load512(b->qs), hm = _mm512_castsi256_si512(kq_load256(b->hmask));
    const __m512i bit = KQ_LANES(KQ_Q5_BIT), m4 = _mm512_set1_epi8(4);
    for (int k = 0; k < 4; ++k) {
        const __m512i lo = kq_two_bits(qs, k);
        const __m512i h = _mm512_permutexvar_epi32(_mm512_add_epi32(KQ_LANES(KQ_Q5_IDX), _mm512_set1_epi32(k)), hm);
        w->q[k] = _mm512_mask_add_epi8(lo, _mm512_test_epi8_mask(h, bit), lo, m4);
    }
    const __m512i sc = _mm512_cvtepi8_epi32(kq_scales_q3(b->qs + 62)); /* bytes 94..109 */
    w->sc = _mm512_mul_ps(_mm512_cvtepi32_ps(sc), _mm512_set1_ps(kq_h2f(&b->d)));
}

/* =========================================================================
 * Tiles and the kernels. KQ_TILE(T) defines kq_tile_T(a, r, c, R, C): rows
 * r..r+R-1 x columns c..c+C-1, called with constant R, C only. Per
 * super-block, each column's activations are permuted once for the R rows
 * and each row's weights unpacked once for the C columns.
 */
#define KQ_TR 16  /* rows of the main tile    */
#define KQ_TC 8   /* columns of the main tile */
#define KQ_TR1 8 /* rows of the one-column tile (decode) */

#define KQ_RMAX (KQ_TR > KQ_TR1 ? KQ_TR : KQ_TR1)

/*
 * Decode streams the weights from memory, R rows side by side, and on some
 * machines (the VMs we measure on) the hardware prefetcher leaves too few
 * lines in flight for that. So a one-column tile prefetches every row
 * KQ_PF_BYTES ahead, running on into the same row of the next tile (R rows
 * on) near the end, where this thread goes next.
 */
#define KQ_PF_BYTES 768

KQ_INLINE void kq_prefetch_rows(const jm_gemm_args *a, const void *const *w, int R, int64_t at, int64_t blk) {
    int64_t o = at + KQ_PF_BYTES;
    if (o >= a->w_row_bytes) o += (R - 1) * a->w_row_bytes;
    for (int u = 0; u < R; ++u)
        for (int64_t l = 0; l < blk; l += 64) _mm_prefetch((const char *)w[u] + o + l, _MM_HINT_T0);
}

#define KQ_TILE(T, BLK, ROW, ACT, PREP, COL)                                                   \
    KQ_INLINE void kq_tile_##T(const jm_gemm_args *a, int64_t r, int64_t c, const int R, const int C) { \
        const int64_t nb = a->n / QK_K;                                                        \
        const BLK *w[KQ_RMAX];                                                                  \
        const block_q8_K *x[KQ_TC];                                                            \
        __m512 acc[KQ_RMAX][KQ_TC];                                                             \
        _Pragma("GCC unroll 16") for (int u = 0; u < R; ++u) {                                  \
            w[u] = (const BLK *)((const char *)a->w + (r + u) * a->w_row_bytes);               \
            _Pragma("GCC unroll 16") for (int v = 0; v < C; ++v) acc[u][v] = _mm512_setzero_ps(); \
        }                                                                                      \
        _Pragma("GCC unroll 16") for (int v = 0; v < C; ++v) x[v] = kq_col_ptr(a, c + v);       \
        for (int64_t i = 0; i < nb; ++i) {                                                     \
            if (C == 1) kq_prefetch_rows(a, (const void *const *)w, R, i * (int64_t)sizeof(BLK), sizeof(BLK)); \
            kq_act xs[KQ_TC];                                                                  \
            _Pragma("GCC unroll 16") for (int v = 0; v < C; ++v) ACT(&xs[v], x[v] + i);         \
            _Pragma("GCC unroll 16") for (int u = 0; u < R; ++u) {                              \
                ROW row;                                                                       \
                PREP(&row, w[u] + i);                                                          \
                _Pragma("GCC unroll 16") for (int v = 0; v < C; ++v) COL(&row, &xs[v], &acc[u][v]); \
            }                                                                                  \
        }                                                                                      \
        _Pragma("GCC unroll 16") for (int u = 0; u < R; ++u)                                    \
            _Pragma("GCC unroll 16") for (int v = 0; v < C; ++v)                                \
                a->y[(c + v) * a->y_stride + r + u] = kq_hsum512(acc[u][v]);                   \
    }                                                                                          \
    /* the main tile from rows unpacked beforehand: rows[u * nb + i] is row r + u, super-block i */ \
    static void kq_tile_rows_##T(const jm_gemm_args *a, const ROW *rows, int64_t r, int64_t c) {  \
        const int64_t nb = a->n / QK_K;                                                        \
        const block_q8_K *x[KQ_TC];                                                            \
        __m512 acc[KQ_TR][KQ_TC];                                                               \
        _Pragma("GCC unroll 16") for (int u = 0; u < KQ_TR; ++u)                                \
            _Pragma("GCC unroll 16") for (int v = 0; v < KQ_TC; ++v) acc[u][v] = _mm512_setzero_ps(); \
        _Pragma("GCC unroll 16") for (int v = 0; v < KQ_TC; ++v) x[v] = kq_col_ptr(a, c + v);  \
        for (int64_t i = 0; i < nb; ++i) {                                                     \
            kq_act xs[KQ_TC];                                                                  \
            _Pragma("GCC unroll 16") for (int v = 0; v < KQ_TC; ++v) ACT(&xs[v], x[v] + i);    \
            _Pragma("GCC unroll 16") for (int u = 0; u < KQ_TR; ++u)                            \
                _Pragma("GCC unroll 16") for (int v = 0; v < KQ_TC; ++v) COL(&rows[u * nb + i], &xs[v], &acc[u][v]); \
        }                                                                                      \
        _Pragma("GCC unroll 16") for (int u = 0; u < KQ_TR; ++u)                                \
            _Pragma("GCC unroll 16") for (int v = 0; v < KQ_TC; ++v)                            \
                a->y[(c + v) * a->y_stride + r + u] = kq_hsum512(acc[u][v]);                   \
    }                                                                                          \
    void jm_gemm_##T##_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) {             \
        const int64_t nc = a->n_cols, nb = a->n / QK_K;                                        \
        int64_t r = r0;                                                                        \
        /* a batch unpacks each 16-row group once for all its column tiles */                \
        ROW *rows = nc >= 2 * KQ_TC ? aligned_alloc(64, (size_t)(KQ_TR * nb) * sizeof(ROW)) : NULL; \
        for (; r + KQ_TR <= r1; r += KQ_TR) {                                                  \
            if (rows) {                                                                        \
                for (int u = 0; u < KQ_TR; ++u) {                                              \
                    const BLK *w = (const BLK *)((const char *)a->w + (r + u) * a->w_row_bytes); \
                    for (int64_t i = 0; i < nb; ++i) PREP(&rows[u * nb + i], w + i);           \
                }                                                                              \
                for (int64_t c = 0; c + KQ_TC <= nc; c += KQ_TC) kq_tile_rows_##T(a, rows, r, c); \
            } else {                                                                           \
                for (int64_t c = 0; c + KQ_TC <= nc; c += KQ_TC) kq_tile_##T(a, r, c, KQ_TR, KQ_TC); \
            }                                                                                  \
        }                                                                                      \
        free(rows);                                                                            \
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

KQ_TILE(q2_K, block_q2_K, kq_row_k4, kq_act_k4, kq_prep_q2_K, kq_col_k4)
KQ_TILE(q3_K, block_q3_K, kq_row_q6, kq_act_q3, kq_prep_q3_K, kq_col_q6)
KQ_TILE(q4_K, block_q4_K, kq_row_k4, kq_act_k4, kq_prep_q4_K, kq_col_k4)
KQ_TILE(q5_K, block_q5_K, kq_row_k4, kq_act_k4, kq_prep_q5_K, kq_col_k4)
KQ_TILE(q6_K, block_q6_K, kq_row_q6, kq_act_q6, kq_prep_q6_K, kq_col_q6)
