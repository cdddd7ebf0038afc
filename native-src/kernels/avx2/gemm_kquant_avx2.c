/*
 * gemm_kquant_avx2.c - tiled Q4_K, Q5_K and Q6_K x Q8_K products
 * (jm_gemm_fn) with rows across lanes, AVX2 + FMA (and AVX-VNNI, where
 * kernels/avxvnni/ builds this file again).
 *
 * The scheme of the AVX-512 kernels (gemm_kquant_avx512.c) on 8 lanes: 8
 * weight rows sit in the 8 int32 lanes of a ymm; step k of a super-block
 * holds, in lane i, row i's quants 4k..4k+3 as unsigned bytes. A sub-block
 * (32 quants for Q4_K and Q5_K, 16 for Q6_K) ends in the exact int32 sums
 * of all 8 rows against one column's activations, broadcast 4 at a time:
 * vpmaddubsw into int16 pairs, summed in int16 as far as they cannot
 * overflow (8 steps of quants up to 15, 4 up to 31, 2 up to 63; |y| <= 128)
 * and widened by vpmaddwd, or one vpdpbusd per step with AVX-VNNI. Per
 * (row, column) and super-block the float sequence is then
 *     t = sum over sub-blocks j, in order, of float(s_j) * (d * sc_j)
 *     t -= dmin * m_j * bsum_j, j in order   (Q4_K, Q5_K: the mins)
 *     acc = fma(t, d_y, acc)
 * with s_j starting from -32 * bsum_j for Q6_K (its quants are stored
 * q + 32), in every tile shape, row split and column count: the contract
 * of jm_gemm_fn. A batch transposes each 8-row group once into a buffer;
 * decode does it per super-block in the loop, with software prefetch
 * ahead of every row, or loads it from a copy packed at load (8-row
 * groups, gemm_pack.c), which already is that transpose.
 */
#include <stddef.h>
#include "gemm_legacy_avx2.h"
#include "../../quants/kquant_kernels.h"

#define K2_INLINE static inline __attribute__((always_inline))

enum { K2_STEPS = QK_K / 4, K2_LANES = JM_GEMM2_LANES };

/* One super-block of an 8-row group, rows across lanes. */
typedef struct {
    __m256i w[K2_STEPS]; /* step k, lane i: row i's quants 4k..4k+3, unsigned */
    __m256 sc[16];       /* d * scale per sub-block (8 of 32, or 16 of 16)     */
    __m256 mn[8];        /* dmin * min per sub-block (Q4_K, Q5_K)              */
} k2_sb;

/* One activation column's super-block beside its quants: the Q8_K d, and
   the bsums per sub-block. */
typedef struct {
    float d;
    float bs[8];     /* Q4_K, Q5_K: the sum of each sub-block's 32 quants */
    int32_t off[16]; /* Q6_K: -32 times the sum of each sub-block's 16    */
} k2_col;

K2_INLINE void k2_prep_col(k2_col *p, const block_q8_K *x, const int MINS) {
    p->d = x->d;
    if (MINS)
        for (int j = 0; j < 8; j++) p->bs[j] = (float)(x->bsums[2 * j] + x->bsums[2 * j + 1]);
    else
        for (int j = 0; j < 16; j++) p->off[j] = -32 * x->bsums[j];
}

/* The 8 rows' exact int32 sums of KS steps w[0..KS) against the quants at
   y; G16 steps at most are summed in int16 (see the top). */
K2_INLINE __m256i k2_dot(const __m256i *w, const int8_t *y, const int KS, const int G16) {
    __m256i s = _mm256_setzero_si256();
#if defined(__AVXVNNI__)
    (void)G16;
    for (int k = 0; k < KS; k++) s = _mm256_dpbusd_avx_epi32(s, w[k], _mm256_set1_epi32((int)jm_rd32(y + 4 * k)));
#else
    for (int k0 = 0; k0 < KS; k0 += G16) {
        __m256i p = _mm256_maddubs_epi16(w[k0], _mm256_set1_epi32((int)jm_rd32(y + 4 * k0)));
        for (int k = k0 + 1; k < k0 + G16; k++)
            p = _mm256_add_epi16(p, _mm256_maddubs_epi16(w[k], _mm256_set1_epi32((int)jm_rd32(y + 4 * k))));
        s = _mm256_add_epi32(s, _mm256_madd_epi16(p, _mm256_set1_epi16(1)));
    }
#endif
    return s;
}

