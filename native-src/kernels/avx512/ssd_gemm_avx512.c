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
#include "kernels/ssd_gemm_tiles.h"

enum { MR = 8, NV = 2, NR = 16 * NV };

static inline __attribute__((always_inline)) void tile(const jm_ssd_tile *t, const int R) {
    float *const c = t->c;
    const float *const a = t->a, *const b = t->b, *const rs = t->rs;
    const int64_t ldc = t->ldc, lda = t->lda, ldb = t->ldb, kend = t->kend;
    const float beta = t->beta;
    __mmask16 mk[NV];
    for (int v = 0; v < NV; v++) {
        const int64_t left = t->cols - 16 * v;
        mk[v] = left >= 16 ? (__mmask16)0xFFFF : left > 0 ? (__mmask16)((1u << left) - 1) : 0;
    }
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

/* Inlined into the walk, as the tile is into it: compiled as a function of
   its own, gcc kept the accumulators in memory (84 against 186 GFLOP/s). */
static inline __attribute__((always_inline)) void tile_rows(const jm_ssd_tile *t, int r) {
    switch (r) {
    case 8: tile(t, 8); break;  case 7: tile(t, 7); break;  case 6: tile(t, 6); break;  case 5: tile(t, 5); break;
    case 4: tile(t, 4); break;  case 3: tile(t, 3); break;  case 2: tile(t, 2); break;  default: tile(t, 1); break;
    }
}

void jm_ssd_gemm_avx512(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                        const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal) {
    jm_ssd_gemm_tiles(c, ldc, beta, row_scale, a, lda, b, ldb, m, n, k, causal, MR, NR, tile_rows);
}
