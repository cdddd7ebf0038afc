/*
 * dot_q8_0_avx2.c - Q8_0 weights . Q8_0 activations, AVX2.
 * Per block: |x| times y with x's sign (so pmaddubsw sees an unsigned
 * operand), pairs to int32, to float, times dx*dy, into one of two
 * accumulators. Assumes the quants are in -127..127, as every Q8_0
 * quantizer writes them (ggml's kernel assumes the same).
 */
#include "legacy_avx2.h"

static inline __m256i q8_block_dot(const uint8_t *xq, const uint8_t *yq) {
    const __m256i x = _mm256_loadu_si256((const __m256i *)xq);
    const __m256i y = _mm256_loadu_si256((const __m256i *)yq);
    return jm_avx2_dot_u8s8(_mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}

void jm_vec_dot_q8_0_q8_0_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    const int64_t nb = n / JM_QK8_0;
    enum { BX = sizeof(jm_block_q8_0), BY = sizeof(jm_block_q8_0) };
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2, x += 2 * BX, y += 2 * BY) {
        const __m256i p0 = q8_block_dot(x + 2, y + 2);
        const __m256i p1 = q8_block_dot(x + BX + 2, y + BY + 2);
        acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), jm_avx2_scale2(x, y), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p1), jm_avx2_scale2(x + BX, y + BY), acc1);
    }
    if (b < nb) {
        const __m256i p0 = q8_block_dot(x + 2, y + 2);
        acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), jm_avx2_scale2(x, y), acc0);
    }
    *s = jm_avx2_hsum_ps(_mm256_add_ps(acc0, acc1));
}