/* C columns of one super-block: x[v] the column's Q8_K block, p[v * ps]
   its sums, acc[v] its accumulator; NS sub-blocks, G16 as in k2_dot. */
K2_INLINE void k2_cols(const k2_sb *w, const block_q8_K *const *x, const k2_col *p, int64_t ps, __m256 *acc,
                       const int C, const int NS, const int G16, const int MINS) {
    const int KS = K2_STEPS / NS;
    __m256 t[4];
    for (int j = 0; j < NS; j++)
        for (int v = 0; v < C; v++) {
            __m256i s = k2_dot(w->w + KS * j, x[v]->qs + 4 * KS * j, KS, G16);
            if (!MINS) s = _mm256_add_epi32(s, _mm256_set1_epi32(p[v * ps].off[j]));
            const __m256 f = _mm256_cvtepi32_ps(s);
            t[v] = j == 0 ? _mm256_mul_ps(f, w->sc[0]) : _mm256_fmadd_ps(f, w->sc[j], t[v]);
        }
    for (int v = 0; v < C; v++) {
        if (MINS)
            for (int j = 0; j < 8; j++) t[v] = _mm256_fnmadd_ps(w->mn[j], _mm256_set1_ps(p[v * ps].bs[j]), t[v]);
        acc[v] = _mm256_fmadd_ps(t[v], _mm256_set1_ps(p[v * ps].d), acc[v]);
    }
}

/* =========================================================================
 * Building a super-block of 8 rows, from a packed group (gemm_pack.c, 8
 * rows) or the file's rows: the same integers either way.
 */

/* t[k], k < n (4 or 8): dword k from byte off of each row's block b (off a
   multiple of 4 where the group is packed) */
K2_INLINE void k2_dwords(__m256i *t, const jm_gemm2_rows *g, int64_t b, int64_t bx, int64_t off, const int n) {
    if (g->packed) {
        const uint8_t *p = g->packed + b * JM_GEMM_KPACKED_BYTES_L(bx, K2_LANES) + off * K2_LANES;
        for (int k = 0; k < n; k++) t[k] = _mm256_loadu_si256((const __m256i *)(p + 32 * k));
    } else {
        jm_gemm2_t8x4(t, g, b * bx + off);
        if (n == 8) jm_gemm2_t8x4(t + 4, g, b * bx + off + 16);
    }
}

/* The dword at byte off (a multiple of 4) of each row's block b */
K2_INLINE __m256i k2_dword(const jm_gemm2_rows *g, int64_t b, int64_t bx, int64_t off) {
    if (g->packed) return _mm256_loadu_si256((const __m256i *)(g->packed + b * JM_GEMM_KPACKED_BYTES_L(bx, K2_LANES) + off * K2_LANES));
    return jm_gemm2_gather(g, b * bx + off);
}

/* The fp16 at the even byte off of each row's block b, widened; a dword read
   from the file's rows stays inside the block */
K2_INLINE __m256 k2_fp16(const jm_gemm2_rows *g, int64_t b, int64_t bx, int64_t off) {
    if (g->packed || off + 4 <= bx) return jm_gemm2_fp16(k2_dword(g, b, bx, off & ~3), (off & 2) != 0);
    return jm_gemm2_fp16(jm_gemm2_gather(g, b * bx + off - 2), 1);
}

/* Q4_K / Q5_K: d, dmin at 0, the 12 scale bytes at 4; six-bit scales and
   mins as ggml's get_scale_min_k4, lane by lane */
