/* silu_mul_neon.c - the gate y *= silu(z), 4 lanes at a time. */
#include <math.h>
#include "kernels/kernels.h"
#include "exp_neon.h"

void jm_silu_mul_neon(float *y, const float *z, int64_t n) {
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) vst1q_f32(y + i, vmulq_f32(vld1q_f32(y + i), jm_silu4(vld1q_f32(z + i))));
    for (; i < n; i++) y[i] *= z[i] / (1.0f + expf(-z[i]));
}
