/*
 * gemm_legacy_avx512.h - the tiled product (jm_gemm_fn) of the legacy
 * weight types, AVX-512 VNNI, written once and instantiated per type by
 * the gemm_<type>_avx512.c files.
 *
 * Rows across lanes: 16 weight rows sit in the 16 int32 lanes of a zmm.
 * A type's builder transposes one block of 16 rows into w[k], k = 0..7,
 * lane i = row i's signed weights 4k..4k+3, so that
 *     isum = corr + sum_k vpdpbusd(broadcast(y[4k..4k+3] + 128), w[k])
 * is the exact integer dot of the block for all 16 rows at once, the
 * activations being the unsigned operand (y + 128, i.e. y xor 0x80) and
 * corr = -128 * sum(w) per row taking the 128 off again. Per block and
 * column that is 8 vpdpbusd with broadcast loads for 16 rows, then
 *     acc = fma(float(isum), dx * dy, acc)          (Q4_0, Q5_0, Q8_0)
 *     acc = fma(mx, sy, acc)                         (+ for Q4_1, Q5_1)
 * lane by lane, blocks in order, and acc's lane i is y for row i.
 *
 * Bit-exactness across tiles: that per-lane sequence is the whole float
 * computation of (row, column), and nothing in it depends on the tile,
 * the lane, which other rows or columns share the registers, or whether
 * the transposed weights and prepared activations were built in the loop
 * or read back from a buffer (they are exact integers and exact fp16
 * widenings either way).
 *
 * Batches (GEMM_BATCH or more columns) transpose each 16-row group's
 * weights once into a buffer and prepare activations once per column tile;
 * decode and small batches build the weights in the loop, for all their
 * columns at once, where a buffer would not pay. Types whose
 * quants are unsigned (Q4_0, Q5_0 before their offset; Q4_1, Q5_1) also
 * have GEMM_BUILD_U, which decode uses instead: the quants themselves are
 * vpdpbusd's unsigned operand against the activations as they are, and
 * isum starts from off = -GEMM_OFF * sum(y) per activation block (none
 * for Q4_1, Q5_1). That saves the offset and corr work per weight block;
 * the integers, and so the floats, are the same.
 *
 * The AVX2 kernels (kernels/avx2/gemm_legacy_avx2.h) run the same float
 * sequence on 8 lanes, so the two give the same bits; the test checks it.
 *
 * A type defines GEMM_NAME, GEMM_BX (weight block bytes), GEMM_Q81 (1 if
 * the weights have a min at offset 2 and the activations are Q8_1) and
 * GEMM_BUILD(g, b, wb), which fills wb's w and corr; d (and m) are the
 * fp16 words at offsets 0 (and 2) of the weight blocks. Optional:
 * GEMM_BUILD_U (w only, unsigned) with GEMM_OFF.
 */
#ifndef JM_GEMM_LEGACY_AVX512_H
#define JM_GEMM_LEGACY_AVX512_H

#include <stdlib.h>
#include "legacy_avx512.h"
#include "../kernels.h"

#define JM_ALWAYS_INLINE static inline __attribute__((always_inline))

enum { JM_GEMM_LANES = 16 };

/* One block of 16 rows, transposed (see above). */
typedef struct {
    __m512i w[8];
    __m512i corr; /* -128 * sum of the row's weights in the block */
    __m512  d;    /* the rows' scales                             */
    __m512  m;    /* the rows' minimums (Q4_1, Q5_1)              */
} jm_gemm_wblk;

/* A 16-row group: row pointers, the last row repeated past the end. */
typedef struct {
    const uint8_t *p[JM_GEMM_LANES];
    int64_t        row_bytes;
    const uint8_t *packed;  /* the group in jm_gemm_pack's layout, or NULL */
} jm_gemm_rows;