K2_INLINE void k2_scales_k4(k2_sb *o, const jm_gemm2_rows *g, int64_t b, int64_t bx) {
    __m256i S[4];
    k2_dwords(S, g, b, bx, 4, 4);
    const __m256i h = k2_dword(g, b, bx, 0);
    const __m256 d = jm_gemm2_fp16(h, 0), dmin = jm_gemm2_fp16(h, 1);
    const __m256i m63 = _mm256_set1_epi32(63), m15 = _mm256_set1_epi32(15), m48 = _mm256_set1_epi32(0x30);
    for (int j = 0; j < 4; j++) {
        const __m256i sc = _mm256_and_si256(_mm256_srli_epi32(S[0], 8 * j), m63);
        const __m256i mn = _mm256_and_si256(_mm256_srli_epi32(S[1], 8 * j), m63);
        const __m256i sc4 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(S[2], 8 * j), m15),
                                            _mm256_and_si256(_mm256_srli_epi32(S[0], 8 * j + 2), m48));
        const __m256i mn4 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi32(S[2], 8 * j + 4), m15),
                                            _mm256_and_si256(_mm256_srli_epi32(S[1], 8 * j + 2), m48));
        o->sc[j] = _mm256_mul_ps(_mm256_cvtepi32_ps(sc), d);
        o->mn[j] = _mm256_mul_ps(_mm256_cvtepi32_ps(mn), dmin);
        o->sc[4 + j] = _mm256_mul_ps(_mm256_cvtepi32_ps(sc4), d);
        o->mn[4 + j] = _mm256_mul_ps(_mm256_cvtepi32_ps(mn4), dmin);
    }
}

/* qs byte 32p + l holds quant 64p + l (low nibble) and 64p + 32 + l (high):
   step k of sub-block j from the 8 qs dwords t of its pair */
K2_INLINE __m256i k2_nib_step(const __m256i *t, int j, int k) {
    return _mm256_and_si256(j & 1 ? _mm256_srli_epi16(t[k], 4) : t[k], _mm256_set1_epi8(0x0F));
}

K2_INLINE void k2_nibbles_k4(k2_sb *o, const jm_gemm2_rows *g, int64_t b, int64_t bx, int64_t qs) {
    for (int p = 0; p < 4; p++) {
        __m256i t[8];
        k2_dwords(t, g, b, bx, qs + 32 * p, 8);
        for (int k = 0; k < 16; k++) o->w[16 * p + k] = k2_nib_step(t, 2 * p + k / 8, k % 8);
    }
}

/* Q5_K: w |= bit k / 8 of each byte of h[k % 8] moved to bit 4 (the fifth
   bit of quant 32j + l is bit j of qh[l]; the mask drops what crosses bytes) */
K2_INLINE __m256i k2_q5_step(__m256i w, const __m256i h[8], int k) {
    const int j = k / 8;
    const __m256i hb = j <= 4 ? _mm256_slli_epi32(h[k % 8], 4 - j) : _mm256_srli_epi32(h[k % 8], j - 4);
    return _mm256_or_si256(w, _mm256_and_si256(hb, _mm256_set1_epi8(0x10)));
}

K2_INLINE void k2_build_q4_K(k2_sb *o, const jm_gemm2_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q4_K);
    k2_nibbles_k4(o, g, b, bx, offsetof(block_q4_K, qs));
    k2_scales_k4(o, g, b, bx);
}

/* Q5_K: the fifth bit of quant 32j + l is bit j of qh[l] */
K2_INLINE void k2_build_q5_K(k2_sb *o, const jm_gemm2_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q5_K);
    k2_nibbles_k4(o, g, b, bx, offsetof(block_q5_K, qs));
    __m256i h[8];
    k2_dwords(h, g, b, bx, offsetof(block_q5_K, qh), 8);
    for (int k = 0; k < K2_STEPS; k++) o->w[k] = k2_q5_step(o->w[k], h, k);
    k2_scales_k4(o, g, b, bx);
}

