/* ssm_scan_avx512.c - the scan row update, 16 lanes at a time with two accumulators. */
#include <immintrin.h>
#include "kernels/kernels.h"

float jm_scan_row_avx512(float *s, const float *B, const float *C, float dA, float xdt, int64_t n) {
    const __m512 vda = _mm512_set1_ps(dA), vx = _mm512_set1_ps(xdt);
    __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 32 <= n; i += 32) {
        __m512 s0 = _mm512_fmadd_ps(_mm512_loadu_ps(s + i), vda, _mm512_mul_ps(vx, _mm512_loadu_ps(B + i)));
        __m512 s1 = _mm512_fmadd_ps(_mm512_loadu_ps(s + i + 16), vda, _mm512_mul_ps(vx, _mm512_loadu_ps(B + i + 16)));
        _mm512_storeu_ps(s + i, s0);
        _mm512_storeu_ps(s + i + 16, s1);
        acc0 = _mm512_fmadd_ps(s0, _mm512_loadu_ps(C + i), acc0);
        acc1 = _mm512_fmadd_ps(s1, _mm512_loadu_ps(C + i + 16), acc1);
    }
    if (i + 16 <= n) {
        __m512 s0 = _mm512_fmadd_ps(_mm512_loadu_ps(s + i), vda, _mm512_mul_ps(vx, _mm512_loadu_ps(B + i)));
        _mm512_storeu_ps(s + i, s0);
        acc0 = _mm512_fmadd_ps(s0, _mm512_loadu_ps(C + i), acc0);
        i += 16;
    }
    float acc = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
    for (; i < n; i++) {
        s[i] = s[i] * dA + xdt * B[i];
        acc += s[i] * C[i];
    }
    return acc;
}

/* Rows this far ahead are prefetched (4 rows of N = 128 are 2 KiB). */
#define PREFETCH_ROWS 4

static inline void prefetch_row(const float *row, int64_t N) {
    for (int64_t b = 0; b < N; b += 16) _mm_prefetch((const char *)(row + b), _MM_HINT_T0);
}

/*
 * The horizontal sums of 8 rows' accumulators at once: lane i of the result
 * (i < 8) is r[i]'s sum, added in _mm512_reduce_add_ps's tree (the 8 upper
 * lanes onto the 8 lower, then 4 onto 4, then lanes 2, 3 onto 0, 1, then
 * lane 1 onto 0), so each is the bits the one-row reduction gives; the
 * shuffles only pack several rows' partial sums into one register.
 */
static inline __m256 reduce8(const __m512 r[8]) {
    __m512 u[4], w[2];
    for (int i = 0; i < 4; i++) /* lanes 0-7: rows i's 16 -> 8, lanes 8-15: row i + 4's */
        u[i] = _mm512_add_ps(_mm512_shuffle_f32x4(r[i], r[i + 4], 0xEE), _mm512_shuffle_f32x4(r[i], r[i + 4], 0x44));
    for (int i = 0; i < 2; i++) /* quarters: rows i, i + 4, i + 2, i + 6, 8 -> 4 each */
        w[i] = _mm512_add_ps(_mm512_shuffle_f32x4(u[i], u[i + 2], 0xDD), _mm512_shuffle_f32x4(u[i], u[i + 2], 0x88));
    /* per quarter: lanes 2, 3 onto 0, 1 of w[0]'s row, then of w[1]'s */
    const __m512 x = _mm512_add_ps(_mm512_shuffle_ps(w[0], w[1], _MM_SHUFFLE(1, 0, 1, 0)),
                                   _mm512_shuffle_ps(w[0], w[1], _MM_SHUFFLE(3, 2, 3, 2)));
    /* lane 1 onto 0: quarter q holds its w[0] row, its w[1] row, twice */
    const __m512 z = _mm512_add_ps(_mm512_shuffle_ps(x, x, _MM_SHUFFLE(2, 0, 2, 0)),
                                   _mm512_shuffle_ps(x, x, _MM_SHUFFLE(3, 1, 3, 1)));
    /* rows 0, 1 sit in lanes 0, 1; 4, 5 in 4, 5; 2, 3 in 8, 9; 6, 7 in 12, 13 */
    return _mm512_castps512_ps256(_mm512_permutexvar_ps(_mm512_setr_epi32(0, 1, 8, 9, 4, 5, 12, 13, 0, 0, 0, 0, 0, 0, 0, 0), z));
}

/*
 * N = 128, the d_state of every Mamba-2 checkpoint we know: B and C stay in
 * 16 registers for all P rows, so a row costs its own 8 loads and stores
 * and nothing else, and the rows' sums are reduced 8 at a time (reduce8).
 * The arithmetic per row is jm_scan_row_avx512's, in the same order
 * (vectors 0, 2, 4, 6 into one accumulator, 1, 3, 5, 7 into the other, the
 * reduction's tree), so both give the same bits; y = fma(D, x, sum).
 */
static void scan_head_128(float *s, const float *B, const float *C, const float *x, float *y,
                          float dA, float dt, float D, int64_t P) {
    enum { N = 128, V = N / 16 };
    __m512 vb[V], vc[V];
    for (int v = 0; v < V; v++) {
        vb[v] = _mm512_loadu_ps(B + 16 * v);
        vc[v] = _mm512_loadu_ps(C + 16 * v);
    }
    const __m512 vda = _mm512_set1_ps(dA);
    for (int64_t p0 = 0; p0 < P; p0 += 8) {
        const int rows = P - p0 < 8 ? (int)(P - p0) : 8;
        __m512 r[8];
        for (int i = 0; i < rows; i++) {
            float *row = s + (p0 + i) * N;
            prefetch_row(row + PREFETCH_ROWS * N, N); /* on into the next head's state, which follows */
            const __m512 vx = _mm512_set1_ps(x[p0 + i] * dt);
            __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
            for (int v = 0; v < V; v += 2) {
                const __m512 s0 = _mm512_fmadd_ps(_mm512_loadu_ps(row + 16 * v), vda, _mm512_mul_ps(vx, vb[v]));
                const __m512 s1 = _mm512_fmadd_ps(_mm512_loadu_ps(row + 16 * v + 16), vda, _mm512_mul_ps(vx, vb[v + 1]));
                _mm512_storeu_ps(row + 16 * v, s0);
                _mm512_storeu_ps(row + 16 * v + 16, s1);
                acc0 = _mm512_fmadd_ps(s0, vc[v], acc0);
                acc1 = _mm512_fmadd_ps(s1, vc[v + 1], acc1);
            }
            r[i] = _mm512_add_ps(acc0, acc1);
        }
        if (rows == 8) {
            _mm256_storeu_ps(y + p0, _mm256_fmadd_ps(_mm256_set1_ps(D), _mm256_loadu_ps(x + p0), reduce8(r)));
        } else {
            for (int i = 0; i < rows; i++) y[p0 + i] = __builtin_fmaf(D, x[p0 + i], _mm512_reduce_add_ps(r[i]));
        }
    }
}

void jm_scan_head_avx512(float *s, const float *B, const float *C, const float *x, float *y,
                         float dA, float dt, float D, int64_t P, int64_t N) {
    if (N == 128) {
        scan_head_128(s, B, C, x, y, dA, dt, D, P);
        return;
    }
    for (int64_t p = 0; p < P; p++) {
        if (p + PREFETCH_ROWS < P) prefetch_row(s + (p + PREFETCH_ROWS) * N, N);
        y[p] = jm_scan_row_avx512(s + p * N, B, C, dA, x[p] * dt, N) + D * x[p];
    }
}
