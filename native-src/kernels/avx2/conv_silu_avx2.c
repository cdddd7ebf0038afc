/*
 * conv_silu_avx2.c - the causal conv + SiLU, 8 channels per vector. The
 * transposed weights make each tap of 8 channels one load; SiLU uses a
 * polynomial exp accurate to about 2 ulp.
 */
#include <immintrin.h>
#include "kernels/kernels.h"
#include "exp_avx2.h"

void jm_conv_silu_avx2(const jm_conv_args *a, int64_t c0, int64_t c1) {
    const int64_t C = a->channels;
    for (int64_t t = 0; t < a->n_tokens; t++) {
        const float *rows[JM_MAX_CONV];
        jm_conv_rows(a, t, rows);
        float *out = a->y + t * C;
        int64_t c = c0;
        for (; c + 8 <= c1; c += 8) {
            __m256 acc = _mm256_loadu_ps(a->bias + c);
            for (int32_t k = 0; k < a->d_conv; k++)
                acc = _mm256_fmadd_ps(_mm256_loadu_ps(a->w_t + k * C + c), _mm256_loadu_ps(rows[k] + c), acc);
            _mm256_storeu_ps(out + c, jm_silu8(acc));
        }
        for (; c < c1; c++) out[c] = jm_conv_silu_one(a, rows, c);
    }
    jm_conv_roll_state(a, c0, c1);
}
