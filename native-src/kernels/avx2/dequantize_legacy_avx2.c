/*
 * dequantize_legacy_avx2.c - F16, BF16, Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 -> F32
 * with AVX2 + F16C, the same floats as the scalar dequantizers: one
 * rounding for (q - off) * d, two (product, then sum) for q * d + m; the
 * file is compiled without contraction (legacy_kernels.h).
 */
#include "legacy_avx2.h"

void jm_dequantize_row_f16_avx2(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + 2 * i))));
        _mm256_storeu_ps(y + i + 8, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(x + 2 * i + 16))));
    }
    jm_dequantize_row_f16(x + 2 * i, y + i, n - i);
}

void jm_dequantize_row_bf16_avx2(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)(x + 2 * i)));
        _mm256_storeu_ps(y + i, _mm256_castsi256_ps(_mm256_slli_epi32(w, 16)));
    }
    jm_dequantize_row_bf16(x + 2 * i, y + i, n - i);
}

/* 32 signed bytes (already offset) times d, optionally plus m, to y[0..31]. */
static inline void store_block(__m256i q, __m256 d, float *y) {
    const __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
    _mm256_storeu_ps(y +  0, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(lo)), d));
    _mm256_storeu_ps(y +  8, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(lo, 8))), d));
    _mm256_storeu_ps(y + 16, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(hi)), d));
    _mm256_storeu_ps(y + 24, _mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_srli_si128(hi, 8))), d));
}

static inline void store_block_min(__m256i q, __m256 d, __m256 m, float *y) {
    const __m128i lo = _mm256_castsi256_si128(q), hi = _mm256_extracti128_si256(q, 1);
    _mm256_storeu_ps(y +  0, _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(lo)), d), m));
    _mm256_storeu_ps(y +  8, _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(lo, 8))), d), m));
    _mm256_storeu_ps(y + 16, _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(hi)), d), m));
    _mm256_storeu_ps(y + 24, _mm256_add_ps(_mm256_mul_ps(_mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(_mm_srli_si128(hi, 8))), d), m));
}

static inline __m256 bcast_fp16(const uint8_t *p) {
    return _mm256_broadcastss_ps(_mm_cvtph_ps(_mm_cvtsi32_si128(jm_rd16(p))));
}

void jm_dequantize_row_q4_0_avx2(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    const int64_t nb = n / JM_QK4_0;
    for (int64_t b = 0; b < nb; b++, x += sizeof(jm_block_q4_0), y += JM_QK4_0) {
        const __m256i q = _mm256_sub_epi8(jm_avx2_nibbles(x + 2), _mm256_set1_epi8(8));
        store_block(q, bcast_fp16(x), y);
    }
}

void jm_dequantize_row_q4_1_avx2(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    const int64_t nb = n / JM_QK4_1;
    for (int64_t b = 0; b < nb; b++, x += sizeof(jm_block_q4_1), y += JM_QK4_1)
        store_block_min(jm_avx2_nibbles(x + 4), bcast_fp16(x), bcast_fp16(x + 2), y);
}

void jm_dequantize_row_q5_0_avx2(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    const int64_t nb = n / JM_QK5_0;
    for (int64_t b = 0; b < nb; b++, x += sizeof(jm_block_q5_0), y += JM_QK5_0) {
        const __m256i u = _mm256_or_si256(jm_avx2_nibbles(x + 6), jm_avx2_qh_bit4(jm_rd32(x + 2)));
        store_block(_mm256_sub_epi8(u, _mm256_set1_epi8(16)), bcast_fp16(x), y);
    }
}

void jm_dequantize_row_q5_1_avx2(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    const int64_t nb = n / JM_QK5_1;
    for (int64_t b = 0; b < nb; b++, x += sizeof(jm_block_q5_1), y += JM_QK5_1) {
        const __m256i u = _mm256_or_si256(jm_avx2_nibbles(x + 8), jm_avx2_qh_bit4(jm_rd32(x + 4)));
        store_block_min(u, bcast_fp16(x), bcast_fp16(x + 2), y);
    }
}

void jm_dequantize_row_q8_0_avx2(const void *vx, float *y, int64_t n) {
    const uint8_t *x = vx;
    const int64_t nb = n / JM_QK8_0;
    for (int64_t b = 0; b < nb; b++, x += sizeof(jm_block_q8_0), y += JM_QK8_0)
        store_block(_mm256_loadu_si256((const __m256i *)(x + 2)), bcast_fp16(x), y);
}