/* Q6_K: quant 128h + 32g + l has its low four bits in ql[64h + 32(g % 2) + l]
   (high nibble for g >= 2) and its top two in qh[32h + l] bits 2g, 2g + 1;
   stored q + 32 in 0..63, int8 scales per 16 quants */
/* step k of 32-quant sub-block 4h + gg, from the half's ql dwords lo (ql
   bytes 64h + 32(gg % 2)) and the qh dwords hi (qh bytes 32h) */
K2_INLINE __m256i k2_q6_step(const __m256i *lo, const __m256i *hi, int gg, int k) {
    const __m256i l4 = _mm256_and_si256(gg >= 2 ? _mm256_srli_epi16(lo[k], 4) : lo[k], _mm256_set1_epi8(0x0F));
    const __m256i h2 = gg < 2 ? _mm256_slli_epi32(hi[k], 4 - 2 * gg) : gg == 2 ? hi[k] : _mm256_srli_epi32(hi[k], 2);
    return _mm256_or_si256(l4, _mm256_and_si256(h2, _mm256_set1_epi8(0x30)));
}

/* the ql and qh dwords of half h (quants 128h..128h + 127) */
K2_INLINE void k2_q6_half(__m256i lo[2][8], __m256i hi[8], const jm_gemm2_rows *g, int64_t b, int h) {
    const int64_t bx = sizeof(block_q6_K);
    k2_dwords(hi, g, b, bx, offsetof(block_q6_K, qh) + 32 * h, 8);
    for (int half = 0; half < 2; half++) k2_dwords(lo[half], g, b, bx, offsetof(block_q6_K, ql) + 64 * h + 32 * half, 8);
}

/* the int8 scales per 16 quants times d (the fp16 at 208) */
K2_INLINE void k2_scales_q6(k2_sb *o, const jm_gemm2_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q6_K);
    __m256i S[4];
    k2_dwords(S, g, b, bx, offsetof(block_q6_K, scales), 4);
    const __m256 d = k2_fp16(g, b, bx, offsetof(block_q6_K, d));
    for (int s = 0; s < 16; s++) {
        const __m256i v = _mm256_srai_epi32(_mm256_slli_epi32(S[s / 4], 24 - 8 * (s % 4)), 24);
        o->sc[s] = _mm256_mul_ps(_mm256_cvtepi32_ps(v), d);
    }
}

K2_INLINE void k2_build_q6_K(k2_sb *o, const jm_gemm2_rows *g, int64_t b) {
    for (int h = 0; h < 2; h++) {
        __m256i lo[2][8], hi[8];
        k2_q6_half(lo, hi, g, b, h);
        for (int gg = 0; gg < 4; gg++)
            for (int k = 0; k < 8; k++) o->w[8 * (4 * h + gg) + k] = k2_q6_step(lo[gg % 2], hi, gg, k);
    }
    k2_scales_q6(o, g, b);
}

/* =========================================================================
 * One column (decode): each sub-block's weights go from the packed group (or
 * the rows) straight into the dot, without the super-block's round trip
 * through memory, in k2_cols' order and float steps, so the same bits.
 */
K2_INLINE void k2_one_k4(const jm_gemm2_rows *g, int64_t b, const block_q8_K *x, const k2_col *p, __m256 *acc,
                         const int64_t bx, const int64_t qs, const int QH, const int64_t qh, const int G16) {
    k2_sb w; /* the scales and mins only */
    k2_scales_k4(&w, g, b, bx);
    __m256i h[8];
    if (QH) k2_dwords(h, g, b, bx, qh, 8);
    __m256 t = _mm256_setzero_ps();
    for (int q = 0; q < 4; q++) {
        __m256i T[8];
        k2_dwords(T, g, b, bx, qs + 32 * q, 8);
        for (int j = 2 * q; j < 2 * q + 2; j++) {
            __m256i wj[8];
            for (int k = 0; k < 8; k++) wj[k] = QH ? k2_q5_step(k2_nib_step(T, j, k), h, 8 * j + k) : k2_nib_step(T, j, k);
            const __m256 f = _mm256_cvtepi32_ps(k2_dot(wj, x->qs + 32 * j, 8, G16));
            t = j == 0 ? _mm256_mul_ps(f, w.sc[0]) : _mm256_fmadd_ps(f, w.sc[j], t);
        }
    }
    for (int j = 0; j < 8; j++) t = _mm256_fnmadd_ps(w.mn[j], _mm256_set1_ps(p->bs[j]), t);
    *acc = _mm256_fmadd_ps(t, _mm256_set1_ps(p->d), *acc);
}

