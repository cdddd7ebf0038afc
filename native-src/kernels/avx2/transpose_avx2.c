/*
 * transpose_avx2.c - a float matrix transposed 8 x 8 at a time in ymm
 * registers (24 shuffles per 64 values instead of 64 scattered stores);
 * the ragged edges go to the scalar twin.
 */
#include <immintrin.h>
#include "kernels/kernels.h"

static inline void block8(float *dst, int64_t ldd, const float *src, int64_t lds) {
    __m256 r[8], t[8];
    for (int i = 0; i < 8; i++) r[i] = _mm256_loadu_ps(src + i * lds);
    for (int i = 0; i < 8; i += 2) { /* pairs of rows interleaved */
        t[i] = _mm256_unpacklo_ps(r[i], r[i + 1]);
        t[i + 1] = _mm256_unpackhi_ps(r[i], r[i + 1]);
    }
    for (int i = 0; i < 8; i += 4) { /* quads: columns 4q+0..1 and 4q+2..3 of four rows */
        r[i] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 1] = _mm256_shuffle_ps(t[i], t[i + 2], _MM_SHUFFLE(3, 2, 3, 2));
        r[i + 2] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(1, 0, 1, 0));
        r[i + 3] = _mm256_shuffle_ps(t[i + 1], t[i + 3], _MM_SHUFFLE(3, 2, 3, 2));
    }
    for (int i = 0; i < 4; i++) { /* the 128-bit halves: rows 0-3 with rows 4-7 */
        _mm256_storeu_ps(dst + i * ldd, _mm256_permute2f128_ps(r[i], r[i + 4], 0x20));
        _mm256_storeu_ps(dst + (i + 4) * ldd, _mm256_permute2f128_ps(r[i], r[i + 4], 0x31));
    }
}

void jm_transpose_avx2(float *dst, int64_t ldd, const float *src, int64_t lds, int64_t rows, int64_t cols) {
    const int64_t rf = rows & ~(int64_t)7, cf = cols & ~(int64_t)7;
    for (int64_t r0 = 0; r0 < rf; r0 += 8)
        for (int64_t c0 = 0; c0 < cf; c0 += 8) block8(dst + c0 * ldd + r0, ldd, src + r0 * lds + c0, lds);
    if (cf < cols) jm_transpose_scalar(dst + cf * ldd, ldd, src + cf, lds, rows, cols - cf);
    if (rf < rows) jm_transpose_scalar(dst + rf, ldd, src + rf * lds, lds, rows - rf, cf);
}
