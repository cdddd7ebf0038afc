/*
 * norm.c - RMSNorm, rounded the way ggml's rms_norm + mul round it: each
 * square in float, summed in double (long rows lose nothing), then mean,
 * sqrt and reciprocal in float. Matching those roundings keeps a weight row
 * whose activation sits on a Q8 rounding boundary on the same side as in
 * llama.cpp, which is what keeps our logits on top of its.
 */
#include <math.h>
#include "ops.h"

void jm_rmsnorm(const float *x, const float *w, float *y, int64_t n, float eps) {
    double ss = 0.0;
    for (int64_t i = 0; i < n; i++) ss += (double)(x[i] * x[i]);
    const float mean = (float)(ss / (double)n);
    const float scale = 1.0f / sqrtf(mean + eps);
    if (w) {
        for (int64_t i = 0; i < n; i++) y[i] = x[i] * scale * w[i];
    } else {
        for (int64_t i = 0; i < n; i++) y[i] = x[i] * scale;
    }
}
