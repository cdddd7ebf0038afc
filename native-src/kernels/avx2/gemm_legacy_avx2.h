/*
 * gemm_legacy_avx2.h - the tiled product (jm_gemm_fn) of the legacy weight
 * types, AVX2, written once and instantiated per type by the
 * gemm_<type>_avx2.c files.
 *
 * Rows across lanes, as in the AVX-512 kernels: 8 weight rows sit in the
 * 8 int32 lanes of a ymm; a type's builder transposes one block of 8 rows
 * into w[k], k = 0..7, lane i = row i's quants 4k..4k+3, and its GEMM_DOT
 * turns w and the block's activation quants, broadcast 4 at a time, into
 * the exact integer dot of the block for the 8 rows (pmaddubsw needs the
 * weights as its unsigned operand, so Q4_0/Q5_0 use the quants 0..15/0..31
 * and add off = -8 * sum(y) / -16 * sum(y), prepared per activation block).
 * Then, lane by lane, blocks in order:
 *     acc = fma(float(isum), dx * dy, acc)          (Q4_0, Q5_0, Q8_0)
 *     acc = fma(mx, sy, acc)                         (+ for Q4_1, Q5_1)
 * and acc's lane i is y for row i. That sequence is the whole float
 * computation of (row, column), so the bits do not depend on the tile or
 * on whether the transposed weights were buffered, and they are those of
 * the AVX-512 kernels (the test checks it).
 *
 * A type defines GEMM_NAME, GEMM_BX, GEMM_Q81 (min at offset 2, Q8_1
 * activations), GEMM_OFF (the k of off = -k * sum(y), 0 for none),
 * GEMM_NW (weight registers a block keeps: 8, or 16 with |w| for Q8_0),
 * GEMM_BUILD(g, b, wb) filling wb->w, and GEMM_DOT(wb, yq) -> isum
 * without off.
 */
#ifndef JM_GEMM_LEGACY_AVX2_H
#define JM_GEMM_LEGACY_AVX2_H

#include <stdlib.h>
#include "legacy_avx2.h"
#include "../kernels.h"

#define JM_ALWAYS_INLINE2 static inline __attribute__((always_inline))

/* The kernels' names in this build of a file: _avxvnni where it is compiled
   with AVX-VNNI (kernels/avxvnni/ includes the files again), _avx2 else. */
#if defined(__AVXVNNI__)
#define JM_AVX2_KERNEL(name) name##_avxvnni
#else
#define JM_AVX2_KERNEL(name) name##_avx2
#endif

enum { JM_GEMM2_LANES = 8 };

/* An 8-row group: row pointers, the last row repeated past the end. */
typedef struct {
    const uint8_t *p[JM_GEMM2_LANES];
    int64_t        row_bytes;
    const uint8_t *packed;  /* the group in jm_gemm_pack's 8-row layout, or NULL */
} jm_gemm2_rows;

/* t[d] lane i = dword d of the 16 bytes at p[i] + o, for d < 4. */
JM_ALWAYS_INLINE2 void jm_gemm2_t8x4(__m256i t[4], const jm_gemm2_rows *g, int64_t o) {
    __m256i a[4];
    for (int j = 0; j < 4; j++) {
        const __m128i lo = _mm_loadu_si128((const __m128i *)(g->p[j] + o));
        a[j] = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), _mm_loadu_si128((const __m128i *)(g->p[j + 4] + o)), 1);
    }
    /* a 4x4 dword transpose in each 128-bit half: rows 0-3 low, 4-7 high */
    const __m256i t0 = _mm256_unpacklo_epi32(a[0], a[1]), t1 = _mm256_unpackhi_epi32(a[0], a[1]);
    const __m256i t2 = _mm256_unpacklo_epi32(a[2], a[3]), t3 = _mm256_unpackhi_epi32(a[2], a[3]);
    t[0] = _mm256_unpacklo_epi64(t0, t2);
    t[1] = _mm256_unpackhi_epi64(t0, t2);
    t[2] = _mm256_unpacklo_epi64(t1, t3);
    t[3] = _mm256_unpackhi_epi64(t1, t3);
}

/* t[k], k < nq: dword k of block b's quants for each row, loaded as they
   are from a packed group, else transposed from the rows (bx-byte blocks,
   quants after the fp16 d). */
