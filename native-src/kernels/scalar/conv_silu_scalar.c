/*
 * conv_silu_scalar.c - causal depthwise convolution over the token axis
 * with a rolling state of the last d_conv-1 inputs, then SiLU. Tap k = 0
 * multiplies the oldest input, k = d_conv-1 the current one. The scalar
 * twin of the SIMD versions.
 */
#include <math.h>
#include "kernels/kernels.h"

/* Row i of the sequence state ++ inputs. */
static inline const float *seq_row(const jm_conv_args *a, int64_t i) {
    const int64_t h = a->d_conv - 1;
    return i < h ? a->state + i * a->channels : a->x + (i - h) * a->x_stride;
}

void jm_conv_silu_scalar(const jm_conv_args *a, int64_t c0, int64_t c1) {
    const int32_t K = a->d_conv;
    for (int64_t t = 0; t < a->n_tokens; t++) {
        float *out = a->y + t * a->channels;
        for (int64_t c = c0; c < c1; c++) {
            float acc = a->bias[c];
            for (int32_t k = 0; k < K; k++) acc += a->w_t[k * a->channels + c] * seq_row(a, t + k)[c];
            out[c] = acc / (1.0f + expf(-acc));
        }
    }
    /* the new state is the last d_conv-1 rows of the sequence; rows move up, so copy in order */
    const int64_t h = K - 1, n = a->n_tokens;
    for (int64_t j = 0; j < h; j++) {
        const float *src = seq_row(a, n + j);
        float *dst = a->state + j * a->channels;
        for (int64_t c = c0; c < c1; c++) dst[c] = src[c];
    }
}
