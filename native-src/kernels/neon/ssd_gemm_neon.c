/*
 * ssd_gemm_neon.c - the chunked scan's matrix product: tiles of 6 rows x
 * 16 columns, 24 accumulators (with 4 rows of b and a broadcast, 29 of the
 * 32 registers), so each k step is 4 row loads of b, 6 broadcasts of a and
 * 24 fmla. fmla is fused, as the scalar twin's fmaf. NEON has no masked
 * loads: columns past the last whole 16 go to the scalar twin, which gives
 * the same bits.
 */
#include <arm_neon.h>
#include "kernels/kernels.h"
#include "kernels/ssd_gemm_tiles.h"

enum { MR = 6, NV = 4, NR = 4 * NV };

static inline __attribute__((always_inline)) void tile(const jm_ssd_tile *t, const int R) {
    float *const c = t->c;
    const float *const a = t->a, *const b = t->b, *const rs = t->rs;
    const int64_t ldc = t->ldc, lda = t->lda, ldb = t->ldb, kend = t->kend;
    const float beta = t->beta;
    float32x4_t acc[MR][NV];
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++)
            acc[r][v] = beta != 0.0f ? vmulq_n_f32(vld1q_f32(c + r * ldc + 4 * v), beta) : vdupq_n_f32(0.0f);
    for (int64_t kk = 0; kk < kend; kk++) {
        const float *bk = b + kk * ldb;
        float32x4_t bv[NV];
        for (int v = 0; v < NV; v++) bv[v] = vld1q_f32(bk + 4 * v);
        for (int r = 0; r < R; r++) {
            const float32x4_t av = vld1q_dup_f32(a + r * lda + kk);
            for (int v = 0; v < NV; v++) acc[r][v] = vfmaq_f32(acc[r][v], av, bv[v]);
        }
    }
    if (rs)
        for (int r = 0; r < R; r++)
            for (int v = 0; v < NV; v++) acc[r][v] = vmulq_n_f32(acc[r][v], rs[r]);
    for (int r = 0; r < R; r++)
        for (int v = 0; v < NV; v++) vst1q_f32(c + r * ldc + 4 * v, acc[r][v]);
}

/* Inlined into the walk, as the tile is into it: compiled as a function of
   its own, gcc kept the accumulators in memory (84 against 186 GFLOP/s). */
static inline __attribute__((always_inline)) void tile_rows(const jm_ssd_tile *t, int r) {
    switch (r) {
    case 6: tile(t, 6); break;  case 5: tile(t, 5); break;  case 4: tile(t, 4); break;
    case 3: tile(t, 3); break;  case 2: tile(t, 2); break;  default: tile(t, 1); break;
    }
}

void jm_ssd_gemm_neon(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                      const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal) {
    const int64_t nf = n - n % NR;
    jm_ssd_gemm_tiles(c, ldc, beta, row_scale, a, lda, b, ldb, m, nf, k, causal, MR, NR, tile_rows);
    if (nf < n) jm_ssd_gemm_scalar(c + nf, ldc, beta, row_scale, a, lda, b + nf, ldb, m, n - nf, k, causal);
}
