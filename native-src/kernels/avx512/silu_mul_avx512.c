/* silu_mul_avx512.c - the gate y *= silu(z), 16 lanes at a time, the tail under a mask. */
#include "kernels/kernels.h"
#include "exp_avx512.h"

void jm_silu_mul_avx512(float *y, const float *z, int64_t n) {
    int64_t i = 0;
    for (; i + 16 <= n; i += 16)
        _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_loadu_ps(y + i), jm_silu16(_mm512_loadu_ps(z + i))));
    if (i < n) {
        const __mmask16 m = (__mmask16)((1u << (n - i)) - 1);
        _mm512_mask_storeu_ps(y + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, y + i), jm_silu16(_mm512_maskz_loadu_ps(m, z + i))));
    }
}
