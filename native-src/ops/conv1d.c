/*
 * conv1d.c - causal depthwise convolution over the token axis with a
 * rolling state of the last d_conv-1 inputs, then SiLU. Weight k = 0
 * multiplies the oldest input, k = d_conv-1 the current one.
 */
#include <math.h>
#include <string.h>
#include "ops.h"

#define JM_MAX_CONV 16

static inline float silu(float v) { return v / (1.0f + expf(-v)); }

/* The i-th element of the sequence state ++ inputs for one channel. */
static inline float seq_at(const jm_conv_args *a, int64_t i, int64_t c) {
    const int64_t h = a->d_conv - 1;
    return i < h ? a->state[i * a->channels + c] : a->x[(i - h) * a->x_stride + c];
}

static void roll_state(const jm_conv_args *a, int64_t c0, int64_t c1) {
    const int64_t h = a->d_conv - 1, n = a->n_tokens;
    float keep[JM_MAX_CONV];
    for (int64_t c = c0; c < c1; c++) {
        for (int64_t j = 0; j < h; j++) keep[j] = seq_at(a, n + j, c);
        for (int64_t j = 0; j < h; j++) a->state[j * a->channels + c] = keep[j];
    }
}

void jm_conv1d_silu_range(const jm_conv_args *a, int64_t c0, int64_t c1) {
    const int32_t K = a->d_conv;
    for (int64_t t = 0; t < a->n_tokens; t++) {
        float *out = a->y + t * a->channels;
        for (int64_t c = c0; c < c1; c++) {
            const float *w = a->w + c * K;
            float acc = a->bias[c];
            for (int32_t k = 0; k < K; k++) acc += w[k] * seq_at(a, t + k, c);
            out[c] = silu(acc);
        }
    }
    roll_state(a, c0, c1);
}
