/*
 * legacy_avx2.h - small AVX2/F16C building blocks shared by the legacy-quant
 * kernels in this folder (compiled with -mavx2 -mfma -mf16c only).
 */
#ifndef JM_LEGACY_AVX2_H
#define JM_LEGACY_AVX2_H

#include "quants/legacy_kernels.h"
#include <immintrin.h>

/* Sum of the 8 lanes. */
static inline float jm_avx2_hsum_ps(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

static inline int32_t jm_avx2_hsum_epi32(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(1, 0, 3, 2)));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, _MM_SHUFFLE(2, 3, 0, 1)));
    return _mm_cvtsi128_si32(s);
}

/* The two fp16 words at p and q, widened: lane 0 = fp16(p), lane 1 = fp16(q).
 * F16C's conversion is exact, so it equals jm_fp16_to_f32 bit for bit. */
static inline __m128 jm_f16c_pair(const void *p, const void *q) {
    const uint32_t w = (uint32_t)jm_rd16(p) | ((uint32_t)jm_rd16(q) << 16);
    return _mm_cvtph_ps(_mm_cvtsi32_si128((int)w));
}

/* dx*dy of two blocks whose fp16 scales sit at px and py, broadcast. */
static inline __m256 jm_avx2_scale2(const void *px, const void *py) {
    const __m128 v = jm_f16c_pair(px, py);
    return _mm256_broadcastss_ps(_mm_mul_ss(v, _mm_movehdup_ps(v)));
}

/* 16 bytes of packed nibbles -> 32 bytes 0..15: the low nibbles first
 * (values 0..15 of the block), then the high ones (values 16..31). */
static inline __m256i jm_avx2_nibbles(const uint8_t *qs) {
    const __m128i q = _mm_loadu_si128((const __m128i *)qs);
    const __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(q), _mm_srli_epi16(q, 4), 1);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

/* 32-bit qh -> 32 bytes, byte j = 0x10 if bit j of qh is set, else 0. */
static inline __m256i jm_avx2_qh_bit4(uint32_t qh) {
    const __m256i spread = _mm256_shuffle_epi8(_mm256_set1_epi32((int)qh),
        _mm256_setr_epi8(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1,
                         2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3));
    const __m256i bit = _mm256_set1_epi64x((long long)0x8040201008040201ull);
    const __m256i set = _mm256_cmpeq_epi8(_mm256_and_si256(spread, bit), bit);
    return _mm256_and_si256(set, _mm256_set1_epi8(0x10));
}

/* 8 int32 lanes, each the sum of 4 products u[i]*s[i] (u unsigned 0..255,
 * s signed). Exact as long as each pair sum fits int16: |u| <= 31 always
 * does; for Q8_0 (|u| <= 127 after the sign trick) it does too. */
static inline __m256i jm_avx2_dot_u8s8(__m256i u, __m256i s) {
    return _mm256_madd_epi16(_mm256_maddubs_epi16(u, s), _mm256_set1_epi16(1));
}

/* Same, for u - off with off a constant: sum (u-off)*s, exact for u, off <= 63. */
static inline __m256i jm_avx2_dot_u8s8_off(__m256i u, __m256i s, __m256i off) {
    const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(u, s), _mm256_maddubs_epi16(off, s));
    return _mm256_madd_epi16(p, _mm256_set1_epi16(1));
}

#endif
