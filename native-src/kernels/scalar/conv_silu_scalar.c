/*
 * conv_silu_scalar.c - causal depthwise convolution over the token axis
 * with a rolling state of the last d_conv-1 inputs, then SiLU. Tap k = 0
 * multiplies the oldest input, k = d_conv-1 the current one. The scalar
 * twin of the SIMD versions, and the pieces they share.
 */
#include <math.h>
#include "kernels/kernels.h"

float jm_conv_silu_one(const jm_conv_args *a, const float *const *rows, int64_t c) {
    float acc = a->bias[c];
    for (int32_t k = 0; k < a->d_conv; k++) acc += a->w_t[k * a->channels + c] * rows[k][c];
    return acc / (1.0f + expf(-acc));
}

void jm_conv_roll_state(const jm_conv_args *a, int64_t c0, int64_t c1) {
    /* rows move up, so copy in order */
    for (int64_t j = 0; j < a->d_conv - 1; j++) {
        const float *src = jm_conv_row(a, a->n_tokens + j);
        float *dst = a->state + j * a->channels;
        for (int64_t c = c0; c < c1; c++) dst[c] = src[c];
    }
}

void jm_conv_silu_scalar(const jm_conv_args *a, int64_t c0, int64_t c1) {
    for (int64_t t = 0; t < a->n_tokens; t++) {
        const float *rows[JM_MAX_CONV];
        jm_conv_rows(a, t, rows);
        float *out = a->y + t * a->channels;
        for (int64_t c = c0; c < c1; c++) out[c] = jm_conv_silu_one(a, rows, c);
    }
    jm_conv_roll_state(a, c0, c1);
}
