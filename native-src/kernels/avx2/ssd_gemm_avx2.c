/*
 * ssd_gemm_avx2.c - the chunked scan's matrix product: tiles of 6 rows x
 * 16 columns, 12 accumulators (with the 2 rows of b and a broadcast, 15 of
 * the 16 registers), so each k step is 2 row loads of b, 6 broadcasts of a
 * and 12 fmas. Column tails use masked loads and stores.
 */
#include <immintrin.h>
#include "kernels/kernels.h"

enum { MR = 6, NV = 2, NR = 8 * NV };

static inline __attribute__((always_inline))
void tile(float *c, int64_t ldc, float beta, const float *rs, const float *a, int64_t lda, const float *b, int64_t ldb,
          int64_t kend, const int R, const __m256i mk[NV]) {
    __m256 acc[MR][NV];
    const __m256 vbeta = _mm256_set1_ps(beta);
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++)
            acc[r][v] = beta != 0.0f ? _mm256_mul_ps(vbeta, _mm256_maskload_ps(c + r * ldc + 8 * v, mk[v]))
                                     : _mm256_setzero_ps();
    for (int64_t kk = 0; kk < kend; kk++) {
        const float *bk = b + kk * ldb;
        __m256 bv[NV];
        for (int v = 0; v < NV; v++) bv[v] = _mm256_maskload_ps(bk + 8 * v, mk[v]);
        for (int r = 0; r < R; r++) {
            const __m256 av = _mm256_broadcast_ss(a + r * lda + kk);
            for (int v = 0; v < NV; v++) acc[r][v] = _mm256_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
    if (rs)
        for (int r = 0; r < R; r++)
            for (int v = 0; v < NV; v++) acc[r][v] = _mm256_mul_ps(acc[r][v], _mm256_set1_ps(rs[r]));
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++) _mm256_maskstore_ps(c + r * ldc + 8 * v, mk[v], acc[r][v]);
}

void jm_ssd_gemm_avx2(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                      const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal) {
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    for (int64_t j0 = 0; j0 < n; j0 += NR) {
        __m256i mk[NV];
        for (int v = 0; v < NV; v++) {
            const int64_t left = n - j0 - 8 * v;
            const int lim = left >= 8 ? 8 : left > 0 ? (int)left : 0;
            mk[v] = _mm256_cmpgt_epi32(_mm256_set1_epi32(lim), lane);
        }
        for (int64_t i0 = 0; i0 < m; i0 += MR) {
            const int64_t rows = m - i0 < MR ? m - i0 : MR;
            /* causal: a's rows i0 .. i0 + rows - 1 are zero from column i0 + rows on */
            const int64_t kend = causal && i0 + rows < k ? i0 + rows : k;
            float *ct = c + i0 * ldc + j0;
            const float *at = a + i0 * lda;
            const float *bt = b + j0;
            const float *rs = row_scale ? row_scale + i0 : NULL;
            switch (rows) {
            case 6: tile(ct, ldc, beta, rs, at, lda, bt, ldb, kend, 6, mk); break;
            case 5: tile(ct, ldc, beta, rs, at, lda, bt, ldb, kend, 5, mk); break;
            case 4: tile(ct, ldc, beta, rs, at, lda, bt, ldb, kend, 4, mk); break;
            case 3: tile(ct, ldc, beta, rs, at, lda, bt, ldb, kend, 3, mk); break;
            case 2: tile(ct, ldc, beta, rs, at, lda, bt, ldb, kend, 2, mk); break;
            default: tile(ct, ldc, beta, rs, at, lda, bt, ldb, kend, 1, mk); break;
            }
        }
    }
}
