/*
 * dot_q4_0_avx2.c - Q4_0 weights . Q8_0 activations, AVX2.
 * The nibbles are used unsigned (0..15) so pmaddubsw takes them directly;
 * the -8 offset comes off as 8*y in the same int16 pair sums. Two blocks
 * per step, two accumulators.
 */
#include "legacy_avx2.h"

static inline __m256i q4_0_block_dot(const uint8_t *x, const uint8_t *y) {
    const __m256i u = jm_avx2_nibbles(x + 2);
    const __m256i v = _mm256_loadu_si256((const __m256i *)(y + 2));
    return jm_avx2_dot_u8s8_off(u, v, _mm256_set1_epi8(8));
}

void jm_vec_dot_q4_0_q8_0_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    const int64_t nb = n / JM_QK8_0;
    enum { BX = sizeof(jm_block_q4_0), BY = sizeof(jm_block_q8_0) };
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2, x += 2 * BX, y += 2 * BY) {
        const __m256i p0 = q4_0_block_dot(x, y);
        const __m256i p1 = q4_0_block_dot(x + BX, y + BY);
        acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), jm_avx2_scale2(x, y), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p1), jm_avx2_scale2(x + BX, y + BY), acc1);
    }
    if (b < nb) {
        const __m256i p0 = q4_0_block_dot(x, y);
        acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), jm_avx2_scale2(x, y), acc0);
    }
    *s = jm_avx2_hsum_ps(_mm256_add_ps(acc0, acc1));
}
