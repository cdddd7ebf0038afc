/* gate.c - the output gate of a Mamba-2 mixer: y * silu(z), then a per-group RMSNorm. */
#include <math.h>
#include "ops.h"

float jm_softplus(float x) { return x > 20.0f ? x : log1pf(expf(x)); }

void jm_gated_group_norm(const jm_kernels *k, float *y, const float *z, const float *w, int64_t n, float eps) {
    k->silu_mul(y, z, n);
    jm_rmsnorm(y, w, y, n, eps);
}
