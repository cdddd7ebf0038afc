/*
 * ssd_gemm_tiles.h - the walk every SIMD ssd_gemm kernel shares: tiles of
 * mr rows x nr columns over c, the causal limit on k for each, and where
 * each tile starts. An instruction set supplies the tile itself, compiled
 * once per row count so that its accumulators stay in registers (the tail
 * tile of fewer rows included).
 */
#ifndef JM_SSD_GEMM_TILES_H
#define JM_SSD_GEMM_TILES_H

#include <stdint.h>
#include <stddef.h>

typedef struct jm_ssd_tile {
    float       *c;     /* the tile's first element of c                        */
    const float *a;     /* its first row of a                                   */
    const float *b;     /* its first column of b                                */
    const float *rs;    /* its first row scale, or NULL                         */
    int64_t      ldc, lda, ldb;
    int64_t      kend;  /* the terms kk < kend                                  */
    int64_t      cols;  /* columns in the tile: nr, or fewer at the right edge  */
    float        beta;
} jm_ssd_tile;

/* Calls rows(t, r) for every tile t of c, r its row count (at most mr). */
static inline __attribute__((always_inline))
void jm_ssd_gemm_tiles(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                       const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal,
                       int64_t mr, int64_t nr, void (*rows)(const jm_ssd_tile *t, int r)) {
    for (int64_t j0 = 0; j0 < n; j0 += nr)
        for (int64_t i0 = 0; i0 < m; i0 += mr) {
            const int64_t r = m - i0 < mr ? m - i0 : mr;
            const jm_ssd_tile t = {
                .c = c + i0 * ldc + j0, .a = a + i0 * lda, .b = b + j0,
                .rs = row_scale ? row_scale + i0 : NULL, .ldc = ldc, .lda = lda, .ldb = ldb,
                /* causal: a's rows i0 .. i0 + r - 1 are zero from column i0 + r on */
                .kend = causal && i0 + r < k ? i0 + r : k,
                .cols = n - j0 < nr ? n - j0 : nr, .beta = beta,
            };
            rows(&t, (int)r);
        }
}

#endif