/* t[d] lane i = dword d of the 16 bytes at p[i] + o, for d < 4. */
JM_ALWAYS_INLINE void jm_gemm_t16x4(__m512i t[4], const jm_gemm_rows *g, int64_t o) {
    __m512i a[4];
    for (int j = 0; j < 4; j++) {
        __m512i v = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)(g->p[4 * j] + o)));
        v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(g->p[4 * j + 1] + o)), 1);
        v = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(g->p[4 * j + 2] + o)), 2);
        a[j] = _mm512_inserti32x4(v, _mm_loadu_si128((const __m128i *)(g->p[4 * j + 3] + o)), 3);
    }
    /* a[j] dword 4L + d = row 4j+L, dword d; first gather 8 rows, then 16 */
    const __m512i ilo = _mm512_setr_epi32(0, 4, 8, 12, 16, 20, 24, 28, 1, 5, 9, 13, 17, 21, 25, 29);
    const __m512i ihi = _mm512_setr_epi32(2, 6, 10, 14, 18, 22, 26, 30, 3, 7, 11, 15, 19, 23, 27, 31);
    const __m512i jlo = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    const __m512i jhi = _mm512_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15, 24, 25, 26, 27, 28, 29, 30, 31);
    const __m512i p0lo = _mm512_permutex2var_epi32(a[0], ilo, a[1]), p0hi = _mm512_permutex2var_epi32(a[0], ihi, a[1]);
    const __m512i p1lo = _mm512_permutex2var_epi32(a[2], ilo, a[3]), p1hi = _mm512_permutex2var_epi32(a[2], ihi, a[3]);
    t[0] = _mm512_permutex2var_epi32(p0lo, jlo, p1lo);
    t[1] = _mm512_permutex2var_epi32(p0lo, jhi, p1lo);
    t[2] = _mm512_permutex2var_epi32(p0hi, jlo, p1hi);
    t[3] = _mm512_permutex2var_epi32(p0hi, jhi, p1hi);
}

/* t[d] lane i = dword d of the 32 bytes at p[i] + o, for d < 8. */
JM_ALWAYS_INLINE void jm_gemm_t16x8(__m512i t[8], const jm_gemm_rows *g, int64_t o) {
    __m512i a[8], c[8], e[8];
    for (int j = 0; j < 8; j++) {
        const __m256i lo = _mm256_loadu_si256((const __m256i *)(g->p[2 * j] + o));
        a[j] = _mm512_inserti64x4(_mm512_castsi256_si512(lo), _mm256_loadu_si256((const __m256i *)(g->p[2 * j + 1] + o)), 1);
    }
    /* a[j] dword 8L + d = row 2j+L, dword d. Then 4 rows: c dword 4d + r
       (d < 4 of the half), then 8 rows: e dword 8d + r (d < 2 of the quarter). */
    const __m512i c0 = _mm512_setr_epi32(0, 8, 16, 24, 1, 9, 17, 25, 2, 10, 18, 26, 3, 11, 19, 27);
    const __m512i c1 = _mm512_add_epi32(c0, _mm512_set1_epi32(4));
    const __m512i e0 = _mm512_setr_epi32(0, 1, 2, 3, 16, 17, 18, 19, 4, 5, 6, 7, 20, 21, 22, 23);
    const __m512i e1 = _mm512_add_epi32(e0, _mm512_set1_epi32(8));
    const __m512i f0 = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 16, 17, 18, 19, 20, 21, 22, 23);
    const __m512i f1 = _mm512_add_epi32(f0, _mm512_set1_epi32(8));
    for (int q = 0; q < 4; q++) { /* rows 4q..4q+3: dwords 0-3, 4-7 */
        c[2 * q] = _mm512_permutex2var_epi32(a[2 * q], c0, a[2 * q + 1]);
        c[2 * q + 1] = _mm512_permutex2var_epi32(a[2 * q], c1, a[2 * q + 1]);
    }
    for (int h = 0; h < 2; h++)     /* rows 8h..8h+7 */
        for (int x = 0; x < 2; x++) { /* dwords 4x.. */
            e[4 * h + 2 * x] = _mm512_permutex2var_epi32(c[4 * h + x], e0, c[4 * h + 2 + x]);
            e[4 * h + 2 * x + 1] = _mm512_permutex2var_epi32(c[4 * h + x], e1, c[4 * h + 2 + x]);
        }
    for (int d = 0; d < 8; d++) /* e[2x + y] holds dwords 4x + 2y, +1 */
        t[d] = _mm512_permutex2var_epi32(e[d / 2], d & 1 ? f1 : f0, e[4 + d / 2]);
}

