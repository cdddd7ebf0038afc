/*
 * ssd_gemm_avx2.c - the chunked scan's matrix product: tiles of 6 rows x
 * 16 columns, 12 accumulators (with the 2 rows of b and a broadcast, 15 of
 * the 16 registers), so each k step is 2 row loads of b, 6 broadcasts of a
 * and 12 fmas. Column tails use masked loads and stores.
 */
#include <immintrin.h>
#include "kernels/kernels.h"
#include "kernels/ssd_gemm_tiles.h"

enum { MR = 6, NV = 2, NR = 8 * NV };

static inline __attribute__((always_inline)) void tile(const jm_ssd_tile *t, const int R) {
    float *const c = t->c;
    const float *const a = t->a, *const b = t->b, *const rs = t->rs;
    const int64_t ldc = t->ldc, lda = t->lda, ldb = t->ldb, kend = t->kend;
    const float beta = t->beta;
    const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
    __m256i mk[NV];
    for (int v = 0; v < NV; v++) {
        const int64_t left = t->cols - 8 * v;
        mk[v] = _mm256_cmpgt_epi32(_mm256_set1_epi32(left >= 8 ? 8 : left > 0 ? (int)left : 0), lane);
    }
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

/* Inlined into the walk, as the tile is into it: compiled as a function of
   its own, gcc kept the accumulators in memory (84 against 186 GFLOP/s). */
static inline __attribute__((always_inline)) void tile_rows(const jm_ssd_tile *t, int r) {
    switch (r) {
    case 6: tile(t, 6); break;  case 5: tile(t, 5); break;  case 4: tile(t, 4); break;
    case 3: tile(t, 3); break;  case 2: tile(t, 2); break;  default: tile(t, 1); break;
    }
}

void jm_ssd_gemm_avx2(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                      const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal) {
    jm_ssd_gemm_tiles(c, ldc, beta, row_scale, a, lda, b, ldb, m, n, k, causal, MR, NR, tile_rows);
}
