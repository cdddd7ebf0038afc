/*
 * gemm_legacy_avx512.h - the tiled product (jm_gemm_fn) of the legacy
 * weight types with Q8_0 activations, AVX-512 VNNI, written once and
 * instantiated per type by the gemm_<type>_avx512.c files.
 *
 * Layout: one zmm holds two consecutive blocks, a in the low 256 bits and b
 * in the high ones, exactly as two 32-byte loads of the activation quants
 * lie (so the activations need no shuffle). A type supplies
 *     GEMM_UNPACK2(x)  -> the 64 unsigned weight quants of blocks x, x+BX
 *     GEMM_UNPACK1(x)  -> block x alone in the low half, zeros above
 *     GEMM_OFFSET      -> the byte k with weight = u - k (8 for Q4_0, ...)
 * and vpdpbusd starts from -k*sum(y) per lane, computed once per activation
 * block and shared by every row of the tile.
 *
 * Bit-exactness across tiles: every (row, column) pair owns one zmm
 * accumulator that sees, per block pair, exactly
 *     acc = fma(float(dpbusd(-k*y, u, y)), dx*dy, acc)
 * and at the end the same horizontal sum, whatever the tile's shape. The
 * integer part is exact, dx and dy are exact fp16 widenings, so the floats
 * cannot depend on the tile. Tiles only change which loads are shared.
 */
#ifndef JM_GEMM_LEGACY_AVX512_H
#define JM_GEMM_LEGACY_AVX512_H

#include "legacy_avx512.h"
#include "../kernels.h"

#define JM_ALWAYS_INLINE static inline __attribute__((always_inline))

/* acc += per int32 lane, 4 products u8*s8: vpdpbusd zmm (EVEX by nature). */
JM_ALWAYS_INLINE __m512i jm_dpbusd512(__m512i acc, __m512i u, __m512i s) {
    __asm__("vpdpbusd %2, %1, %0" : "+v"(acc) : "v"(u), "vm"(s));
    return acc;
}

/* The 64 activation quants of blocks y and y+BY (a 34-byte Q8_0 each). */
JM_ALWAYS_INLINE __m512i jm_gemm_y2(const uint8_t *y) {
    const __m256i lo = _mm256_loadu_si256((const __m256i *)(y + 2));
    return _mm512_inserti64x4(_mm512_castsi256_si512(lo), _mm256_loadu_si256((const __m256i *)(y + 34 + 2)), 1);
}

JM_ALWAYS_INLINE __m512i jm_gemm_y1(const uint8_t *y) {
    return _mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)(y + 2)));
}

/* Lanes 0..7 = s[0], lanes 8..15 = s[1]: a block pair's scales. */
JM_ALWAYS_INLINE __m512 jm_gemm_scale2(const float *s) {
    const __m256 lo = _mm256_broadcast_ss(s), hi = _mm256_broadcast_ss(s + 1);
    return _mm512_insertf32x8(_mm512_castps256_ps512(lo), hi, 1);
}

/* Lanes 0..7 = s[0], lanes 8..15 = 0. */
JM_ALWAYS_INLINE __m512 jm_gemm_scale1(const float *s) {
    return _mm512_zextps256_ps512(_mm256_broadcast_ss(s));
}

/* The same patterns straight from the blocks' fp16 scales at pa and pb:
   the path for rows too long for the widened scales' buffer. */
JM_ALWAYS_INLINE __m512 jm_gemm_scale2_h(const void *pa, const void *pb) {
    const __m256i h = _mm256_set_m128i(_mm_set1_epi16((short)jm_rd16(pb)), _mm_set1_epi16((short)jm_rd16(pa)));
    return _mm512_cvtph_ps(h);
}

JM_ALWAYS_INLINE __m512 jm_gemm_scale1_h(const void *pa) {
    return _mm512_cvtph_ps(_mm256_zextsi128_si256(_mm_set1_epi16((short)jm_rd16(pa))));
}

/*
 * The fp16 scales of nb blocks bx bytes apart, widened into d[0..nb).
 * Done once per row or column of a call instead of once per use: a scale
 * is used by every tile its row or column meets. F16C is exact, so the
 * floats are those of jm_fp16_to_f32.
 */
