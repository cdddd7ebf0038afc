/*
 * ssd_gemm_avx512.c - the chunked scan's matrix product: tiles of 8 rows x
 * 32 columns, 16 accumulators, so each k step is 2 row loads of b, 8
 * broadcasts of a and 16 fmas. Eight rows per tile, not four: b is read
 * once per tile, and at 8 rows its stream (often from L2: the head's state
 * is 32 KiB) is half as much per fma (187 against 146 GFLOP/s on one core
 * at 64 x 64 x 128). Column tails use masked loads and stores.
 */
#include <immintrin.h>
#include "kernels/kernels.h"

enum { MR = 8, NV = 2, NR = 16 * NV };

static inline __attribute__((always_inline))
void tile(float *c, int64_t ldc, float beta, const float *rs, const float *a, int64_t lda, const float *b, int64_t ldb,
          int64_t kend, const int R, const __mmask16 mk[NV]) {
    __m512 acc[MR][NV];
    const __m512 vbeta = _mm512_set1_ps(beta);
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++)
            acc[r][v] = beta != 0.0f ? _mm512_mul_ps(vbeta, _mm512_maskz_loadu_ps(mk[v], c + r * ldc + 16 * v))
                                     : _mm512_setzero_ps();
    for (int64_t kk = 0; kk < kend; kk++) {
        const float *bk = b + kk * ldb;
        __m512 bv[NV];
        for (int v = 0; v < NV; v++) bv[v] = _mm512_maskz_loadu_ps(mk[v], bk + 16 * v);
        for (int r = 0; r < R; r++) {
            const __m512 av = _mm512_set1_ps(a[r * lda + kk]);
            for (int v = 0; v < NV; v++) acc[r][v] = _mm512_fmadd_ps(av, bv[v], acc[r][v]);
        }
    }
    if (rs)
        for (int r = 0; r < R; r++)
            for (int v = 0; v < NV; v++) acc[r][v] = _mm512_mul_ps(acc[r][v], _mm512_set1_ps(rs[r]));
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++) _mm512_mask_storeu_ps(c + r * ldc + 16 * v, mk[v], acc[r][v]);
}

void jm_ssd_gemm_avx512(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                        const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal) {
    for (int64_t j0 = 0; j0 < n; j0 += NR) {
        __mmask16 mk[NV];
        for (int v = 0; v < NV; v++) {
            const int64_t left = n - j0 - 16 * v;
            mk[v] = left >= 16 ? (__mmask16)0xFFFF : left > 0 ? (__mmask16)((1u << left) - 1) : 0;
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
            case 8: tile(ct, ldc, beta, rs, at, lda, bt, ldb, kend, 8, mk); break;
            case 7: tile(ct, ldc, beta, rs, at, lda, bt, ldb, kend, 7, mk); break;
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
