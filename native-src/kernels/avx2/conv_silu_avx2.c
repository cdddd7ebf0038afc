/*
 * conv_silu_avx2.c - the causal conv + SiLU, 8 channels per vector. The
 * transposed weights make each tap of 8 channels one load; SiLU uses a
 * polynomial exp accurate to about 2 ulp.
 */
#include <immintrin.h>
#include <math.h>
#include "kernels/kernels.h"

/* exp(x) for x in about [-87, 88]: 2^n * p(r), r = x - n ln2, |r| <= ln2/2. */
static inline __m256 exp_ps(__m256 x) {
    x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.3f)), _mm256_set1_ps(88.3f));
    const __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)),
                                     _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    const __m256i e = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(e));
}

static inline const float *seq_row(const jm_conv_args *a, int64_t i) {
    const int64_t h = a->d_conv - 1;
    return i < h ? a->state + i * a->channels : a->x + (i - h) * a->x_stride;
}

void jm_conv_silu_avx2(const jm_conv_args *a, int64_t c0, int64_t c1) {
    const int32_t K = a->d_conv;
    const int64_t C = a->channels, h = K - 1;
    for (int64_t t = 0; t < a->n_tokens; t++) {
        const float *rows[JM_MAX_CONV];
        for (int32_t k = 0; k < K; k++) rows[k] = seq_row(a, t + k);
        float *out = a->y + t * C;
        int64_t c = c0;
        for (; c + 8 <= c1; c += 8) {
            __m256 acc = _mm256_loadu_ps(a->bias + c);
            for (int32_t k = 0; k < K; k++)
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(a->w_t + k * C + c), _mm256_loadu_ps(rows[k] + c), acc);
            const __m256 den = _mm256_add_ps(_mm256_set1_ps(1.0f), exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), acc)));
            _mm256_storeu_ps(out + c, _mm256_div_ps(acc, den));
        }
        for (; c < c1; c++) {
            float acc = a->bias[c];
            for (int32_t k = 0; k < K; k++) acc += a->w_t[k * C + c] * rows[k][c];
            out[c] = acc / (1.0f + expf(-acc));
        }
    }
    for (int64_t j = 0; j < h; j++) {
        const float *src = seq_row(a, a->n_tokens + j);
        float *dst = a->state + j * C;
        for (int64_t c = c0; c < c1; c++) dst[c] = src[c];
    }
}
