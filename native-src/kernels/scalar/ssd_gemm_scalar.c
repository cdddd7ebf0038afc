/* ssd_gemm_scalar.c - the chunked scan's matrix product in plain C: the twin the SIMD versions are tested against. */
#include <math.h>
#include "kernels/kernels.h"

void jm_ssd_gemm_scalar(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                        const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal) {
    for (int64_t i = 0; i < m; i++) {
        float *ci = c + i * ldc;
        for (int64_t j = 0; j < n; j++) ci[j] = beta != 0.0f ? beta * ci[j] : 0.0f;
        const int64_t kend = causal && i + 1 < k ? i + 1 : k;
        /* kk outside, j inside: each c[i][j] still sees its terms in kk order */
        for (int64_t kk = 0; kk < kend; kk++) {
            const float aik = a[i * lda + kk];
            const float *bk = b + kk * ldb;
            for (int64_t j = 0; j < n; j++) ci[j] = jm_fmaf(aik, bk[j], ci[j]);
        }
        if (row_scale)
            for (int64_t j = 0; j < n; j++) ci[j] *= row_scale[i];
    }
}
