/*
 * conv_silu_avx512.c - the causal conv + SiLU, 16 channels per vector,
 * tails under a mask. exp by range reduction, a polynomial and scalef.
 */
#include <immintrin.h>
#include "kernels/kernels.h"
#include "exp_avx512.h"

static inline __m512 conv16(const jm_conv_args *a, const float **rows, int64_t c, __mmask16 m) {
    const int64_t C = a->channels;
    __m512 acc = _mm512_maskz_loadu_ps(m, a->bias + c);
    for (int32_t k = 0; k < a->d_conv; k++)
        acc = _mm512_fmadd_ps(_mm512_maskz_loadu_ps(m, a->w_t + k * C + c), _mm512_maskz_loadu_ps(m, rows[k] + c), acc);
    return jm_silu16(acc);
}

void jm_conv_silu_avx512(const jm_conv_args *a, int64_t c0, int64_t c1) {
    const int64_t C = a->channels;
    for (int64_t t = 0; t < a->n_tokens; t++) {
        const float *rows[JM_MAX_CONV];
        jm_conv_rows(a, t, rows);
        float *out = a->y + t * C;
        int64_t c = c0;
        for (; c + 16 <= c1; c += 16) _mm512_storeu_ps(out + c, conv16(a, rows, c, 0xFFFF));
        if (c < c1) {
            const __mmask16 m = (__mmask16)((1u << (c1 - c)) - 1);
            _mm512_mask_storeu_ps(out + c, m, conv16(a, rows, c, m));
        }
    }
    jm_conv_roll_state(a, c0, c1);
}
