/*
 * dot_q4_0_avx512.c - Q4_0 weights . Q8_0 activations, AVX-512 VNNI.
 * Nibbles 0..15 are vpdpbusd's unsigned operand as they are; the -8 offset
 * comes off as a second vpdpbusd of 8 against y. Four blocks per step,
 * two zmm accumulators; the last nb%4 blocks go through the AVX2 kernel.
 */
#include "legacy_avx512.h"

void jm_vec_dot_q4_0_q8_0_avx512vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    const int64_t nb = n / JM_QK8_0;
    enum { BX = sizeof(jm_block_q4_0), BY = sizeof(jm_block_q8_0) };
    const __m512i eight = _mm512_set1_epi8(8);
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int64_t b = 0;
    for (; b + 4 <= nb; b += 4, x += 4 * BX, y += 4 * BY) {
        __m512i u01, u23;
        jm_avx512_nibbles4(x + 2, BX, &u01, &u23);
        const __m512i y01 = jm_avx512_load2x32(y + 2, BY), y23 = jm_avx512_load2x32(y + 2 + 2 * BY, BY);
        const __m512 d = _mm512_castps128_ps512(jm_avx512_scales4(x, BX, y, BY));
        const __m512i p01 = _mm512_sub_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), u01, y01),
                                             _mm512_dpbusd_epi32(_mm512_setzero_si512(), eight, y01));
        const __m512i p23 = _mm512_sub_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), u23, y23),
                                             _mm512_dpbusd_epi32(_mm512_setzero_si512(), eight, y23));
        acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p01), jm_avx512_spread2(d, 0, 1), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p23), jm_avx512_spread2(d, 2, 3), acc1);
    }
    float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
    if (b < nb) {
        float tail;
        jm_vec_dot_q4_0_q8_0_avx2((nb - b) * JM_QK8_0, &tail, x, y);
        sum += tail;
    }
    *s = sum;
}
