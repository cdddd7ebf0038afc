/* silu_mul_avx2.c - the gate y *= silu(z), 8 lanes at a time. */
#include <math.h>
#include "kernels/kernels.h"
#include "exp_avx2.h"

void jm_silu_mul_avx2(float *y, const float *z, int64_t n) {
    int64_t i = 0;
    for (; i + 8 <= n; i += 8)
        _mm256_storeu_ps(y + i, _mm256_mul_ps(_mm256_loadu_ps(y + i), jm_silu8(_mm256_loadu_ps(z + i))));
    for (; i < n; i++) y[i] *= z[i] / (1.0f + expf(-z[i]));
}
