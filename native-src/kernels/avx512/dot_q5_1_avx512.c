/*
 * dot_q5_1_avx512.c - Q5_1 weights . Q8_1 activations, AVX-512 VNNI.
 * Quants 0..31: nibbles plus 16 where the qh mask says so.
 * Per block dx*dy * sum(q*yq) + mx*sy; the four blocks' scale pairs come
 * from one 16-lane fp16 conversion. Four blocks per step; the tail goes
 * through the AVX2 kernel.
 */
#include "legacy_avx512.h"

static inline __mmask64 qh2(const uint8_t *x, size_t stride) {
    return (__mmask64)((uint64_t)jm_rd32(x + 4) | ((uint64_t)jm_rd32(x + stride + 4) << 32));
}

void jm_vec_dot_q5_1_q8_1_avx512vnni(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    const int64_t nb = n / JM_QK8_1;
    enum { BX = sizeof(jm_block_q5_1), BY = sizeof(jm_block_q8_1) };
    const __m512i sixteen = _mm512_set1_epi8(16);
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    __m256 mins = _mm256_setzero_ps();
    int64_t b = 0;
    for (; b + 4 <= nb; b += 4, x += 4 * BX, y += 4 * BY) {
        __m512i u01, u23;
        jm_avx512_nibbles4(x + 8, BX, &u01, &u23);
        u01 = _mm512_mask_add_epi8(u01, qh2(x, BX), u01, sixteen);
        u23 = _mm512_mask_add_epi8(u23, qh2(x + 2 * BX, BX), u23, sixteen);
        const __m512i y01 = jm_avx512_load2x32(y + 4, BY), y23 = jm_avx512_load2x32(y + 4 + 2 * BY, BY);
        const __m256 sm = jm_avx512_scales_min4(x, BX, y, BY);
        const __m512 d = _mm512_castps256_ps512(sm);
        const __m512i p01 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u01, y01);
        const __m512i p23 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), u23, y23);
        acc0 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p01), jm_avx512_spread2(d, 0, 2), acc0);
        acc1 = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p23), jm_avx512_spread2(d, 4, 6), acc1);
        mins = _mm256_add_ps(mins, sm);
    }
    /* odd lanes of mins hold the mx*sy sums */
    float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1)) +
                _mm512_mask_reduce_add_ps((__mmask16)0xAA, _mm512_castps256_ps512(mins));
    if (b < nb) {
        float tail;
        jm_vec_dot_q5_1_q8_1_avx2((nb - b) * JM_QK8_1, &tail, x, y);
        sum += tail;
    }
    *s = sum;
}
