/*
 * dot_q5_0_avx2.c - Q5_0 weights . Q8_0 activations, AVX2.
 * Quant = low nibble | 5th bit from qh (0..31, unsigned), offset 16 taken
 * off as 16*y in the int16 pair sums.
 */
#include "legacy_avx2.h"

static inline __m256i q5_0_block_dot(const uint8_t *x, const uint8_t *y) {
    const __m256i u = _mm256_or_si256(jm_avx2_nibbles(x + 6), jm_avx2_qh_bit4(jm_rd32(x + 2)));
    const __m256i v = _mm256_loadu_si256((const __m256i *)(y + 2));
    return jm_avx2_dot_u8s8_off(u, v, _mm256_set1_epi8(16));
}

void jm_vec_dot_q5_0_q8_0_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    const int64_t nb = n / JM_QK8_0;
    enum { BX = sizeof(jm_block_q5_0), BY = sizeof(jm_block_q8_0) };
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2, x += 2 * BX, y += 2 * BY) {
        const __m256i p0 = q5_0_block_dot(x, y);
        const __m256i p1 = q5_0_block_dot(x + BX, y + BY);
        acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), jm_avx2_scale2(x, y), acc0);
        acc1 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p1), jm_avx2_scale2(x + BX, y + BY), acc1);
    }
    if (b < nb) {
        const __m256i p0 = q5_0_block_dot(x, y);
        acc0 = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p0), jm_avx2_scale2(x, y), acc0);
    }
    *s = jm_avx2_hsum_ps(_mm256_add_ps(acc0, acc1));
}
