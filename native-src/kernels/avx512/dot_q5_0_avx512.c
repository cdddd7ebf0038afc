/*
 * dot_q5_0_avx512.c - Q5_0 weights . Q8_0 activations, AVX-512 VNNI.
 * The 5th bits of two blocks (two 32-bit qh words) form one 64-bit mask
 * that adds 16 to exactly the bytes that need it; the -16 offset comes off
 * as a second vpdpbusd. Four blocks per step; the tail goes through AVX2.
 */
#include "legacy_avx512.h"

static inline __mmask64 qh2(const uint8_t *x, size_t stride) {
    return (__mmask64)((uint64_t)jm_rd32(x + 2) | ((uint64_t)jm_rd32(x + stride + 2) << 32));
}

void jm_vec_dot_q5_0_q8_0_avx512vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    const int64_t nb = n / JM_QK8_0;
    enum { BX = sizeof(jm_block_q5_0), BY = sizeof(jm_block_q8_0) };
    const __m512i sixteen = _mm512_set1_epi8(16);
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int64_t b = 0;
    for (; b + 4 <= nb; b += 4, x += 4 * BX, y += 4 * BY) {
        __m512i u01, u23;
        jm_avx512_nibbles4(x + 6, BX, &u01, &u23);
        u01 = _mm512_mask_add_epi8(u01, qh2(x, BX), u01, sixteen);
        u23 = _mm512_mask_add_epi8(u23, qh2(x + 2 * BX, BX), u23, sixteen);
        const __m512i y01 = jm_avx512_load2x32(y + 2, BY), y23 = jm_avx512_load2x32(y + 2 + 2 * BY, BY);
        const __m512 d = _mm512_castps128_ps512(jm_avx512_scales4(x, BX, y, BY));
        const __m512i p01 = _mm512_sub_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), u01, y01),
                                             _mm512_dpbusd_epi32(_mm512_setzero_si512(), sixteen, y01));
        const __m512i p23 = _mm512_sub_epi32(_mm512_dpbusd_epi32(_mm512_setzero_si512(), u23, y23),
                                             _mm512_dpbusd_epi32(_mm512_setzero_si512(), sixteen, y23));
        acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p01), jm_avx512_spread2(d, 0, 1), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p23), jm_avx512_spread2(d, 2, 3), acc1);
    }
    float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
    if (b < nb) {
        float tail;
        jm_vec_dot_q5_0_q8_0_avx2((nb - b) * JM_QK8_0, &tail, x, y);
        sum += tail;
    }
    *s = sum;
}