static inline void jm_gemm_widen_scales(float *d, const uint8_t *p, int64_t nb, int64_t bx) {
    int64_t b = 0;
    for (; b + 16 <= nb; b += 16) {
        uint16_t h[16];
        for (int i = 0; i < 16; i++) h[i] = jm_rd16(p + (b + i) * bx);
        _mm512_storeu_ps(d + b, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)h)));
    }
    for (; b < nb; b++) d[b] = _mm_cvtss_f32(_mm_cvtph_ps(_mm_cvtsi32_si128(jm_rd16(p + b * bx))));
}

/* The one horizontal sum every tile ends with. */
JM_ALWAYS_INLINE float jm_gemm_hsum512(__m512 v) {
    const __m256 h = _mm256_add_ps(_mm512_castps512_ps256(v), _mm512_extractf32x8_ps(v, 1));
    return jm_avx512_hsum256(h);
}

#endif

/*
 * Per including file: GEMM_NAME, GEMM_BX (weight block bytes), GEMM_OFFSET, GEMM_UNPACK2, GEMM_UNPACK1 must be defined. Defines the
 * tile function and the kernel GEMM_NAME.
 */
#if defined(GEMM_NAME)

enum { GEMM_BY = sizeof(jm_block_q8_0) };

/* Per-column part of a block pair step: quants, -k*sum(y) per lane, scales. */
typedef struct { __m512i y, o; __m512 d; } gemm_col;

JM_ALWAYS_INLINE gemm_col gemm_col2(const uint8_t *y, const float *dy, const int H) {
    gemm_col c;
    c.y = jm_gemm_y2(y);
    c.o = _mm512_sub_epi32(_mm512_setzero_si512(),
                           jm_dpbusd512(_mm512_setzero_si512(), _mm512_set1_epi8((char)GEMM_OFFSET), c.y));
    c.d = H ? jm_gemm_scale2_h(y, y + GEMM_BY) : jm_gemm_scale2(dy);
    return c;
}

JM_ALWAYS_INLINE gemm_col gemm_col1(const uint8_t *y, const float *dy, const int H) {
    gemm_col c;
    c.y = jm_gemm_y1(y);
    c.o = _mm512_sub_epi32(_mm512_setzero_si512(),
                           jm_dpbusd512(_mm512_setzero_si512(), _mm512_set1_epi8((char)GEMM_OFFSET), c.y));
    c.d = H ? jm_gemm_scale1_h(y) : jm_gemm_scale1(dy);
    return c;
}

/* R rows x C columns starting at (r, c); R and C are constants at every
   call, so the arrays below live in registers. sx and sy: the widened
   scales of the tile's rows and columns, nb apart; with H they are not
   used and the scales come from the blocks (the same floats). */
JM_ALWAYS_INLINE void gemm_tile(const jm_gemm_args *a, int64_t r, int64_t c, const float *sx, const float *sy,
                                const int R, const int C, const int H) {
    const int64_t nb = a->n / 32;
    const uint8_t *x[4], *y[4];
    __m512 acc[4][4];
    for (int i = 0; i < R; i++) x[i] = (const uint8_t *)a->w + (r + i) * a->w_row_bytes;
    for (int j = 0; j < C; j++) y[j] = (const uint8_t *)a->act + (c + j) * a->act_stride;
    for (int i = 0; i < R; i++)
        for (int j = 0; j < C; j++) acc[i][j] = _mm512_setzero_ps();

    int64_t b = 0;
    for (; b + 2 <= nb; b += 2) {
        __m512i u[4];
        __m512 dx[4];
        for (int i = 0; i < R; i++) {
            const uint8_t *xb = x[i] + b * GEMM_BX;
            u[i] = GEMM_UNPACK2(xb);
            dx[i] = H ? jm_gemm_scale2_h(xb, xb + GEMM_BX) : jm_gemm_scale2(sx + i * nb + b);
        }
        for (int j = 0; j < C; j++) {
            const gemm_col col = gemm_col2(y[j] + b * GEMM_BY, sy + j * nb + b, H);
            for (int i = 0; i < R; i++) {
                const __m512i p = jm_dpbusd512(col.o, u[i], col.y);
                acc[i][j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_mul_ps(dx[i], col.d), acc[i][j]);
            }
        }
    }
    if (b < nb) {
        __m512i u[4];
        __m512 dx[4];
        for (int i = 0; i < R; i++) {
            const uint8_t *xb = x[i] + b * GEMM_BX;
            u[i] = GEMM_UNPACK1(xb);
            dx[i] = H ? jm_gemm_scale1_h(xb) : jm_gemm_scale1(sx + i * nb + b);
        }
        for (int j = 0; j < C; j++) {
            const gemm_col col = gemm_col1(y[j] + b * GEMM_BY, sy + j * nb + b, H);
            for (int i = 0; i < R; i++) {
                const __m512i p = jm_dpbusd512(col.o, u[i], col.y);
                acc[i][j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_mul_ps(dx[i], col.d), acc[i][j]);
            }
        }
    }
    for (int j = 0; j < C; j++)
        for (int i = 0; i < R; i++) a->y[(c + j) * a->y_stride + r + i] = jm_gemm_hsum512(acc[i][j]);
}

