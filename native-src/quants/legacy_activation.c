/*
 * legacy_activation.c - how matmul inputs become Q8_0 / Q8_1 blocks.
 *
 * Weights are quantized with ggml's reference rounding (legacy_quantize.c),
 * but llama.cpp's CPU backend quantizes the activations it multiplies them
 * with differently: on x86 it scales by 127/amax and rounds half to even.
 * The two disagree on a value now and then, and one such value is enough to
 * move a model's logits by 1e-2 relative, so to reproduce llama.cpp's
 * numbers the activations follow its x86 rule, on every platform. These are
 * the scalar twins of the SIMD activation quantizers.
 */
#include <math.h>
#include <string.h>
#include "legacy_kernels.h"

/* One block of 32: d = amax/127, q = round-half-even(x * 127/amax). */
static float q8_act_block(const float *x, int8_t *qs, int *sum) {
    float amax = 0.0f;
    for (int j = 0; j < 32; j++) {
        const float a = fabsf(x[j]);
        amax = amax > a ? amax : a;
    }
    const float d = amax / 127;
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    int s = 0;
    for (int j = 0; j < 32; j++) {
        qs[j] = jm_cvtt_i8(nearbyintf(x[j] * id)); /* default rounding mode: half to even */
        s += qs[j];
    }
    if (sum) *sum = s;
    return d;
}

void jm_quantize_row_q8_0_act(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    for (int64_t b = 0; b < n / JM_QK8_0; b++, x += JM_QK8_0) {
        jm_block_q8_0 blk;
        blk.d = jm_f32_to_fp16(q8_act_block(x, blk.qs, NULL));
        memcpy(y + b * sizeof blk, &blk, sizeof blk);
    }
}

void jm_quantize_row_q8_1_act(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    for (int64_t b = 0; b < n / JM_QK8_1; b++, x += JM_QK8_1) {
        jm_block_q8_1 blk;
        int sum;
        const float d = q8_act_block(x, blk.qs, &sum);
        blk.d = jm_f32_to_fp16(d);
        blk.s = jm_f32_to_fp16((float)sum * d);
        memcpy(y + b * sizeof blk, &blk, sizeof blk);
    }
}

jm_from_float_fn jm_legacy_activation_quantizer(int32_t type) {
    if (type == JM_TYPE_Q8_0) return jm_quantize_row_q8_0_act;
    if (type == JM_TYPE_Q8_1) return jm_quantize_row_q8_1_act;
    const jm_type_traits *t = jm_legacy_traits(type);
    return t ? t->from_float_ref : NULL;
}
