/*
 * dot_q8_0_avx512.c - Q8_0 weights . Q8_0 activations, AVX-512 VNNI (VL).
 * |x| times y with x's sign, so vpdpbusd sees an unsigned operand; assumes
 * the activation quants are in -127..127, as every Q8 quantizer writes them.
 * One block per ymm, two blocks per step into two accumulators.
 */
#include "legacy_avx512.h"

enum { BX = sizeof(jm_block_q8_0), BY = sizeof(jm_block_q8_0) };

/* The block's 8 int32 partial dots, as floats. */
static inline __m256 block_dot(const uint8_t *x, const uint8_t *y) {
    const __m256i qx = _mm256_loadu_si256((const __m256i *)(x + 2));
    const __m256i qy = _mm256_loadu_si256((const __m256i *)(y + 2));
    const __m256i p = jm_dpbusd256(_mm256_setzero_si256(), _mm256_abs_epi8(qx), _mm256_sign_epi8(qy, qx));
    return _mm256_cvtepi32_ps(p);
}

void jm_vec_dot_q8_0_q8_0_avx512vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    const int64_t nb = n / 32;
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t b = 0;
    for (; b + 2 <= nb; b += 2, x += 2 * BX, y += 2 * BY) {
        acc0 = _mm256_fmadd_ps(block_dot(x, y), jm_avx512_scale(x, y), acc0);
        acc1 = _mm256_fmadd_ps(block_dot(x + BX, y + BY), jm_avx512_scale(x + BX, y + BY), acc1);
    }
    if (b < nb) acc0 = _mm256_fmadd_ps(block_dot(x, y), jm_avx512_scale(x, y), acc0);
    *s = jm_avx512_hsum256(_mm256_add_ps(acc0, acc1));
}
