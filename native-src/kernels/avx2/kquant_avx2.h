/*
 * kquant_avx2.h - helpers shared by the AVX2 and AVX-512 K-quant kernels.
 * Include only from files compiled with -mavx2 -mfma -mf16c.
 */
#ifndef JM_KQUANT_AVX2_H
#define JM_KQUANT_AVX2_H

#include <immintrin.h>
#include <string.h>
#include "../../quants/kquant_kernels.h"

static inline __m256i kq_load256(const void *p) { return _mm256_loadu_si256((const __m256i *)p); }
static inline __m128i kq_load128(const void *p) { return _mm_loadu_si128((const __m128i *)p); }

/* fp16 -> f32 with F16C (exact, like the portable conversion) */
static inline float kq_h2f(const void *p) {
    unsigned short h;
    memcpy(&h, p, 2);
    return _cvtsh_ss(h);
}

/* two consecutive fp16 values (d, dmin) -> lanes 0 and 1 */
static inline __m128 kq_h2f2(const void *p) {
    int v;
    memcpy(&v, p, 4);
    return _mm_cvtph_ps(_mm_cvtsi32_si128(v));
}

static inline float kq_hsum128(__m128 v) {
    v = _mm_add_ps(v, _mm_movehl_ps(v, v));
    v = _mm_add_ss(v, _mm_movehdup_ps(v));
    return _mm_cvtss_f32(v);
}

static inline float kq_hsum256(__m256 v) {
    return kq_hsum128(_mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1)));
}

/* vpshufb control for a register holding 8 int16 values in each half: the
 * lower half's lanes all take value a, the upper half's all take value b */
static inline __m256i kq_pick16(int a, int b) {
    return _mm256_setr_m128i(_mm_set1_epi16((short)(((2 * a + 1) << 8) | (2 * a))),
                             _mm_set1_epi16((short)(((2 * b + 1) << 8) | (2 * b))));
}

/* 16-bit lanes shifted right by k (left when k < 0) */
static inline __m256i kq_shift16(__m256i v, int k) {
    return k >= 0 ? _mm256_srli_epi16(v, k) : _mm256_slli_epi16(v, -k);
}

/* Q4_K/Q5_K: the 12 packed bytes (16 readable) -> 8 six-bit scales in
 * bytes 0..7 and 8 six-bit mins in bytes 8..15 (see kq_scale_min_k4). */
static inline __m128i kq_scales_mins_k4(const uint8_t *p) {
    const __m128i v = kq_load128(p);
    /* low bits: scales 0-3 from bytes 0-3, 4-7 from the low nibbles of 8-11,
     * mins 0-3 from bytes 4-7, 4-7 from the high nibbles of 8-11 */
    const __m128i a = _mm_shuffle_epi8(v, _mm_setr_epi8(0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 8, 9, 10, 11));
    const __m128i lo = _mm_and_si128(_mm_blend_epi32(a, _mm_srli_epi16(a, 4), 0x8),
                                     _mm_setr_epi8(63, 63, 63, 63, 15, 15, 15, 15, 63, 63, 63, 63, 15, 15, 15, 15));
    /* top two bits of scales 4-7 / mins 4-7: bits 6-7 of bytes 0-3 / 4-7 */
    const __m128i b = _mm_shuffle_epi8(v, _mm_setr_epi8(-1, -1, -1, -1, 0, 1, 2, 3, -1, -1, -1, -1, 4, 5, 6, 7));
    const __m128i hi = _mm_and_si128(_mm_srli_epi16(b, 2), _mm_set1_epi8(0x30));
    return _mm_or_si128(lo, hi);
}

/* sum over j of mins[j] * (bsums[2j] + bsums[2j+1]) as 4 int32; sm holds
 * the scales in its lower half and the mins in its upper half, as int16 */
static inline __m128i kq_mins_dot(__m256i sm, const int16_t *bsums) {
    const __m128i pair = _mm_hadd_epi16(kq_load128(bsums), kq_load128(bsums + 8));
    return _mm_madd_epi16(_mm256_extracti128_si256(sm, 1), pair);
}

/* Q3_K: the 16 six-bit scales minus 32, as int8; p points at block byte 94
 * so the 16 bytes read end with the block (scales are bytes 96..107). */
static inline __m128i kq_scales_q3(const uint8_t *p) {
    const __m128i v = kq_load128(p);
    const __m128i a = _mm_shuffle_epi8(v, _mm_setr_epi8(2, 3, 4, 5, 6, 7, 8, 9, 2, 3, 4, 5, 6, 7, 8, 9));
    const __m128i low = _mm_and_si128(_mm_blend_epi32(a, _mm_srli_epi16(a, 4), 0xC), _mm_set1_epi8(0x0F));
    const __m128i b = _mm_shuffle_epi8(v, _mm_setr_epi8(10, 11, 12, 13, 10, 11, 12, 13, 10, 11, 12, 13, 10, 11, 12, 13));
    const __m128i high = _mm_and_si128(_mm_slli_epi32(_mm_srlv_epi32(b, _mm_setr_epi32(0, 2, 4, 6)), 4), _mm_set1_epi8(0x30));
    return _mm_sub_epi8(_mm_or_si128(low, high), _mm_set1_epi8(32));
}

#endif
