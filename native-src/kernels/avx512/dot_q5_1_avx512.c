/*
 * dot_q5_1_avx512.c - Q5_1 weights . Q8_1 activations, AVX-512 VNNI (VL).
 * Quants 0..31: nibbles plus 16 where qh's bit is set (no offset).
 * Per block dx*dy * sum(q*yq) + mx*sy. One block per ymm, two blocks per
 * step into two accumulators; the mx*sy terms go to a third.
 */
#include "legacy_avx512.h"

enum { BX = sizeof(jm_block_q5_1), BY = sizeof(jm_block_q8_1) };

/* The block's 8 int32 partial dots, as floats. */
static inline __m256 block_dot(const uint8_t *x, const uint8_t *y) {
    const __m256i qy = _mm256_loadu_si256((const __m256i *)(y + 4));
    const __m256i u = jm_avx512_add_qh(jm_avx512_nibbles(x + 8), x + 4);
    return _mm256_cvtepi32_ps(jm_dpbusd256(_mm256_setzero_si256(), u, qy));
}

void jm_vec_dot_q5_1_q8_1_avx512vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    const int64_t nb = n / 32;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    __m128 mins = _mm_setzero_ps();
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2, x += 2 * BX, y += 2 * BY) {
        const __m128 sc0 = jm_avx512_scale_min(x, y), sc1 = jm_avx512_scale_min(x + BX, y + BY);
        acc0 = _mm256_fmadd_ps(block_dot(x, y), _mm256_broadcastss_ps(sc0), acc0);
        acc1 = _mm256_fmadd_ps(block_dot(x + BX, y + BY), _mm256_broadcastss_ps(sc1), acc1);
        mins = _mm_add_ps(mins, _mm_add_ps(sc0, sc1));
    }
    if (b < nb) {
        const __m128 sc0 = jm_avx512_scale_min(x, y);
        acc0 = _mm256_fmadd_ps(block_dot(x, y), _mm256_broadcastss_ps(sc0), acc0);
        mins = _mm_add_ps(mins, sc0);
    }
    *s = jm_avx512_hsum256(_mm256_add_ps(acc0, acc1)) + _mm_cvtss_f32(_mm_movehdup_ps(mins));
}
