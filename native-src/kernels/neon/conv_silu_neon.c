/*
 * conv_silu_neon.c - the causal conv + SiLU, 4 channels per vector. The
 * transposed weights make each tap of 4 channels one load; SiLU uses the
 * same polynomial exp as the x86 kernels.
 */
#include "kernels/kernels.h"
#include "exp_neon.h"

void jm_conv_silu_neon(const jm_conv_args *a, int64_t c0, int64_t c1) {
    const int64_t C = a->channels;
    for (int64_t t = 0; t < a->n_tokens; t++) {
        const float *rows[JM_MAX_CONV];
        jm_conv_rows(a, t, rows);
        float *out = a->y + t * C;
        int64_t c = c0;
        for (; c + 4 <= c1; c += 4) {
            float32x4_t acc = vld1q_f32(a->bias + c);
            for (int32_t k = 0; k < a->d_conv; k++) acc = vfmaq_f32(acc, vld1q_f32(a->w_t + k * C + c), vld1q_f32(rows[k] + c));
            vst1q_f32(out + c, jm_silu4(acc));
        }
        for (; c < c1; c++) out[c] = jm_conv_silu_one(a, rows, c);
    }
    jm_conv_roll_state(a, c0, c1);
}