JM_ALWAYS_INLINE2 void jm_gemm2_quants(__m256i *t, const jm_gemm2_rows *g, int64_t b, int64_t bx, const int nq) {
    if (g->packed) {
        const uint8_t *q = g->packed + b * JM_GEMM_PACKED_BYTES_L(nq, JM_GEMM2_LANES) + 2 * JM_GEMM2_LANES;
        for (int k = 0; k < nq; k++) t[k] = _mm256_loadu_si256((const __m256i *)(q + 32 * k));
    } else {
        for (int h = 0; h < nq / 4; h++) jm_gemm2_t8x4(t + 4 * h, g, b * bx + 2 + 16 * h);
    }
}

/* The dword at p[i] + o for each row i. */
JM_ALWAYS_INLINE2 __m256i jm_gemm2_gather(const jm_gemm2_rows *g, int64_t o) {
    uint32_t v[JM_GEMM2_LANES];
    for (int i = 0; i < JM_GEMM2_LANES; i++) v[i] = jm_rd32(g->p[i] + o);
    return _mm256_loadu_si256((const __m256i *)v);
}

/* The fp16 in the low (hi = 0) or high half of each lane, widened. */
JM_ALWAYS_INLINE2 __m256 jm_gemm2_fp16(__m256i v, const int hi) {
    if (hi) v = _mm256_srli_epi32(v, 16);
    /* pack the 8 low words into 128 bits: within-half pack, then a lane permute */
    const __m256i w = _mm256_packus_epi32(_mm256_and_si256(v, _mm256_set1_epi32(0xFFFF)), _mm256_setzero_si256());
    return _mm256_cvtph_ps(_mm256_castsi256_si128(_mm256_permute4x64_epi64(w, 0x08)));
}

/* 4 nibble dwords -> w[d] = low nibbles (values 4d..), w[4+d] = high ones. */
JM_ALWAYS_INLINE2 void jm_gemm2_nibbles(__m256i w[8], const __m256i t[4]) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int d = 0; d < 4; d++) {
        w[d] = _mm256_and_si256(t[d], m4);
        w[4 + d] = _mm256_and_si256(_mm256_srli_epi16(t[d], 4), m4);
    }
}

/* w[k] += 16 where bit 4k+t of qh is set (Q5's fifth bit). */
JM_ALWAYS_INLINE2 void jm_gemm2_add_qh(__m256i w[8], __m256i qh) {
    /* byte t of each lane picks bit t of the lane's nibble */
    const __m256i bit = _mm256_set1_epi32(0x08040201);
    for (int k = 0; k < 8; k++) {
        const __m256i n = _mm256_srli_epi32(qh, 4 * k);
        /* every byte of the lane = the lane's low byte, then test its bit t */
        const __m256i spread = _mm256_shuffle_epi8(n, _mm256_setr_epi8(0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12,
                                                                        0, 0, 0, 0, 4, 4, 4, 4, 8, 8, 8, 8, 12, 12, 12, 12));
        const __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit);
        w[k] = _mm256_or_si256(w[k], _mm256_and_si256(set, _mm256_set1_epi8(16)));
    }
}

#if defined(__AVXVNNI__)
/* The 8 rows' integer dots with the 32 activation quants at yq, for
   unsigned weights: one vpdpbusd per 4 quants, whatever their range. */
JM_ALWAYS_INLINE2 __m256i jm_gemm2_dot_vnni(const __m256i w[8], const uint8_t *yq) {
    __m256i s = _mm256_setzero_si256();
    for (int k = 0; k < 8; k++) s = _mm256_dpbusd_avx_epi32(s, w[k], _mm256_set1_epi32((int)jm_rd32(yq + 4 * k)));
    return s;
}
JM_ALWAYS_INLINE2 __m256i jm_gemm2_dot_u4(const __m256i w[8], const uint8_t *yq) { return jm_gemm2_dot_vnni(w, yq); }
JM_ALWAYS_INLINE2 __m256i jm_gemm2_dot_u5(const __m256i w[8], const uint8_t *yq) { return jm_gemm2_dot_vnni(w, yq); }
#else
/* The same with pmaddubsw, for weights 0..15: the 8 steps sum in int16
   (8 * 2 * 15 * 128 < 32768). */
JM_ALWAYS_INLINE2 __m256i jm_gemm2_dot_u4(const __m256i w[8], const uint8_t *yq) {
    __m256i s = _mm256_maddubs_epi16(w[0], _mm256_set1_epi32((int)jm_rd32(yq)));
    for (int k = 1; k < 8; k++)
        s = _mm256_add_epi16(s, _mm256_maddubs_epi16(w[k], _mm256_set1_epi32((int)jm_rd32(yq + 4 * k))));
    return _mm256_madd_epi16(s, _mm256_set1_epi16(1));
}

