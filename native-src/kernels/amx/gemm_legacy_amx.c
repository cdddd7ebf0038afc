/*
 * gemm_legacy_amx.c - Q4_0 and Q8_0 weights x Q8_0 activations on AMX
 * tiles, for batches of 16 or more columns and weights repacked at load
 * (gemm_pack.c). Everything else (decode, the file's layout, the last
 * n_cols % 16 columns) goes to the AVX-512 VNNI kernel, which computes the
 * same bits.
 *
 * One tdpbssd multiplies a 16 x 32 tile of activations (16 tokens, one
 * block: the Q8_0 quants, read in place with the columns' stride) by a
 * 32 x 16 tile of weights (one block of the 16 rows of a packed group,
 * unpacked once per call to signed bytes, 4 quants of a row per dword:
 * the packed layout already is AMX's B layout) into 16 x 16 exact int32
 * dots. They leave the tile through memory, and per token
 *     acc = fma(float(isum), d_w * d_y, acc)
 * adds them lane by lane (lane = weight row), blocks in order: the float
 * sequence of the VNNI kernels (gemm_legacy_avx512.h) on the same
 * integers, so every (row, column) has the same bits in either kernel,
 * and in every tile.
 *
 * Two tiles each of C, A and B alternate between even and odd blocks, and
 * the multiplies run two blocks ahead of the float adds, whose loads
 * would otherwise wait for each tile store to leave the core. The tile
 * configuration is loaded on every call (on whichever pool thread runs it)
 * and released at the end.
 */
#include <stdlib.h>
#include "amx_tiles.h"
#include "../kernels.h"
#include "../../quants/legacy_kernels.h"

enum { LANES = AMX_LANES,  /* weight rows of a group: the C tile's columns */
       TOKENS = AMX_TOKENS, /* activation columns of a tile: its rows       */
       QBYTES = 32,         /* a block's quants                              */
       BTILE = 8 * 64 };    /* one block of a group as the B tile            */

/* A packed group's blocks as signed B tiles: Q4_0 nibbles - 8 (quant dword
   k's low nibbles are quants 4k.., the high ones 16 + 4k..), Q8_0 back
   from w + 128. */
static void unpack_group(int8_t *out, const uint8_t *group, int64_t nb, int nq) {
    const int64_t pb = JM_GEMM_PACKED_BYTES(nq);
    const __m512i m4 = _mm512_set1_epi8(0x0F), eight = _mm512_set1_epi8(8), flip = _mm512_set1_epi8((char)0x80);
    for (int64_t b = 0; b < nb; b++) {
        const uint8_t *q = group + b * pb + 32;
        int8_t *o = out + b * BTILE;
        for (int k = 0; k < nq; k++) {
            const __m512i t = _mm512_loadu_si512(q + 64 * k);
            if (nq == 8) {
                _mm512_store_si512(o + 64 * k, _mm512_xor_si512(t, flip));
            } else {
                _mm512_store_si512(o + 64 * k, _mm512_sub_epi8(_mm512_and_si512(t, m4), eight));
                _mm512_store_si512(o + 64 * (4 + k), _mm512_sub_epi8(_mm512_and_si512(_mm512_srli_epi16(t, 4), m4), eight));
            }
        }
    }
}

/* The 16 tokens' int32 dots of one block into the accumulators: d is the
   packed block's 16 fp16 scales, dy[m * nb] token m's. */
static inline __attribute__((always_inline)) void add_block(__m512 acc[TOKENS], const int32_t *dots,
                                                            const uint8_t *d, const float *dy, int64_t nb) {
    const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)d));
    for (int m = 0; m < TOKENS; m++)
        acc[m] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_load_si512(dots + LANES * m)),
                                 _mm512_mul_ps(dw, _mm512_set1_ps(dy[m * nb])), acc[m]);
}

/* Block b's dots through tiles TC, TA, TB into buffer DOTS. */
#define BLOCK_DOTS(b, TC, TA, TB, DOTS) \
    AMX_DOTS(TC, TA, TB, y + (b) * (int64_t)sizeof(jm_block_q8_0) + 2, ys, wb + (b) * BTILE, DOTS)

static void gemm_amx(const jm_gemm_args *a, int64_t r0, int64_t r1, int nq, jm_gemm_fn vnni) {
    const int64_t nb = a->n / QBYTES, full = a->n_cols / TOKENS * TOKENS;
    const int64_t pb = JM_GEMM_PACKED_BYTES(nq), ys = a->act_stride;
    int8_t *wb = jm_gemm_packed_group(a, r0, LANES, nb, pb) && full > 0 ? jm_aligned_alloc(64, (size_t)nb * BTILE) : NULL;
    float *dys = wb ? malloc((size_t)(full * nb) * sizeof(float)) : NULL;
    if (!dys) {
        jm_aligned_free(wb);
        vnni(a, r0, r1);
        return;
    }
    /* the columns' scales, widened once: dys[c * nb + b] */
    for (int64_t c = 0; c < full; c++)
        for (int64_t b = 0; b < nb; b++) {
            uint16_t h;
            memcpy(&h, (const uint8_t *)a->act + c * ys + b * (int64_t)sizeof(jm_block_q8_0), 2);
            dys[c * nb + b] = _cvtsh_ss(h);
        }
    _Alignas(64) int32_t dots[4][TOKENS * LANES];
    amx_configure(QBYTES);
    for (int64_t r = r0; r < r1; r += LANES) {
        const int nrows = (int)(r1 - r < LANES ? r1 - r : LANES);
        const uint8_t *group = jm_gemm_packed_group(a, r, LANES, nb, pb);
        unpack_group(wb, group, nb, nq);
        for (int64_t c = 0; c < full; c += TOKENS) {
            const uint8_t *y = (const uint8_t *)a->act + c * ys;
            const float *dy = dys + c * nb;
            __m512 acc[TOKENS];
            for (int m = 0; m < TOKENS; m++) acc[m] = _mm512_setzero_ps();
            /* two blocks ahead: the dots of a tile store can only be
               loaded once the store has left the core */
            BLOCK_DOTS(0, T_C0, T_A0, T_B0, dots[0]);
            if (nb > 1) BLOCK_DOTS(1, T_C1, T_A1, T_B1, dots[1]);
            for (int64_t b = 0; b < nb; b += 2) {
                if (b + 2 < nb) BLOCK_DOTS(b + 2, T_C0, T_A0, T_B0, dots[(b + 2) & 3]);
                add_block(acc, dots[b & 3], group + b * pb, dy + b, nb);
                if (b + 1 < nb) {
                    if (b + 3 < nb) BLOCK_DOTS(b + 3, T_C1, T_A1, T_B1, dots[(b + 3) & 3]);
                    add_block(acc, dots[(b + 1) & 3], group + (b + 1) * pb, dy + b + 1, nb);
                }
            }
            amx_store(a, r, nrows, c, acc);
        }
    }
    _tile_release();
    free(dys);
    jm_aligned_free(wb);
    amx_rest(a, r0, r1, full, vnni);
}

void jm_gemm_q4_0_amx(const jm_gemm_args *a, int64_t r0, int64_t r1) {
    gemm_amx(a, r0, r1, 4, jm_gemm_q4_0_avx512vnni);
}

void jm_gemm_q8_0_amx(const jm_gemm_args *a, int64_t r0, int64_t r1) {
    gemm_amx(a, r0, r1, 8, jm_gemm_q8_0_avx512vnni);
}
