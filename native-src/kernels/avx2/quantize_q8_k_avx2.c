/*
 * quantize_q8_k_avx2.c - the Q8_K activation quantizer with AVX2.
 *
 * It must write the bytes jm_quantize_row_q8_K_ref writes, so the product
 * iscale*x is rounded to float before the rounding constant is added: no
 * multiply-add may be fused here.
 */
#include <immintrin.h>
#include <string.h>
#include "../../quants/kquant_kernels.h"

/* The scale comes from the first value of largest magnitude (its sign
 * matters); rounding uses the reference's own 1.5*2^23 trick, bit for bit. */
void jm_quantize_row_q8_K_avx2(const float *x, void *vy, int64_t n) {
    block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    const __m256 sign = _mm256_set1_ps(-0.0f);
    const __m256 magic = _mm256_set1_ps(12582912.0f);
    const __m256i mant = _mm256_set1_epi32(0x007FFFFF);
    const __m256i bias = _mm256_set1_epi32(0x00400000);
    const __m256i top = _mm256_set1_epi32(127);
    const __m256i perm = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);

    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        /* largest magnitude; NaN never wins, as with the reference's '>' */
        __m256 m0 = _mm256_setzero_ps(), m1 = _mm256_setzero_ps();
        for (int j = 0; j < QK_K; j += 16) {
            m0 = _mm256_max_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x + j)), m0);
            m1 = _mm256_max_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x + j + 8)), m1);
        }
        __m256 m = _mm256_max_ps(m0, m1);
        m = _mm256_max_ps(m, _mm256_permute2f128_ps(m, m, 1));
        m = _mm256_max_ps(m, _mm256_shuffle_ps(m, m, 0x4E));
        m = _mm256_max_ps(m, _mm256_shuffle_ps(m, m, 0xB1));
        const float amax = _mm256_cvtss_f32(m);

        block_q8_K out;
        if (!amax) {
            memset(&out, 0, sizeof out);
            memcpy(&y[i], &out, sizeof out);
            continue;
        }
        /* first index holding that magnitude */
        int first = 0;
        for (int j = 0; j < QK_K; j += 8) {
            const __m256 eq = _mm256_cmp_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x + j)), m, _CMP_EQ_OQ);
            const int bits = _mm256_movemask_ps(eq);
            if (bits) { first = j + __builtin_ctz((unsigned)bits); break; }
        }
        const float iscale = -127.0f / x[first];
        const __m256 vs = _mm256_set1_ps(iscale);

        for (int j = 0; j < QK_K; j += 32) {
            __m256i q[4];
            for (int k = 0; k < 4; ++k) {
                const __m256 v = _mm256_add_ps(_mm256_mul_ps(vs, _mm256_loadu_ps(x + j + 8 * k)), magic);
                const __m256i r = _mm256_sub_epi32(_mm256_and_si256(_mm256_castps_si256(v), mant), bias);
                /* MIN(127, v) stored to int8 keeps the low byte (out-of-range
                 * values only arise from infinite scales: subnormal input) */
                const __m256i c = _mm256_min_epi32(r, top);
                q[k] = _mm256_srai_epi32(_mm256_slli_epi32(c, 24), 24);
            }
            /* now within [-128, 127], so the saturating packs are exact */
            const __m256i s01 = _mm256_add_epi32(q[0], q[1]);
            const __m256i s23 = _mm256_add_epi32(q[2], q[3]);
            const __m256i h = _mm256_hadd_epi32(s01, s23);
            const __m256i hh = _mm256_hadd_epi32(h, h);
            const __m128i bs = _mm_add_epi32(_mm256_castsi256_si128(hh), _mm256_extracti128_si256(hh, 1));
            out.bsums[j / 16 + 0] = (int16_t)_mm_cvtsi128_si32(bs);
            out.bsums[j / 16 + 1] = (int16_t)_mm_extract_epi32(bs, 1);

            const __m256i p01 = _mm256_packs_epi32(q[0], q[1]);
            const __m256i p23 = _mm256_packs_epi32(q[2], q[3]);
            const __m256i b = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(p01, p23), perm);
            _mm256_storeu_si256((__m256i *)(out.qs + j), b);
        }
        out.d = 1 / iscale;
        memcpy(&y[i], &out, sizeof out);
    }
}
