/*
 * conv_silu_neon.c - the causal conv + SiLU, 4 channels per vector. The
 * transposed weights make each tap of 4 channels one load; SiLU uses the
 * same polynomial exp as the x86 kernels.
 */
#include <math.h>
#include "kernels/kernels.h"
#include "exp_neon.h"

static inline const float *seq_row(const jm_conv_args *a, int64_t i) {
    const int64_t h = a->d_conv - 1;
    return i < h ? a->state + i * a->channels : a->x + (i - h) * a->x_stride;
}

void jm_conv_silu_neon(const jm_conv_args *a, int64_t c0, int64_t c1) {
    const int32_t K = a->d_conv;
    const int64_t C = a->channels, h = K - 1;
    for (int64_t t = 0; t < a->n_tokens; t++) {
        const float *rows[JM_MAX_CONV];
        for (int32_t k = 0; k < K; k++) rows[k] = seq_row(a, t + k);
        float *out = a->y + t * C;
        int64_t c = c0;
        for (; c + 4 <= c1; c += 4) {
            float32x4_t acc = vld1q_f32(a->bias + c);
            for (int32_t k = 0; k < K; k++) acc = vfmaq_f32(acc, vld1q_f32(a->w_t + k * C + c), vld1q_f32(rows[k] + c));
            vst1q_f32(out + c, jm_silu4(acc));
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