K2_INLINE void k2_one_q4_K(const jm_gemm2_rows *g, int64_t b, const block_q8_K *x, const k2_col *p, __m256 *acc) {
    k2_one_k4(g, b, x, p, acc, sizeof(block_q4_K), offsetof(block_q4_K, qs), 0, 0, 8);
}

K2_INLINE void k2_one_q5_K(const jm_gemm2_rows *g, int64_t b, const block_q8_K *x, const k2_col *p, __m256 *acc) {
    k2_one_k4(g, b, x, p, acc, sizeof(block_q5_K), offsetof(block_q5_K, qs), 1, offsetof(block_q5_K, qh), 4);
}

K2_INLINE void k2_one_q6_K(const jm_gemm2_rows *g, int64_t b, const block_q8_K *x, const k2_col *p, __m256 *acc) {
    k2_sb w; /* the scales only */
    k2_scales_q6(&w, g, b);
    __m256 t = _mm256_setzero_ps();
    for (int h = 0; h < 2; h++) {
        __m256i lo[2][8], hi[8];
        k2_q6_half(lo, hi, g, b, h);
        for (int gg = 0; gg < 4; gg++)
            for (int u = 0; u < 2; u++) { /* sub-blocks of 16: steps 4u..4u + 3 of the 32 */
                const int j = 2 * (4 * h + gg) + u;
                __m256i wj[4];
                for (int k = 0; k < 4; k++) wj[k] = k2_q6_step(lo[gg % 2], hi, gg, 4 * u + k);
                const __m256i s = _mm256_add_epi32(k2_dot(wj, x->qs + 16 * j, 4, 2), _mm256_set1_epi32(p->off[j]));
                const __m256 f = _mm256_cvtepi32_ps(s);
                t = j == 0 ? _mm256_mul_ps(f, w.sc[0]) : _mm256_fmadd_ps(f, w.sc[j], t);
            }
    }
    *acc = _mm256_fmadd_ps(t, _mm256_set1_ps(p->d), *acc);
}

/* Decode: a packed group is one stream, the file's rows 8 (kernels.h) */
K2_INLINE void k2_prefetch(const jm_gemm2_rows *g, int64_t b, int64_t bx) {
    if (g->packed) jm_gemm_prefetch_packed(g->packed, b, JM_GEMM_KPACKED_BYTES_L(bx, K2_LANES));
    else jm_gemm_prefetch_rows(g->p, K2_LANES, g->row_bytes, b, bx);
}

/* =========================================================================
 * Tiles and the kernels.
 */
enum { K2_CT = 16,     /* columns prepared at a time in batches       */
       K2_CHUNK = 4,   /* row groups transposed at a time in batches  */
       K2_BATCH = 4 }; /* from this many columns, weights to a buffer */

static void k2_rows(jm_gemm2_rows *g, const jm_gemm_args *a, int64_t r, int nrows, int64_t bx) {
    g->row_bytes = a->w_row_bytes;
    g->packed = jm_gemm_packed_group(a, r, K2_LANES, a->n / QK_K, JM_GEMM_KPACKED_BYTES_L(bx, K2_LANES));
    for (int i = 0; i < K2_LANES; i++) g->p[i] = (const uint8_t *)a->w + (r + (i < nrows ? i : nrows - 1)) * a->w_row_bytes;
}

