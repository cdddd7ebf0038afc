/* silu_mul_scalar.c - the gate y *= silu(z) in plain C: the twin of the SIMD versions. */
#include <math.h>
#include "kernels/kernels.h"

void jm_silu_mul_scalar(float *y, const float *z, int64_t n) {
    for (int64_t i = 0; i < n; i++) y[i] *= z[i] / (1.0f + expf(-z[i]));
}
