/*
 * gemm_legacy_avx2.h - the building blocks of the AVX2 gemm kernels, rows
 * across the 8 lanes of a ymm: row groups, transposes, nibbles, sums. The
 * legacy kernels are gemm_legacy_avx2.inc, the K-quant ones
 * gemm_kquant_avx2.inc.
 *
 * Rows across lanes, as in the AVX-512 kernels: 8 weight rows sit in the
 * 8 int32 lanes of a ymm; a type's builder transposes one block of 8 rows
 * into w[k], k = 0..7, lane i = row i's quants 4k..4k+3, and its dot
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
 * The tile driver is ../gemm_legacy_driver.inc, shared with the AVX-512
 * kernels.
 */
#ifndef JM_GEMM_LEGACY_AVX2_H
#define JM_GEMM_LEGACY_AVX2_H

#include <stdlib.h>
#include "legacy_avx2.h"
#include "../gemm_legacy.h"

enum { JM_GEMM8_LANES = 8 };

/* An 8-row group: row pointers, the last row repeated past the end. */
typedef struct {
    const uint8_t *p[JM_GEMM8_LANES];
    int64_t        row_bytes;
    const uint8_t *packed;  /* the group in jm_gemm_pack's 8-row layout, or NULL */
} jm_gemm8_rows;

/* t[d] lane i = dword d of the 16 bytes at p[i] + o, for d < 4. */
JM_ALWAYS_INLINE void jm_gemm8_t8x4(__m256i t[4], const jm_gemm8_rows *g, int64_t o) {
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
JM_ALWAYS_INLINE void jm_gemm8_quants(__m256i *t, const jm_gemm8_rows *g, int64_t b, int64_t bx, const int nq) {
    if (g->packed) {
        const uint8_t *q = g->packed + b * JM_GEMM_PACKED_BYTES_L(nq, JM_GEMM8_LANES) + 2 * JM_GEMM8_LANES;
        for (int k = 0; k < nq; k++) t[k] = _mm256_loadu_si256((const __m256i *)(q + 32 * k));
    } else {
        for (int h = 0; h < nq / 4; h++) jm_gemm8_t8x4(t + 4 * h, g, b * bx + 2 + 16 * h);
    }
}

/* The dword at p[i] + o for each row i. */
JM_ALWAYS_INLINE __m256i jm_gemm8_gather(const jm_gemm8_rows *g, int64_t o) {
    uint32_t v[JM_GEMM8_LANES];
    for (int i = 0; i < JM_GEMM8_LANES; i++) v[i] = jm_rd32(g->p[i] + o);
    return _mm256_loadu_si256((const __m256i *)v);
}

/* The fp16 in the low (hi = 0) or high half of each lane, widened. */
JM_ALWAYS_INLINE __m256 jm_gemm8_fp16(__m256i v, const int hi) {
    if (hi) v = _mm256_srli_epi32(v, 16);
    /* pack the 8 low words into 128 bits: within-half pack, then a lane permute */
    const __m256i w = _mm256_packus_epi32(_mm256_and_si256(v, _mm256_set1_epi32(0xFFFF)), _mm256_setzero_si256());
    return _mm256_cvtph_ps(_mm256_castsi256_si128(_mm256_permute4x64_epi64(w, 0x08)));
}

/* 4 nibble dwords -> w[d] = low nibbles (values 4d..), w[4+d] = high ones. */
JM_ALWAYS_INLINE void jm_gemm8_nibbles(__m256i w[8], const __m256i t[4]) {
    const __m256i m4 = _mm256_set1_epi8(0x0F);
    for (int d = 0; d < 4; d++) {
        w[d] = _mm256_and_si256(t[d], m4);
        w[4 + d] = _mm256_and_si256(_mm256_srli_epi16(t[d], 4), m4);
    }
}

/* w[k] += 16 where bit 4k+t of qh is set (Q5's fifth bit). */
JM_ALWAYS_INLINE void jm_gemm8_add_qh(__m256i w[8], __m256i qh) {
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

/* Sum of the 32 int8 at p. */
static inline int32_t jm_gemm8_sum32(const uint8_t *p) {
    const __m256i v = _mm256_loadu_si256((const __m256i *)p);
    return jm_avx2_hsum_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), v), _mm256_set1_epi16(1)));
}

/* The widened fp16 scales of nb blocks bx bytes apart into d[0..nb). */
static inline void jm_gemm8_widen(float *d, const uint8_t *p, int64_t nb, int64_t bx) {
    int64_t b = 0;
    for (; b + 8 <= nb; b += 8) {
        uint16_t h[8];
        for (int i = 0; i < 8; i++) h[i] = jm_rd16(p + (b + i) * bx);
        _mm256_storeu_ps(d + b, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)h)));
    }
    for (; b < nb; b++) d[b] = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(jm_rd16(p + b * bx))));
}

#endif