K2_INLINE void k2_store(const jm_gemm_args *a, int64_t r, int nrows, int64_t c, const __m256 *acc, const int C) {
    for (int v = 0; v < C; v++) {
        float *y = a->y + (c + v) * a->y_stride + r;
        if (nrows == K2_LANES) {
            _mm256_storeu_ps(y, acc[v]);
        } else {
            float tmp[K2_LANES];
            _mm256_storeu_ps(tmp, acc[v]);
            for (int i = 0; i < nrows; i++) y[i] = tmp[i];
        }
    }
}

#define K2_KERNEL(T, BLK, NS, G16, MINS)                                                                    \
    /* C columns from c, weights from wb, sums from pc (tile column v = pc column v0 + v) */               \
    K2_INLINE void k2_tile_##T(const jm_gemm_args *a, int64_t r, int nrows, int64_t c, const k2_sb *wb,     \
                               const k2_col *pc, int64_t v0, const int C) {                                \
        const int64_t nb = a->n / QK_K;                                                                    \
        __m256 acc[4];                                                                                     \
        for (int v = 0; v < C; v++) acc[v] = _mm256_setzero_ps();                                          \
        for (int64_t i = 0; i < nb; i++) {                                                                 \
            const block_q8_K *x[4];                                                                        \
            for (int v = 0; v < C; v++) x[v] = (const block_q8_K *)((const char *)a->act + (c + v) * a->act_stride) + i; \
            k2_cols(wb + i, x, pc + v0 * nb + i, nb, acc, C, NS, G16, MINS);                               \
        }                                                                                                  \
        k2_store(a, r, nrows, c, acc, C);                                                                  \
    }                                                                                                      \
    /* decode: each super-block built in the loop for all C (< K2_BATCH) columns */                       \
    K2_INLINE void k2_stream_##T(const jm_gemm_args *a, const jm_gemm2_rows *g, int64_t r, int nrows, const int C) { \
        const int64_t nb = a->n / QK_K;                                                                    \
        __m256 acc[K2_BATCH];                                                                              \
        for (int v = 0; v < C; v++) acc[v] = _mm256_setzero_ps();                                          \
        for (int64_t i = 0; i < nb; i++) {                                                                 \
            k2_prefetch(g, i, sizeof(BLK));                                                                \
            if (C == 1) {                                                                                  \
                const block_q8_K *x0 = (const block_q8_K *)a->act + i;                                     \
                k2_col p0;                                                                                 \
                k2_prep_col(&p0, x0, MINS);                                                                \
                k2_one_##T(g, i, x0, &p0, acc);                                                            \
                continue;                                                                                  \
            }                                                                                              \
            k2_sb w;                                                                                       \
            k2_build_##T(&w, g, i);                                                                        \
            const block_q8_K *x[K2_BATCH];                                                                 \
            k2_col p[K2_BATCH];                                                                            \
            for (int v = 0; v < C; v++) {                                                                  \
                x[v] = (const block_q8_K *)((const char *)a->act + v * a->act_stride) + i;                 \
                k2_prep_col(&p[v], x[v], MINS);                                                            \
            }                                                                                              \
            k2_cols(&w, x, p, 1, acc, C, NS, G16, MINS);                                                   \
        }                                                                                                  \
        k2_store(a, r, nrows, 0, acc, C);                                                                  \
    }                                                                                                      \
    static void k2_decode_##T(const jm_gemm_args *a, int64_t r0, int64_t r1) {                             \
        for (int64_t r = r0; r < r1; r += K2_LANES) {                                                      \
            const int nrows = (int)(r1 - r < K2_LANES ? r1 - r : K2_LANES);                                \
            jm_gemm2_rows g;                                                                               \
            k2_rows(&g, a, r, nrows, sizeof(BLK));                                                         \
            switch (a->n_cols) {                                                                           \
            case 1: k2_stream_##T(a, &g, r, nrows, 1); break;                                              \
            case 2: k2_stream_##T(a, &g, r, nrows, 2); break;                                              \
            default: k2_stream_##T(a, &g, r, nrows, 3); break;                                             \
            }                                                                                              \
        }                                                                                                  \
    }                                                                                                      \
    void JM_AVX2_KERNEL(jm_gemm_##T)(const jm_gemm_args *a, int64_t r0, int64_t r1) {                      \
        _Static_assert(K2_BATCH == 4, "k2_decode handles 1 to 3 columns");                                 \
        const int64_t nb = a->n / QK_K;                                                                    \
        if (a->n_cols <= 0 || r1 <= r0) return;                                                            \
        const int64_t groups = (r1 - r0 + K2_LANES - 1) / K2_LANES;                                        \
        const int64_t chunk = groups < K2_CHUNK ? groups : K2_CHUNK;                                       \
        const size_t wbytes = (size_t)(chunk * nb) * sizeof(k2_sb);                                        \
        k2_sb *wb = a->n_cols >= K2_BATCH ? jm_aligned_alloc(32, wbytes + (size_t)(K2_CT * nb) * sizeof(k2_col)) : NULL; \
        if (!wb) { /* few columns, or no memory: the same floats, built in the loop */                    \
            for (int64_t c = 0; c < a->n_cols; c += K2_BATCH - 1) {                                        \
                jm_gemm_args s = *a;                                                                       \
                s.act = (const char *)a->act + c * a->act_stride;                                          \
                s.y = a->y + c * a->y_stride;                                                              \
                s.n_cols = a->n_cols - c < K2_BATCH - 1 ? a->n_cols - c : K2_BATCH - 1;                    \
                k2_decode_##T(&s, r0, r1);                                                                 \
            }                                                                                              \
            return;                                                                                        \
        }                                                                                                  \
        k2_col *pc = (k2_col *)((char *)wb + wbytes);                                                      \
        for (int64_t rc = r0; rc < r1; rc += chunk * K2_LANES) {                                           \
            const int64_t rc1 = rc + chunk * K2_LANES < r1 ? rc + chunk * K2_LANES : r1;                   \
            int nrows[K2_CHUNK];                                                                           \
            int ng = 0;                                                                                    \
            for (int64_t r = rc; r < rc1; r += K2_LANES, ng++) {                                           \
                nrows[ng] = (int)(rc1 - r < K2_LANES ? rc1 - r : K2_LANES);                                \
                jm_gemm2_rows g;                                                                           \
                k2_rows(&g, a, r, nrows[ng], sizeof(BLK));                                                 \
                for (int64_t i = 0; i < nb; i++) k2_build_##T(wb + ng * nb + i, &g, i);                    \
            }                                                                                              \
            for (int64_t c0 = 0; c0 < a->n_cols; c0 += K2_CT) {                                            \
                const int64_t cn = a->n_cols - c0 < K2_CT ? a->n_cols - c0 : K2_CT;                        \
                for (int64_t v = 0; v < cn; v++)                                                           \
                    for (int64_t i = 0; i < nb; i++)                                                       \
                        k2_prep_col(&pc[v * nb + i],                                                       \
                                    (const block_q8_K *)((const char *)a->act + (c0 + v) * a->act_stride) + i, MINS); \
                for (int gi = 0; gi < ng; gi++) {                                                          \
                    const int64_t r = rc + gi * K2_LANES;                                                  \
                    const k2_sb *w = wb + gi * nb;                                                         \
                    int64_t v = 0;                                                                         \
                    for (; v + 4 <= cn; v += 4) k2_tile_##T(a, r, nrows[gi], c0 + v, w, pc, v, 4);         \
                    for (; v < cn; v++) k2_tile_##T(a, r, nrows[gi], c0 + v, w, pc, v, 1);                 \
                }                                                                                          \
            }                                                                                              \
        }                                                                                                  \
        jm_aligned_free(wb);                                                                               \
    }

K2_KERNEL(q4_K, block_q4_K, 8, 8, 1)
K2_KERNEL(q5_K, block_q5_K, 8, 4, 1)
K2_KERNEL(q6_K, block_q6_K, 16, 2, 0)
