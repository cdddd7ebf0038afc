/* gate.c - the output gate of a Mamba-2 mixer: y * silu(z), then a per-group RMSNorm. */
#include <math.h>
#include "ops.h"

static inline float silu(float v) { return v / (1.0f + expf(-v)); }

float jm_softplus(float x) { return x > 20.0f ? x : log1pf(expf(x)); }

void jm_gated_group_norm(float *y, const float *z, const float *w, int64_t d_inner,
                         int32_t n_group, float eps) {
    for (int64_t i = 0; i < d_inner; i++) y[i] *= silu(z[i]);
    const int64_t gs = d_inner / n_group;
    for (int32_t g = 0; g < n_group; g++)
        jm_rmsnorm(y + g * gs, w + g * gs, y + g * gs, gs, eps);
}
