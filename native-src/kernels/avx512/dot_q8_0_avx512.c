/*
 * dot_q8_0_avx512.c - Q8_0 weights . Q8_0 activations, AVX-512 VNNI.
 * vpdpbusd wants one unsigned operand: x + 128 (x ^ 0x80) is 0..255, and
 * sum((x+128)*y) - sum(128*y) = sum(x*y) exactly, for every int8 x and y
 * (-128 included). Four blocks per step, two zmm accumulators; the last
 * nb%4 blocks go through the AVX2 kernel.
 */
#include "legacy_avx512.h"

void jm_vec_dot_q8_0_q8_0_avx512vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    const int64_t nb = n / JM_QK8_0;
    enum { BX = sizeof(jm_block_q8_0), BY = sizeof(jm_block_q8_0) };
    const __m512i bias = _mm512_set1_epi8((char)0x80);
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int64_t b = 0;
    for (; b + 4 <= nb; b += 4, x += 4 * BX, y += 4 * BY) {
        const __m512i x01 = jm_avx512_load2x32(x + 2, BX), x23 = jm_avx512_load2x32(x + 2 + 2 * BX, BX);
        const __m512i y01 = jm_avx512_load2x32(y + 2, BY), y23 = jm_avx512_load2x32(y + 2 + 2 * BY, BY);
        const __m512 d = _mm512_castps128_ps512(jm_avx512_scales4(x, BX, y, BY));
        const __m512i p01 = _mm512_sub_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_xor_si512(x01, bias), y01),
                                             _mm512_dpbusd_epi32(_mm512_setzero_si512(), bias, y01));
        const __m512i p23 = _mm512_sub_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_xor_si512(x23, bias), y23),
                                             _mm512_dpbusd_epi32(_mm512_setzero_si512(), bias, y23));
        acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p01), jm_avx512_spread2(d, 0, 1), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p23), jm_avx512_spread2(d, 2, 3), acc1);
    }
    float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
    if (b < nb) {
        float tail;
        jm_vec_dot_q8_0_q8_0_avx2((nb - b) * JM_QK8_0, &tail, x, y);
        sum += tail;
    }
    *s = sum;
}
