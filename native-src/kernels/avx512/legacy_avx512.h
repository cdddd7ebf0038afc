/*
 * legacy_avx512.h - building blocks of the AVX-512 legacy-quant kernels
 * (files here are compiled with AVX-512 F/BW/VL/DQ/VNNI/BF16; a kernel uses
 * VNNI or BF16 instructions only if its name says so).
 *
 * Layout used by the integer kernels: one zmm holds two blocks' 32 quants,
 * block i in bytes 0..31, block i+1 in bytes 32..63, each in value order
 * (values 0..15 then 16..31). vpdpbusd then leaves block i's partial sums in
 * int32 lanes 0..7 and block i+1's in lanes 8..15, so one float scale
 * vector {d_i x8, d_i+1 x8} finishes them.
 */
#ifndef JM_LEGACY_AVX512_H
#define JM_LEGACY_AVX512_H

#include "quants/legacy_kernels.h"
#include <immintrin.h>

/* Two blocks' 32-byte quant arrays (at p and p+stride) in one zmm. */
static inline __m512i jm_avx512_load2x32(const uint8_t *p, size_t stride) {
    const __m256i a = _mm256_loadu_si256((const __m256i *)p);
    const __m256i b = _mm256_loadu_si256((const __m256i *)(p + stride));
    return _mm512_inserti64x4(_mm512_castsi256_si512(a), b, 1);
}

/* Four blocks' 16-byte nibble arrays (at p + k*stride) unpacked to 0..15
 * bytes, as two zmm in the two-block layout: *b01 = blocks 0,1; *b23 = 2,3. */
static inline void jm_avx512_nibbles4(const uint8_t *p, size_t stride, __m512i *b01, __m512i *b23) {
    __m512i t = _mm512_castsi128_si512(_mm_loadu_si128((const __m128i *)p));
    t = _mm512_inserti32x4(t, _mm_loadu_si128((const __m128i *)(p + stride)), 1);
    t = _mm512_inserti32x4(t, _mm_loadu_si128((const __m128i *)(p + 2 * stride)), 2);
    t = _mm512_inserti32x4(t, _mm_loadu_si128((const __m128i *)(p + 3 * stride)), 3);
    const __m512i m = _mm512_set1_epi8(0x0F);
    const __m512i lo = _mm512_and_si512(t, m);                        /* lo0 lo1 lo2 lo3 */
    const __m512i hi = _mm512_and_si512(_mm512_srli_epi16(t, 4), m);  /* hi0 hi1 hi2 hi3 */
    /* qwords: lo = 0..7, hi = 8..15; pick lo0 hi0 lo1 hi1 and lo2 hi2 lo3 hi3 */
    *b01 = _mm512_permutex2var_epi64(lo, _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11), hi);
    *b23 = _mm512_permutex2var_epi64(lo, _mm512_setr_epi64(4, 5, 12, 13, 6, 7, 14, 15), hi);
}

/* Lanes 0..7 = lane i of v, lanes 8..15 = lane j of v. */
static inline __m512 jm_avx512_spread2(__m512 v, int i, int j) {
    const __m512i idx = _mm512_inserti64x4(_mm512_castsi256_si512(_mm256_set1_epi32(i)), _mm256_set1_epi32(j), 1);
    return _mm512_permutexvar_ps(idx, v);
}

/* dx*dy of four blocks whose fp16 scales sit at x + k*sx, y + k*sy. */
static inline __m128 jm_avx512_scales4(const uint8_t *x, size_t sx, const uint8_t *y, size_t sy) {
    const __m128i h = _mm_setr_epi16((short)jm_rd16(x), (short)jm_rd16(x + sx), (short)jm_rd16(x + 2 * sx),
                                     (short)jm_rd16(x + 3 * sx), (short)jm_rd16(y), (short)jm_rd16(y + sy),
                                     (short)jm_rd16(y + 2 * sy), (short)jm_rd16(y + 3 * sy));
    const __m256 f = _mm256_cvtph_ps(h);
    return _mm_mul_ps(_mm256_castps256_ps128(f), _mm256_extractf128_ps(f, 1));
}

/* For blocks that start {d, m} (x) and {d, s} (y): lanes 2k = dx*dy and
 * 2k+1 = mx*sy of block k = 0..3. */
static inline __m256 jm_avx512_scales_min4(const uint8_t *x, size_t sx, const uint8_t *y, size_t sy) {
    const __m256i h = _mm256_setr_epi32((int)jm_rd32(x), (int)jm_rd32(x + sx), (int)jm_rd32(x + 2 * sx),
                                        (int)jm_rd32(x + 3 * sx), (int)jm_rd32(y), (int)jm_rd32(y + sy),
                                        (int)jm_rd32(y + 2 * sy), (int)jm_rd32(y + 3 * sy));
    const __m512 f = _mm512_cvtph_ps(h);
    return _mm256_mul_ps(_mm512_castps512_ps256(f), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(f), 1)));
}

#endif