/* The dword at p[i] + o for each row i, without vpgatherdd (slow on CPUs
   with the gather-data-sampling fix, and slower here). */
JM_ALWAYS_INLINE __m512i jm_gemm_gather(const jm_gemm_rows *g, int64_t o) {
    /* broadcast loads are pure loads; vpblendd runs on any vector port */
    __m256i h[2];
    for (int j = 0; j < 2; j++) {
        h[j] = _mm256_set1_epi32((int)jm_rd32(g->p[8 * j] + o));
#define JM_GEMM_BLEND(i) h[j] = _mm256_blend_epi32(h[j], _mm256_set1_epi32((int)jm_rd32(g->p[8 * j + i] + o)), 1 << i)
        JM_GEMM_BLEND(1); JM_GEMM_BLEND(2); JM_GEMM_BLEND(3); JM_GEMM_BLEND(4);
        JM_GEMM_BLEND(5); JM_GEMM_BLEND(6); JM_GEMM_BLEND(7);
#undef JM_GEMM_BLEND
    }
    return _mm512_inserti64x4(_mm512_castsi256_si512(h[0]), h[1], 1);
}

/* t[k], k < nq: dword k of the block's quants for each row: loaded as they
   are from a packed group, else transposed from the rows. */
JM_ALWAYS_INLINE void jm_gemm_quants(__m512i *t, const jm_gemm_rows *g, int64_t b, int64_t bx, const int nq) {
    if (g->packed) {
        const uint8_t *q = g->packed + b * JM_GEMM_PACKED_BYTES(nq) + 32;
        for (int k = 0; k < nq; k++) t[k] = _mm512_loadu_si512(q + 64 * k);
    } else if (nq == 4) {
        jm_gemm_t16x4(t, g, b * bx + 2);
    } else {
        jm_gemm_t16x8(t, g, b * bx + 2);
    }
}


/* The fp16 in the low (hi = 0) or high half of each lane, widened. */
JM_ALWAYS_INLINE __m512 jm_gemm_fp16(__m512i v, const int hi) {
    return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(hi ? _mm512_srli_epi32(v, 16) : v));
}

/* 4 nibble dwords -> w[d] = low nibbles (values 4d..), w[4+d] = high ones. */
JM_ALWAYS_INLINE void jm_gemm_nibbles(__m512i w[8], const __m512i t[4]) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int d = 0; d < 4; d++) {
        w[d] = _mm512_and_si512(t[d], m4);
        w[4 + d] = _mm512_and_si512(_mm512_srli_epi16(t[d], 4), m4);
    }
}

/* w[k] += 16 where bit 4k+t of qh is set (Q5's fifth bit). */
JM_ALWAYS_INLINE void jm_gemm_add_qh(__m512i w[8], __m512i qh) {
    /* lane n: byte t = 16 if bit t of n */
    const __m512i lut = _mm512_setr_epi32(0x00000000, 0x00000010, 0x00001000, 0x00001010, 0x00100000, 0x00100010,
                                          0x00101000, 0x00101010, 0x10000000, 0x10000010, 0x10001000, 0x10001010,
                                          0x10100000, 0x10100010, 0x10101000, 0x10101010);
    for (int k = 0; k < 8; k++)
        w[k] = _mm512_or_si512(w[k], _mm512_permutexvar_epi32(_mm512_srli_epi32(qh, 4 * k), lut));
}

