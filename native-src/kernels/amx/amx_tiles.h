/*
 * amx_tiles.h - the tile registers and configuration the AMX gemm kernels
 * share: two each of C (16 x 16 int32), A (16 activation columns x kb
 * bytes) and B (kb / 4 rows of 16 weight rows x 4 bytes), so that even and
 * odd steps alternate and one step's multiply runs while the previous
 * one's dots are scaled.
 */
#ifndef JM_AMX_TILES_H
#define JM_AMX_TILES_H

#include <immintrin.h>
#include <stdint.h>
#include <string.h>
#include "../kernels.h"

/* tile registers (literals: the intrinsics paste them into the asm) */
#define T_C0 0
#define T_C1 1
#define T_A0 2
#define T_A1 3
#define T_B0 4
#define T_B1 5

enum { AMX_LANES = 16, AMX_TOKENS = 16 };

/* The tile configuration, palette 1 (Intel SDM, LDTILECFG). */
typedef struct {
    uint8_t palette, start_row, reserved[14];
    uint16_t colsb[16];
    uint8_t rows[16];
} amx_config;

/* Loads the configuration for kb bytes (4 .. 64, a multiple of 4) of
   activations per multiply on this thread; _tile_release() ends it. */
static inline void amx_configure(int kb) {
    amx_config c;
    memset(&c, 0, sizeof c);
    c.palette = 1;
    for (int t = T_C0; t <= T_C1; t++) c.rows[t] = AMX_TOKENS, c.colsb[t] = AMX_LANES * 4;
    for (int t = T_A0; t <= T_A1; t++) c.rows[t] = AMX_TOKENS, c.colsb[t] = (uint16_t)kb;
    for (int t = T_B0; t <= T_B1; t++) c.rows[t] = (uint8_t)(kb / 4), c.colsb[t] = AMX_LANES * 4;
    _tile_loadconfig(&c);
}

/* One multiply through tiles TC, TA, TB: A (16 tokens) from a, its rows
   a_stride bytes apart, B from b (64-byte rows), and the 16 x 16 int32
   dots stored to dots (token m's 16 rows at dots + 16 m). */
#define AMX_DOTS(TC, TA, TB, a, a_stride, b, dots) \
    do {                                           \
        _tile_zero(TC);                            \
        _tile_loadd(TA, (a), (a_stride));          \
        _tile_loadd(TB, (b), 64);                  \
        _tile_dpbssd(TC, TA, TB);                  \
        _tile_stored(TC, (dots), AMX_LANES * 4);   \
    } while (0)

/* The 16 tokens' accumulators (lane = weight row) to y: columns c.., rows
   r .. r + nrows - 1. */
static inline void amx_store(const jm_gemm_args *a, int64_t r, int nrows, int64_t c, const __m512 acc[AMX_TOKENS]) {
    const __mmask16 mask = (__mmask16)((1u << nrows) - 1);
    for (int m = 0; m < AMX_TOKENS; m++) _mm512_mask_storeu_ps(a->y + (c + m) * a->y_stride + r, mask, acc[m]);
}

/* The columns from full on, fewer than a tile, to the VNNI kernel. */
static inline void amx_rest(const jm_gemm_args *a, int64_t r0, int64_t r1, int64_t full, jm_gemm_fn vnni) {
    if (full >= a->n_cols) return;
    jm_gemm_args rest = *a;
    rest.act = (const uint8_t *)a->act + full * a->act_stride;
    rest.y = a->y + full * a->y_stride;
    rest.n_cols = a->n_cols - full;
    vnni(&rest, r0, r1);
}

#endif
