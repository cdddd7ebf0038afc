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
    /* four partial sums break the add chain; being doubles, their order
       moves the float mean only where it lies within ~2^-40 of a rounding
       boundary of the float */
    double s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0;
    int64_t i = 0;
    for (; i + 4 <= n; i += 4) {
        s0 += (double)(x[i] * x[i]);
        s1 += (double)(x[i + 1] * x[i + 1]);
        s2 += (double)(x[i + 2] * x[i + 2]);
        s3 += (double)(x[i + 3] * x[i + 3]);
    }
    for (; i < n; i++) s0 += (double)(x[i] * x[i]);
    const float mean = (float)(((s0 + s1) + (s2 + s3)) / (double)n);
    const float scale = 1.0f / sqrtf(mean + eps);
    if (w) {
        for (i = 0; i < n; i++) y[i] = x[i] * scale * w[i];
    } else {
        for (i = 0; i < n; i++) y[i] = x[i] * scale;
    }
}