/* corr = -128 * sum of all 32 weights of each row. */
JM_ALWAYS_INLINE __m512i jm_gemm_corr(const __m512i w[8]) {
    const __m512i u128 = _mm512_set1_epi8((char)0x80);
    __m512i s = _mm512_setzero_si512();
    for (int k = 0; k < 8; k++) s = _mm512_dpbusd_epi32(s, u128, w[k]);
    return _mm512_sub_epi32(_mm512_setzero_si512(), s);
}

/* Sum of the 32 int8 at p. */
static inline int32_t jm_gemm_sum32(const uint8_t *p) {
    const __m256i v = _mm256_loadu_si256((const __m256i *)p);
    const __m256i s = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), v), _mm256_set1_epi16(1));
    __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(1, 0, 3, 2)));
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(t);
}

/* The widened fp16 scales of nb blocks bx bytes apart into d[0..nb). */
static inline void jm_gemm_widen(float *d, const uint8_t *p, int64_t nb, int64_t bx) {
    int64_t b = 0;
    for (; b + 16 <= nb; b += 16) {
        uint16_t h[16];
        for (int i = 0; i < 16; i++) h[i] = jm_rd16(p + (b + i) * bx);
        _mm512_storeu_ps(d + b, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)h)));
    }
    for (; b < nb; b++) d[b] = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(jm_rd16(p + b * bx))));
}

#endif

#if defined(GEMM_NAME)

#if defined(GEMM_BUILD_U)
#define GEMM_U 1
#else
#define GEMM_U 0
#define GEMM_BUILD_U GEMM_BUILD
#endif
#if !defined(GEMM_OFF)
#define GEMM_OFF 0
#endif
#if !defined(GEMM_PACK_NQ)
#define GEMM_PACK_NQ 0 /* the type has no packed form */
#endif

/* Activation block layout: Q8_0 {d, qs[32]}, Q8_1 {d, s, qs[32]}. */
enum { GEMM_BY = GEMM_Q81 ? sizeof(jm_block_q8_1) : sizeof(jm_block_q8_0), GEMM_QY = GEMM_Q81 ? 4 : 2 };

/* Prepared activation columns: quants xor 0x80, nb * 32 bytes a column
   (or, for GEMM_BUILD_U, off per block), and the widened d (and s). */
typedef struct {
    uint8_t *q;
    int32_t *off;
    float   *d, *s;
    int64_t  nb;
} gemm_cols;

/* Block b of the group: the type's weights (unsigned if U), and the
   scales (and mins). */
JM_ALWAYS_INLINE void gemm_build(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out, const int U) {
    if (GEMM_PACK_NQ && g->packed) {
        jm_gemm_prefetch_packed(g->packed, b, JM_GEMM_PACKED_BYTES(GEMM_PACK_NQ));
        if (U) GEMM_BUILD_U(g, b, out);
        else GEMM_BUILD(g, b, out);
        out->d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(g->packed + b * JM_GEMM_PACKED_BYTES(GEMM_PACK_NQ))));
        return;
    }
    jm_gemm_prefetch_rows(g->p, JM_GEMM_LANES, g->row_bytes, b, GEMM_BX);
    if (U) GEMM_BUILD_U(g, b, out);
    else GEMM_BUILD(g, b, out);
    const __m512i h = jm_gemm_gather(g, b * GEMM_BX);
    out->d = jm_gemm_fp16(h, 0);
    if (GEMM_Q81) out->m = jm_gemm_fp16(h, 1);
}

