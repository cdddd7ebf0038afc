/*
 * gemm_legacy_avx512.h - the building blocks of the AVX-512 VNNI gemm
 * kernels, rows across the 16 lanes of a zmm: row groups, transposes, the
 * legacy blocks' nibbles and sums. The legacy kernels themselves are
 * gemm_legacy_avx512.c; the K-quant ones (kquant_rows_avx512.h) and the
 * AMX ones build on the same blocks.
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
 * Batches (LGEMM_BATCH or more columns) transpose each 16-row group's
 * weights once into a buffer and prepare activations once per column tile;
 * decode and small batches build the weights in the loop, for all their
 * columns at once, where a buffer would not pay. Decode builds every type
 * in its unsigned form instead (Q4_0, Q5_0 before their offset; Q4_1,
 * Q5_1; Q8_0 + 128): the quants themselves are vpdpbusd's unsigned operand
 * against the activations as they are, and isum starts from
 * off = -OFF * sum(y) per activation block (none for Q4_1, Q5_1). That
 * saves the offset and corr work per weight block; the integers, and so
 * the floats, are the same.
 *
 * The AVX2 kernels (kernels/avx2/gemm_legacy_avx2.h) run the same float
 * sequence on 8 lanes, so the two give the same bits; the test checks it.
 *
 * The tile driver is ../gemm_legacy_driver.inc, shared with the AVX2
 * kernels.
 */
#ifndef JM_GEMM_LEGACY_AVX512_H
#define JM_GEMM_LEGACY_AVX512_H

#include <stdlib.h>
#include "legacy_avx512.h"
#include "../gemm_legacy.h"

enum { JM_GEMM16_LANES = 16 };

/* One block of 16 rows, transposed (see above). */
typedef struct {
    __m512i w[8];
    __m512i corr; /* -128 * sum of the row's weights in the block */
    __m512  d;    /* the rows' scales                             */
    __m512  m;    /* the rows' minimums (Q4_1, Q5_1)              */
} jm_gemm16_wblk;

/* A 16-row group: row pointers, the last row repeated past the end. */
typedef struct {
    const uint8_t *p[JM_GEMM16_LANES];
    int64_t        row_bytes;
    const uint8_t *packed;  /* the group in jm_gemm_pack's layout, or NULL */
} jm_gemm16_rows;

/* t[d] lane i = dword d of the 16 bytes at p[i] + o, for d < 4. */
JM_ALWAYS_INLINE void jm_gemm16_t16x4(__m512i t[4], const jm_gemm16_rows *g, int64_t o) {
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
JM_ALWAYS_INLINE void jm_gemm16_t16x8(__m512i t[8], const jm_gemm16_rows *g, int64_t o) {
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
JM_ALWAYS_INLINE __m512i jm_gemm16_gather(const jm_gemm16_rows *g, int64_t o) {
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
JM_ALWAYS_INLINE void jm_gemm16_quants(__m512i *t, const jm_gemm16_rows *g, int64_t b, int64_t bx, const int nq) {
    if (g->packed) {
        const uint8_t *q = g->packed + b * JM_GEMM_PACKED_BYTES(nq) + 32;
        for (int k = 0; k < nq; k++) t[k] = _mm512_loadu_si512(q + 64 * k);
    } else if (nq == 4) {
        jm_gemm16_t16x4(t, g, b * bx + 2);
    } else {
        jm_gemm16_t16x8(t, g, b * bx + 2);
    }
}


/* The fp16 in the low (hi = 0) or high half of each lane, widened. */
JM_ALWAYS_INLINE __m512 jm_gemm16_fp16(__m512i v, const int hi) {
    return _mm512_cvtph_ps(_mm512_cvtepi32_epi16(hi ? _mm512_srli_epi32(v, 16) : v));
}

/* 4 nibble dwords -> w[d] = low nibbles (values 4d..), w[4+d] = high ones. */
JM_ALWAYS_INLINE void jm_gemm16_nibbles(__m512i w[8], const __m512i t[4]) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int d = 0; d < 4; d++) {
        w[d] = _mm512_and_si512(t[d], m4);
        w[4 + d] = _mm512_and_si512(_mm512_srli_epi16(t[d], 4), m4);
    }
}

/* w[k] += 16 where bit 4k+t of qh is set (Q5's fifth bit). */
JM_ALWAYS_INLINE void jm_gemm16_add_qh(__m512i w[8], __m512i qh) {
    /* lane n: byte t = 16 if bit t of n */
    const __m512i lut = _mm512_setr_epi32(0x00000000, 0x00000010, 0x00001000, 0x00001010, 0x00100000, 0x00100010,
                                          0x00101000, 0x00101010, 0x10000000, 0x10000010, 0x10001000, 0x10001010,
                                          0x10100000, 0x10100010, 0x10101000, 0x10101010);
    for (int k = 0; k < 8; k++)
        w[k] = _mm512_or_si512(w[k], _mm512_permutexvar_epi32(_mm512_srli_epi32(qh, 4 * k), lut));
}

/* corr = -128 * sum of all 32 weights of each row. */
JM_ALWAYS_INLINE __m512i jm_gemm16_corr(const __m512i w[8]) {
    const __m512i u128 = _mm512_set1_epi8((char)0x80);
    __m512i s = _mm512_setzero_si512();
    for (int k = 0; k < 8; k++) s = _mm512_dpbusd_epi32(s, u128, w[k]);
    return _mm512_sub_epi32(_mm512_setzero_si512(), s);
}

/* Sum of the 32 int8 at p. */
static inline int32_t jm_gemm16_sum32(const uint8_t *p) {
    const __m256i v = _mm256_loadu_si256((const __m256i *)p);
    const __m256i s = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), v), _mm256_set1_epi16(1));
    __m128i t = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(1, 0, 3, 2)));
    t = _mm_add_epi32(t, _mm_shuffle_epi32(t, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(t);
}

/* The widened fp16 scales of nb blocks bx bytes apart into d[0..nb). */
static inline void jm_gemm16_widen(float *d, const uint8_t *p, int64_t nb, int64_t bx) {
    int64_t b = 0;
    for (; b + 16 <= nb; b += 16) {
        uint16_t h[16];
        for (int i = 0; i < 16; i++) h[i] = jm_rd16(p + (b + i) * bx);
        _mm512_storeu_ps(d + b, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)h)));
    }
    for (; b < nb; b++) d[b] = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(jm_rd16(p + b * bx))));
}

#endif
