/*
 * conv_silu_avx2.c - the causal conv + SiLU, 8 channels per vector. The
 * transposed weights make each tap of 8 channels one load; SiLU uses a
 * polynomial exp accurate to about 2 ulp.
 */
#include <immintrin.h>
#include <math.h>
#include "kernels/kernels.h"
#include "exp_avx2.h"

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
            _mm256_storeu_ps(out + c, jm_silu8(acc));
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