static void gemm_prep_cols(const gemm_cols *pc, const jm_gemm_args *a, int64_t c, int64_t cn, const int U) {
    const int64_t nb = pc->nb;
    for (int64_t j = 0; j < cn; j++) {
        const uint8_t *y = (const uint8_t *)a->act + (c + j) * a->act_stride;
        if (U) {
            if (GEMM_OFF)
                for (int64_t b = 0; b < nb; b++) pc->off[j * nb + b] = -GEMM_OFF * jm_gemm_sum32(y + b * GEMM_BY + GEMM_QY);
        } else {
            uint8_t *q = pc->q + j * nb * 32;
            for (int64_t b = 0; b < nb; b++) {
                const __m256i v = _mm256_loadu_si256((const __m256i *)(y + b * GEMM_BY + GEMM_QY));
                _mm256_storeu_si256((__m256i *)(q + b * 32), _mm256_xor_si256(v, _mm256_set1_epi8((char)0x80)));
            }
        }
        jm_gemm_widen(pc->d + j * nb, y, nb, GEMM_BY);
        if (GEMM_Q81) jm_gemm_widen(pc->s + j * nb, y + 2, nb, GEMM_BY);
    }
}

/*
 * C columns from c for the group g: weights from wbuf (WB) or built here,
 * activations from pc (YB, tile column j = pc column j0 + j) or read here.
 * C is a constant at every call, so acc[] lives in registers. Weights built
 * here are unsigned (GEMM_BUILD_U) when the type has that form.
 */
JM_ALWAYS_INLINE void gemm_tile(const jm_gemm_args *a, const jm_gemm_rows *g, int64_t r, int nrows, int64_t c,
                                const jm_gemm_wblk *wbuf, const gemm_cols *pc, int64_t j0, const int C,
                                const int WB, const int YB) {
    const int64_t nb = a->n / 32;
    const int U = GEMM_U && !WB;
    const uint8_t *y[8];
    __m512 acc[8];
    for (int j = 0; j < C; j++) {
        y[j] = (const uint8_t *)a->act + (c + j) * a->act_stride;
        acc[j] = _mm512_setzero_ps();
    }
    for (int64_t b = 0; b < nb; b++) {
        jm_gemm_wblk wl;
        const jm_gemm_wblk *w = &wl;
        if (WB) w = wbuf + b;
        else gemm_build(g, b, &wl, U);
        for (int j = 0; j < C; j++) {
            const uint8_t *yq = YB && !U ? pc->q + ((j0 + j) * nb + b) * 32 : y[j] + b * GEMM_BY + GEMM_QY;
            /* two chains when few columns give the out-of-order core little else */
            __m512i s0, s1 = _mm512_setzero_si512();
            if (U) s0 = _mm512_set1_epi32(!GEMM_OFF ? 0 : YB ? pc->off[(j0 + j) * nb + b] : -GEMM_OFF * jm_gemm_sum32(yq));
            else s0 = w->corr;
            for (int k = 0; k < 8; k++) {
                __m512i p;
                if (U) p = _mm512_dpbusd_epi32(k & 1 && C < 4 ? s1 : s0, w->w[k], _mm512_set1_epi32((int)jm_rd32(yq + 4 * k)));
                else {
                    const uint32_t u = YB ? jm_rd32(yq + 4 * k) : jm_rd32(yq + 4 * k) ^ 0x80808080u;
                    p = _mm512_dpbusd_epi32(k & 1 && C < 4 ? s1 : s0, _mm512_set1_epi32((int)u), w->w[k]);
                }
                if (C < 4 && (k & 1)) s1 = p;
                else s0 = p;
            }
            if (C < 4) s0 = _mm512_add_epi32(s0, s1);
            const float dy = YB ? pc->d[(j0 + j) * nb + b] : jm_rd_fp16(y[j] + b * GEMM_BY);
            acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s0), _mm512_mul_ps(w->d, _mm512_set1_ps(dy)), acc[j]);
            if (GEMM_Q81) {
                const float sy = YB ? pc->s[(j0 + j) * nb + b] : jm_rd_fp16(y[j] + b * GEMM_BY + 2);
                acc[j] = _mm512_fmadd_ps(w->m, _mm512_set1_ps(sy), acc[j]);
            }
        }
    }
    const __mmask16 m = (__mmask16)((1u << nrows) - 1);
    for (int j = 0; j < C; j++) _mm512_mask_storeu_ps(a->y + (c + j) * a->y_stride + r, m, acc[j]);
}