/* Same for weights 0..31: two halves of 4 steps (4 * 2 * 31 * 128 < 32768). */
JM_ALWAYS_INLINE2 __m256i jm_gemm2_dot_u5(const __m256i w[8], const uint8_t *yq) {
    __m256i s[2];
    for (int h = 0; h < 2; h++) {
        s[h] = _mm256_maddubs_epi16(w[4 * h], _mm256_set1_epi32((int)jm_rd32(yq + 16 * h)));
        for (int k = 1; k < 4; k++)
            s[h] = _mm256_add_epi16(s[h], _mm256_maddubs_epi16(w[4 * h + k], _mm256_set1_epi32((int)jm_rd32(yq + 16 * h + 4 * k))));
    }
    return _mm256_add_epi32(_mm256_madd_epi16(s[0], _mm256_set1_epi16(1)), _mm256_madd_epi16(s[1], _mm256_set1_epi16(1)));
}
#endif

/* Sum of the 32 int8 at p. */
static inline int32_t jm_gemm2_sum32(const uint8_t *p) {
    const __m256i v = _mm256_loadu_si256((const __m256i *)p);
    return jm_avx2_hsum_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), v), _mm256_set1_epi16(1)));
}

/* The widened fp16 scales of nb blocks bx bytes apart into d[0..nb). */
static inline void jm_gemm2_widen(float *d, const uint8_t *p, int64_t nb, int64_t bx) {
    int64_t b = 0;
    for (; b + 8 <= nb; b += 8) {
        uint16_t h[8];
        for (int i = 0; i < 8; i++) h[i] = jm_rd16(p + (b + i) * bx);
        _mm256_storeu_ps(d + b, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)h)));
    }
    for (; b < nb; b++) d[b] = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(jm_rd16(p + b * bx))));
}

#endif

#if defined(GEMM_NAME)

enum { GEMM_BY = GEMM_Q81 ? sizeof(jm_block_q8_1) : sizeof(jm_block_q8_0), GEMM_QY = GEMM_Q81 ? 4 : 2 };

/* One block of 8 rows, transposed. */
typedef struct {
    __m256i w[GEMM_NW];
    __m256  d, m;
} gemm_wblk;

/* Prepared activation columns: per block the widened d (and s) and off. */
typedef struct {
    float   *d, *s;
    int32_t *off;
    int64_t  nb;
} gemm_cols;

static void gemm_prep_cols(const gemm_cols *pc, const jm_gemm_args *a, int64_t c, int64_t cn) {
    const int64_t nb = pc->nb;
    for (int64_t j = 0; j < cn; j++) {
        const uint8_t *y = (const uint8_t *)a->act + (c + j) * a->act_stride;
        jm_gemm2_widen(pc->d + j * nb, y, nb, GEMM_BY);
        if (GEMM_Q81) jm_gemm2_widen(pc->s + j * nb, y + 2, nb, GEMM_BY);
        if (GEMM_OFF)
            for (int64_t b = 0; b < nb; b++) pc->off[j * nb + b] = -GEMM_OFF * jm_gemm2_sum32(y + b * GEMM_BY + GEMM_QY);
    }
}

#if !defined(GEMM_PACK_NQ)
#define GEMM_PACK_NQ 0 /* the type has no packed form */
#endif

JM_ALWAYS_INLINE2 void gemm_build(const jm_gemm2_rows *g, int64_t b, gemm_wblk *out) {
    if (GEMM_PACK_NQ && g->packed) {
        const int64_t pb = JM_GEMM_PACKED_BYTES_L(GEMM_PACK_NQ, JM_GEMM2_LANES);
        jm_gemm_prefetch_packed(g->packed, b, pb);
        GEMM_BUILD(g, b, out);
        out->d = _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(g->packed + b * pb)));
        return;
    }
    jm_gemm_prefetch_rows(g->p, JM_GEMM2_LANES, g->row_bytes, b, GEMM_BX);
    GEMM_BUILD(g, b, out);
    const __m256i h = jm_gemm2_gather(g, b * GEMM_BX);
    out->d = jm_gemm2_fp16(h, 0);
    if (GEMM_Q81) out->m = jm_gemm2_fp16(h, 1);
}

/* C columns from c for the group g, weights from wbuf (WB) or built here,
   activation scales and off from pc (YB; tile column j is prepared column
   j0 + j) or read here. */