#define GEMM_TILE(R, C)                                                                          \
    static void gemm_tile_##R##x##C(const jm_gemm_args *a, int64_t r, int64_t c, const float *sx, \
                                    const float *sy) {                                            \
        gemm_tile(a, r, c, sx, sy, R, C, 0);                                                      \
    }                                                                                             \
    static void gemm_tile_##R##x##C##_h(const jm_gemm_args *a, int64_t r, int64_t c) {            \
        gemm_tile(a, r, c, NULL, NULL, R, C, 1);                                                  \
    }
GEMM_TILE(4, 4)
GEMM_TILE(1, 4)
GEMM_TILE(4, 1)
GEMM_TILE(1, 1)

/* Scales widened where used: rows longer than GEMM_NB_STACK blocks, and
   products of fewer than 4 columns (decode), where a row's scales meet
   too few columns to pay for widening them first. */
static void gemm_inline_scales(const jm_gemm_args *a, int64_t r0, int64_t r1) {
    int64_t c = 0;
    for (; c + 4 <= a->n_cols; c += 4) {
        int64_t r = r0;
        for (; r + 4 <= r1; r += 4) gemm_tile_4x4_h(a, r, c);
        for (; r < r1; r++) gemm_tile_1x4_h(a, r, c);
    }
    for (; c < a->n_cols; c++) {
        int64_t r = r0;
        for (; r + 4 <= r1; r += 4) gemm_tile_4x1_h(a, r, c);
        for (; r < r1; r++) gemm_tile_1x1_h(a, r, c);
    }
}

/* Rows go in groups of GEMM_ROWS whose scales are widened once; for each
   group, columns in tiles of 4 (then single ones) whose scales are widened
   once for all the group's rows. */
enum { GEMM_ROWS = 16, GEMM_COLS = 4, GEMM_NB_STACK = 512 };

void GEMM_NAME(const jm_gemm_args *a, int64_t r0, int64_t r1) {
    const int64_t nb = a->n / 32;
    if (nb > GEMM_NB_STACK || a->n_cols < GEMM_COLS) {
        gemm_inline_scales(a, r0, r1);
        return;
    }
    float sx[GEMM_ROWS * GEMM_NB_STACK], sy[GEMM_COLS * GEMM_NB_STACK];
    for (int64_t g0 = r0; g0 < r1; g0 += GEMM_ROWS) {
        const int64_t g1 = g0 + GEMM_ROWS < r1 ? g0 + GEMM_ROWS : r1;
        for (int64_t r = g0; r < g1; r++)
            jm_gemm_widen_scales(sx + (r - g0) * nb, (const uint8_t *)a->w + r * a->w_row_bytes, nb, GEMM_BX);
        for (int64_t c = 0; c < a->n_cols; c += GEMM_COLS) {
            const int64_t cn = c + GEMM_COLS <= a->n_cols ? GEMM_COLS : a->n_cols - c;
            for (int64_t j = 0; j < cn; j++)
                jm_gemm_widen_scales(sy + j * nb, (const uint8_t *)a->act + (c + j) * a->act_stride, nb, GEMM_BY);
            if (cn == GEMM_COLS) {
                int64_t r = g0;
                for (; r + 4 <= g1; r += 4) gemm_tile_4x4(a, r, c, sx + (r - g0) * nb, sy);
                for (; r < g1; r++) gemm_tile_1x4(a, r, c, sx + (r - g0) * nb, sy);
            } else {
                for (int64_t j = 0; j < cn; j++) {
                    int64_t r = g0;
                    for (; r + 4 <= g1; r += 4) gemm_tile_4x1(a, r, c + j, sx + (r - g0) * nb, sy + j * nb);
                    for (; r < g1; r++) gemm_tile_1x1(a, r, c + j, sx + (r - g0) * nb, sy + j * nb);
                }
            }
        }
    }
}

#endif
