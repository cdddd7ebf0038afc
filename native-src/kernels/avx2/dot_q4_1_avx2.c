/*
 * dot_q4_1_avx2.c - Q4_1 weights . Q8_1 activations, AVX2.
 * sum over blocks of dx*dy * sum(q*yq) + mx*sy.
 * Quant = nibble (0..15, unsigned, no offset).
 * Two blocks per step, two accumulators; the mx*sy terms go to a third.
 */
#include "legacy_avx2.h"

enum { BX = sizeof(jm_block_q4_1), BY = sizeof(jm_block_q8_1) };

/* x starts {d, m}, y starts {d, s}: lane 0 = dx*dy, lane 1 = mx*sy. */
static inline __m128 block_scales(const uint8_t *x, const uint8_t *y) {
    const __m128 v = _mm_cvtph_ps(_mm_set_epi32(0, 0, (int)jm_rd32(y), (int)jm_rd32(x)));
    return _mm_mul_ps(v, _mm_movehl_ps(v, v));
}

static inline __m256 block_dot(const uint8_t *x, const uint8_t *y) {
    const __m256i u = jm_avx2_nibbles(x + 4);
    const __m256i v = _mm256_loadu_si256((const __m256i *)(y + 4));
    return _mm256_cvtepi32_ps(jm_avx2_dot_u8s8(u, v));
}

void jm_vec_dot_q4_1_q8_1_avx2(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    const int64_t nb = n / JM_QK8_1;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    __m128 mins = _mm_setzero_ps();
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2, x += 2 * BX, y += 2 * BY) {
        const __m128 sc0 = block_scales(x, y), sc1 = block_scales(x + BX, y + BY);
        acc0 = _mm256_fmadd_ps(block_dot(x, y), _mm256_broadcastss_ps(sc0), acc0);
        acc1 = _mm256_fmadd_ps(block_dot(x + BX, y + BY), _mm256_broadcastss_ps(sc1), acc1);
        mins = _mm_add_ps(mins, _mm_add_ps(sc0, sc1));
    }
    if (b < nb) {
        const __m128 sc0 = block_scales(x, y);
        acc0 = _mm256_fmadd_ps(block_dot(x, y), _mm256_broadcastss_ps(sc0), acc0);
        mins = _mm_add_ps(mins, sc0);
    }
    *s = jm_avx2_hsum_ps(_mm256_add_ps(acc0, acc1)) + _mm_cvtss_f32(_mm_movehdup_ps(mins));
}