typedef void (*gemm_tile_fn)(const jm_gemm_args *a, const jm_gemm_rows *g, int64_t r, int nrows, int64_t c,
                             const jm_gemm_wblk *wbuf, const gemm_cols *pc, int64_t j0);

#define GEMM_TILE(C, WB, YB)                                                                                 \
    static void gemm_tile_##C##_##WB##YB(const jm_gemm_args *a, const jm_gemm_rows *g, int64_t r, int nrows, \
                                         int64_t c, const jm_gemm_wblk *wbuf, const gemm_cols *pc, int64_t j0) { \
        gemm_tile(a, g, r, nrows, c, wbuf, pc, j0, C, WB, YB);                                               \
    }
GEMM_TILE(8, 1, 1)
GEMM_TILE(4, 1, 1)
GEMM_TILE(1, 1, 1)
GEMM_TILE(6, 0, 1)
GEMM_TILE(5, 0, 1)
GEMM_TILE(4, 0, 1)
GEMM_TILE(3, 0, 1)
GEMM_TILE(2, 0, 1)
GEMM_TILE(1, 0, 1)
GEMM_TILE(1, 0, 0)

enum { GEMM_CT = 16,          /* columns prepared at a time in batches    */
       GEMM_CHUNK = 8,        /* row groups transposed at a time, batches */
       /* from this many columns, buffer weights (building them in the loop
          for all columns at once is cheaper below; Q8_0 would need its
          activations xor 0x80 on the stack, so it switches earlier) */
       GEMM_BATCH = GEMM_U ? 7 : 4,
       GEMM_NB_STACK = 256 }; /* decode: blocks prepared on the stack    */

static void gemm_group_rows(jm_gemm_rows *g, const jm_gemm_args *a, int64_t r, int nrows) {
    g->row_bytes = a->w_row_bytes;
    g->packed = GEMM_PACK_NQ ? jm_gemm_packed_group(a, r, JM_GEMM_LANES, a->n / 32, JM_GEMM_PACKED_BYTES(GEMM_PACK_NQ)) : NULL;
    for (int i = 0; i < JM_GEMM_LANES; i++)
        g->p[i] = (const uint8_t *)a->w + (r + (i < nrows ? i : nrows - 1)) * a->w_row_bytes;
}

/* Nothing buffered: the fallback when memory cannot be had (same floats). */
static void gemm_plain(const jm_gemm_args *a, int64_t r0, int64_t r1) {
    for (int64_t r = r0; r < r1; r += JM_GEMM_LANES) {
        const int nrows = (int)(r1 - r < JM_GEMM_LANES ? r1 - r : JM_GEMM_LANES);
        jm_gemm_rows g;
        gemm_group_rows(&g, a, r, nrows);
        for (int64_t c = 0; c < a->n_cols; c++) gemm_tile_1_00(a, &g, r, nrows, c, NULL, NULL, 0);
    }
}

/* Fewer than GEMM_BATCH columns: weights built in the loop (for all the
   columns at once), columns prepared on the stack. */