JM_ALWAYS_INLINE2 void gemm_tile(const jm_gemm_args *a, const jm_gemm2_rows *g, int64_t r, int nrows, int64_t c,
                                 const gemm_wblk *wbuf, const gemm_cols *pc, int64_t j0, const int C, const int WB,
                                 const int YB) {
    const int64_t nb = a->n / 32;
    const uint8_t *y[4];
    __m256 acc[4];
    for (int j = 0; j < C; j++) {
        y[j] = (const uint8_t *)a->act + (c + j) * a->act_stride;
        acc[j] = _mm256_setzero_ps();
    }
    for (int64_t b = 0; b < nb; b++) {
        gemm_wblk wl;
        const gemm_wblk *w = &wl;
        if (WB) w = wbuf + b;
        else gemm_build(g, b, &wl);
        for (int j = 0; j < C; j++) {
            const int64_t k = (j0 + j) * nb + b;
            const uint8_t *yb = y[j] + b * GEMM_BY;
            __m256i isum = GEMM_DOT(w, yb + GEMM_QY);
            if (GEMM_OFF) {
                const int32_t off = YB ? pc->off[k] : -GEMM_OFF * jm_gemm2_sum32(yb + GEMM_QY);
                isum = _mm256_add_epi32(isum, _mm256_set1_epi32(off));
            }
            const float dy = YB ? pc->d[k] : jm_rd_fp16(yb);
            acc[j] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(isum), _mm256_mul_ps(w->d, _mm256_set1_ps(dy)), acc[j]);
            if (GEMM_Q81) acc[j] = _mm256_fmadd_ps(w->m, _mm256_set1_ps(YB ? pc->s[k] : jm_rd_fp16(yb + 2)), acc[j]);
        }
    }
    /* the first nrows lanes are rows r.. */
    for (int j = 0; j < C; j++) {
        float *out = a->y + (c + j) * a->y_stride + r;
        if (nrows == JM_GEMM2_LANES) {
            _mm256_storeu_ps(out, acc[j]);
        } else {
            float v[JM_GEMM2_LANES];
            _mm256_storeu_ps(v, acc[j]);
            for (int i = 0; i < nrows; i++) out[i] = v[i];
        }
    }
}

#define GEMM_TILE(C, WB, YB)                                                                                \
    static void gemm_tile_##C##_##WB##YB(const jm_gemm_args *a, const jm_gemm2_rows *g, int64_t r, int nrows, \
                                         int64_t c, const gemm_wblk *wbuf, const gemm_cols *pc, int64_t j0) { \
        gemm_tile(a, g, r, nrows, c, wbuf, pc, j0, C, WB, YB);                                               \
    }
GEMM_TILE(4, 1, 1)
GEMM_TILE(1, 1, 1)
GEMM_TILE(3, 0, 1)
GEMM_TILE(2, 0, 1)
GEMM_TILE(1, 0, 1)
GEMM_TILE(1, 0, 0)

enum { GEMM_CT = 16,          /* columns prepared at a time in batches    */
       GEMM_CHUNK = 8,        /* row groups transposed at a time, batches */
       GEMM_BATCH = 4,        /* from this many columns, buffer weights  */
       GEMM_NB_STACK = 256 }; /* decode: blocks prepared on the stack    */

static void gemm_group_rows(jm_gemm2_rows *g, const jm_gemm_args *a, int64_t r, int nrows) {
    g->row_bytes = a->w_row_bytes;
    g->packed = GEMM_PACK_NQ ? jm_gemm_packed_group(a, r, JM_GEMM2_LANES, a->n / 32,
                                                    JM_GEMM_PACKED_BYTES_L(GEMM_PACK_NQ, JM_GEMM2_LANES))
                             : NULL;
    for (int i = 0; i < JM_GEMM2_LANES; i++)
        g->p[i] = (const uint8_t *)a->w + (r + (i < nrows ? i : nrows - 1)) * a->w_row_bytes;
}

/* Nothing buffered: long rows in decode, or no memory (same floats). */
static void gemm_plain(const jm_gemm_args *a, int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r += JM_GEMM2_LANES) {
        const int nrows = (int)(r1 - r < JM_GEMM2_LANES ? r1 - r : JM_GEMM2_LANES);
        jm_gemm2_rows g;
        gemm_group_rows(&g, a, r, nrows);
        for (int64_t c = 0; c < a->n_cols; c++) gemm_tile_1_00(a, &g, r, nrows, c, NULL, NULL, 0);
    }
}

