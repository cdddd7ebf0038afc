/*
 * gemm_kquant_amx.c - Q4_K and Q5_K weights x Q8_K activations on AMX
 * tiles, for batches of 16 or more columns and weights repacked at load
 * (gemm_pack.c).
 * Everything else (decode, the file's layout, the last n_cols % 16
 * columns) goes to the AVX-512 VNNI kernel (gemm_kquant_avx512.c), which
 * computes the same bits.
 *
 * A packed 16-row group is built once per call into super-blocks with
 * rows across lanes (kquant_rows_avx512.h): step k holds each row's quants
 * 4k..4k+3, which is AMX's B layout, so a sub-block (32 quants for Q4_K
 * and Q5_K) is a B tile as it lies in memory. One
 * tdpbssd multiplies 16 tokens' activations of that sub-block (the Q8_K
 * quants in place, the columns' stride apart) by it: the exact int32 sums
 * s_j of 16 tokens x 16 rows. The quants are unsigned and below 128, so the
 * signed product is theirs. Per token the floats are then those of the
 * VNNI kernels' kr_cols, in the same order:
 *     t = float(s_0) * sc_0, t = fma(float(s_j), sc_j, t) for j = 1..7
 *     t = fnmadd(mn_j, bsum_j, t) for j = 0..7
 *     acc = fma(t, d_y, acc)
 * so every (row, column) has the same bits in either kernel.
 *
 * The types with sub-blocks of 16 (Q2_K, Q3_K, Q6_K) stay on VNNI: there a
 * multiply is half a tile deep and the floats per product double, and the
 * same scheme measured slower than the VNNI kernel (Q6_K 8512 x 2048 x 256,
 * one thread: about 320 against 400 GOP/s; Q4_K about 500 against 380).
 */
#include <stdlib.h>
#include "amx_tiles.h"
#include "../avx512/kquant_rows_avx512.h"

typedef void (*kr_build_fn)(kr_sb *o, const jm_gemm16_rows *g, int64_t b);

/* Sub-block j's dots of the 16 tokens at y (their super-block's quants)
   through tiles TC, TA, TB into DOTS. */
#define KA_DOTS(j, TC, TA, TB, DOTS) \
    AMX_DOTS(TC, TA, TB, y + (j) * kb, ys, (const uint8_t *)w->w + (j) * kb * 16, DOTS)

/* Sub-block j's dots into t[m] for the 16 tokens. */
static inline __attribute__((always_inline)) void ka_scale(__m512 t[AMX_TOKENS], const int32_t *dots, const kr_sb *w,
                                                           int j) {
    for (int m = 0; m < AMX_TOKENS; m++) {
        const __m512 f = _mm512_cvtepi32_ps(_mm512_load_si512(dots + AMX_LANES * m));
        t[m] = j == 0 ? _mm512_mul_ps(f, w->sc[0]) : _mm512_fmadd_ps(f, w->sc[j], t[m]);
    }
}

static inline __attribute__((always_inline)) void ka_gemm(const jm_gemm_args *a, int64_t r0, int64_t r1,
                                                          kr_build_fn build, int64_t bx, jm_gemm_fn vnni) {
    enum { subblocks = 8, kb = QK_K / subblocks }; /* sub-blocks, and bytes of one */
    const int64_t nb = a->n / QK_K, full = a->n_cols / AMX_TOKENS * AMX_TOKENS, ys = a->act_stride;
    kr_sb *wb = jm_gemm_packed_group(a, r0, AMX_LANES, nb, JM_GEMM_KPACKED_BYTES(bx)) && full > 0
                    ? jm_aligned_alloc(64, (size_t)nb * sizeof(kr_sb))
                    : NULL;
    kr_col *pc = wb ? malloc((size_t)(full * nb) * sizeof(kr_col)) : NULL;
    if (!pc) {
        jm_aligned_free(wb);
        vnni(a, r0, r1);
        return;
    }
    for (int64_t c = 0; c < full; c++)
        for (int64_t i = 0; i < nb; i++)
            kr_prep_col(&pc[c * nb + i], (const block_q8_K *)((const char *)a->act + c * ys) + i, subblocks, 1, 0);
    _Alignas(64) int32_t dots[4][AMX_TOKENS * AMX_LANES];
    amx_configure(kb);
    for (int64_t r = r0; r < r1; r += AMX_LANES) {
        const int nrows = (int)(r1 - r < AMX_LANES ? r1 - r : AMX_LANES);
        jm_gemm16_rows g;
        kr_rows(&g, a, r, nrows, bx);
        for (int64_t i = 0; i < nb; i++) build(wb + i, &g, i);
        for (int64_t c = 0; c < full; c += AMX_TOKENS) {
            __m512 acc[AMX_TOKENS];
            for (int m = 0; m < AMX_TOKENS; m++) acc[m] = _mm512_setzero_ps();
            for (int64_t i = 0; i < nb; i++) {
                const kr_sb *w = wb + i;
                const kr_col *p = pc + c * nb + i;
                const uint8_t *y = (const uint8_t *)((const block_q8_K *)((const char *)a->act + c * ys) + i)->qs;
                __m512 t[AMX_TOKENS] = { 0 }; /* set by sub-block 0 */
                /* two sub-blocks ahead: the dots of a tile store can only
                   be loaded once the store has left the core */
                KA_DOTS(0, T_C0, T_A0, T_B0, dots[0]);
                KA_DOTS(1, T_C1, T_A1, T_B1, dots[1]);
                for (int j = 0; j < subblocks; j += 2) {
                    if (j + 2 < subblocks) KA_DOTS(j + 2, T_C0, T_A0, T_B0, dots[(j + 2) & 3]);
                    ka_scale(t, dots[j & 3], w, j);
                    if (j + 3 < subblocks) KA_DOTS(j + 3, T_C1, T_A1, T_B1, dots[(j + 3) & 3]);
                    ka_scale(t, dots[(j + 1) & 3], w, j + 1);
                }
                for (int m = 0; m < AMX_TOKENS; m++) {
                    for (int j = 0; j < subblocks; j++) t[m] = _mm512_fnmadd_ps(w->mn[j], _mm512_set1_ps(p[m * nb].bs[j]), t[m]);
                    acc[m] = _mm512_fmadd_ps(t[m], _mm512_set1_ps(p[m * nb].d), acc[m]);
                }
            }
            amx_store(a, r, nrows, c, acc);
        }
    }
    _tile_release();
    free(pc);
    jm_aligned_free(wb);
    amx_rest(a, r0, r1, full, vnni);
}

void jm_gemm_q4_K_amx(const jm_gemm_args *a, int64_t r0, int64_t r1) {
    ka_gemm(a, r0, r1, kr_build_q4_K, sizeof(block_q4_K), jm_gemm_q4_K_avx512vnni);
}
void jm_gemm_q5_K_amx(const jm_gemm_args *a, int64_t r0, int64_t r1) {
    ka_gemm(a, r0, r1, kr_build_q5_K, sizeof(block_q5_K), jm_gemm_q5_K_avx512vnni);
}