static void gemm_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) {
    const int64_t nb = a->n / 32;
    if (nb > GEMM_NB_STACK) {
        gemm_plain(a, r0, r1);
        return;
    }
    _Alignas(64) uint8_t q[GEMM_U ? 1 : (GEMM_BATCH - 1) * GEMM_NB_STACK * 32];
    int32_t off[GEMM_U ? (GEMM_BATCH - 1) * GEMM_NB_STACK : 1];
    float d[(GEMM_BATCH - 1) * GEMM_NB_STACK], s[GEMM_Q81 ? (GEMM_BATCH - 1) * GEMM_NB_STACK : 1];
    static const gemm_tile_fn tiles[6] = { gemm_tile_1_01, gemm_tile_2_01, gemm_tile_3_01,
                                           gemm_tile_4_01, gemm_tile_5_01, gemm_tile_6_01 };
    const gemm_cols pc = { .q = q, .off = off, .d = d, .s = s, .nb = nb };
    gemm_prep_cols(&pc, a, 0, a->n_cols, GEMM_U);
    for (int64_t r = r0; r < r1; r += JM_GEMM_LANES) {
        const int nrows = (int)(r1 - r < JM_GEMM_LANES ? r1 - r : JM_GEMM_LANES);
        jm_gemm_rows g;
        gemm_group_rows(&g, a, r, nrows);
        tiles[a->n_cols - 1](a, &g, r, nrows, 0, NULL, &pc, 0);
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
    const int64_t groups = (r1 - r0 + JM_GEMM_LANES - 1) / JM_GEMM_LANES;
    const int64_t chunk = groups < GEMM_CHUNK ? groups : GEMM_CHUNK;
    const size_t wbytes = (size_t)(nb * chunk) * sizeof(jm_gemm_wblk);
    const size_t cbytes = (size_t)GEMM_CT * (size_t)nb * (32 + 4 + (GEMM_Q81 ? 4 : 0));
    uint8_t *buf = jm_aligned_alloc(64, (wbytes + cbytes + 63) / 64 * 64);
    if (!buf) {
        gemm_plain(a, r0, r1);
        return;
    }
    jm_gemm_wblk *wbuf = (jm_gemm_wblk *)buf;
    const gemm_cols pc = {
        .q = buf + wbytes,
        .d = (float *)(buf + wbytes + (size_t)GEMM_CT * nb * 32),
        .s = (float *)(buf + wbytes + (size_t)GEMM_CT * nb * 36),
        .nb = nb,
    };
    for (int64_t rc = r0; rc < r1; rc += chunk * JM_GEMM_LANES) {
        const int64_t rc1 = rc + chunk * JM_GEMM_LANES < r1 ? rc + chunk * JM_GEMM_LANES : r1;
        jm_gemm_rows g[GEMM_CHUNK];
        int nrows[GEMM_CHUNK];
        int ng = 0;
        for (int64_t r = rc; r < rc1; r += JM_GEMM_LANES, ng++) {
            nrows[ng] = (int)(rc1 - r < JM_GEMM_LANES ? rc1 - r : JM_GEMM_LANES);
            gemm_group_rows(&g[ng], a, r, nrows[ng]);
            for (int64_t b = 0; b < nb; b++) gemm_build(&g[ng], b, wbuf + ng * nb + b, 0);
        }
        for (int64_t c0 = 0; c0 < a->n_cols; c0 += GEMM_CT) {
            const int64_t cn = a->n_cols - c0 < GEMM_CT ? a->n_cols - c0 : GEMM_CT;
            gemm_prep_cols(&pc, a, c0, cn, 0);
            for (int gi = 0; gi < ng; gi++) {
                const int64_t r = rc + gi * JM_GEMM_LANES;
                const jm_gemm_wblk *wb = wbuf + gi * nb;
                int64_t j = 0;
                for (; j + 8 <= cn; j += 8) gemm_tile_8_11(a, &g[gi], r, nrows[gi], c0 + j, wb, &pc, j);
                for (; j + 4 <= cn; j += 4) gemm_tile_4_11(a, &g[gi], r, nrows[gi], c0 + j, wb, &pc, j);
                for (; j < cn; j++) gemm_tile_1_11(a, &g[gi], r, nrows[gi], c0 + j, wb, &pc, j);
            }
        }
    }
    jm_aligned_free(buf);
}

#endif