/* Fewer than GEMM_BATCH columns: weights built in the loop (for all the
   columns at once), column data on the stack. */
static void gemm_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) {
    const int64_t nb = a->n / 32;
    if (nb > GEMM_NB_STACK) {
        gemm_plain(a, r0, r1);
        return;
    }
    float d[(GEMM_BATCH - 1) * GEMM_NB_STACK], s[GEMM_Q81 ? (GEMM_BATCH - 1) * GEMM_NB_STACK : 1];
    int32_t off[GEMM_OFF ? (GEMM_BATCH - 1) * GEMM_NB_STACK : 1];
    const gemm_cols pc = { .d = d, .s = s, .off = off, .nb = nb };
    gemm_prep_cols(&pc, a, 0, a->n_cols);
    for (int64_t r = r0; r < r1; r += JM_GEMM2_LANES) {
        const int nrows = (int)(r1 - r < JM_GEMM2_LANES ? r1 - r : JM_GEMM2_LANES);
        jm_gemm2_rows g;
        gemm_group_rows(&g, a, r, nrows);
        if (a->n_cols == 3) gemm_tile_3_01(a, &g, r, nrows, 0, NULL, &pc, 0);
        else if (a->n_cols == 2) gemm_tile_2_01(a, &g, r, nrows, 0, NULL, &pc, 0);
        else gemm_tile_1_01(a, &g, r, nrows, 0, NULL, &pc, 0);
    }
}

void GEMM_NAME(const jm_gemm_args *a, int64_t r0, int64_t r1) {
    const int64_t nb = a->n / 32;
    if (a->n_cols <= 0 || r1 <= r0) return;
    if (a->n_cols < GEMM_BATCH) {
        gemm_decode(a, r0, r1);
        return;
    }
    /* rows in chunks of GEMM_CHUNK groups, all transposed first, so that a
       tile of prepared columns serves every group of the chunk */
    const int64_t groups = (r1 - r0 + JM_GEMM2_LANES - 1) / JM_GEMM2_LANES;
    const int64_t chunk = groups < GEMM_CHUNK ? groups : GEMM_CHUNK;
    const size_t wbytes = (size_t)(nb * chunk) * sizeof(gemm_wblk);
    const size_t cbytes = (size_t)GEMM_CT * (size_t)nb * 12;
    uint8_t *buf = jm_aligned_alloc(32, (wbytes + cbytes + 31) / 32 * 32);
    if (!buf) {
        gemm_plain(a, r0, r1);
        return;
    }
    gemm_wblk *wbuf = (gemm_wblk *)buf;
    const gemm_cols pc = {
        .d = (float *)(buf + wbytes),
        .s = (float *)(buf + wbytes + (size_t)GEMM_CT * nb * 4),
        .off = (int32_t *)(buf + wbytes + (size_t)GEMM_CT * nb * 8),
        .nb = nb,
    };
    for (int64_t rc = r0; rc < r1; rc += chunk * JM_GEMM2_LANES) {
        const int64_t rc1 = rc + chunk * JM_GEMM2_LANES < r1 ? rc + chunk * JM_GEMM2_LANES : r1;
        jm_gemm2_rows g[GEMM_CHUNK];
        int nrows[GEMM_CHUNK];
        int ng = 0;
        for (int64_t r = rc; r < rc1; r += JM_GEMM2_LANES, ng++) {
            nrows[ng] = (int)(rc1 - r < JM_GEMM2_LANES ? rc1 - r : JM_GEMM2_LANES);
            gemm_group_rows(&g[ng], a, r, nrows[ng]);
            for (int64_t b = 0; b < nb; b++) gemm_build(&g[ng], b, wbuf + ng * nb + b);
        }
        for (int64_t c0 = 0; c0 < a->n_cols; c0 += GEMM_CT) {
            const int64_t cn = a->n_cols - c0 < GEMM_CT ? a->n_cols - c0 : GEMM_CT;
            gemm_prep_cols(&pc, a, c0, cn);
            for (int gi = 0; gi < ng; gi++) {
                const int64_t r = rc + gi * JM_GEMM2_LANES;
                int64_t j = 0;
                for (; j + 4 <= cn; j += 4) gemm_tile_4_11(a, &g[gi], r, nrows[gi], c0 + j, wbuf + gi * nb, &pc, j);
                for (; j < cn; j++) gemm_tile_1_11(a, &g[gi], r, nrows[gi], c0 + j, wbuf + gi * nb, &pc, j);
            }
        }
    }
    jm_aligned_free(buf);
}

#endif
