/* ssm_scan_avx2.c - the scan row update, 8 lanes at a time with two accumulators. */
#include <immintrin.h>
#include "kernels/kernels.h"

static inline float hsum256(__m256 v) {
    __m128 x = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    x = _mm_add_ps(x, _mm_movehl_ps(x, x));
    x = _mm_add_ss(x, _mm_movehdup_ps(x));
    return _mm_cvtss_f32(x);
}

float jm_scan_row_avx2(float *s, const float *B, const float *C, float dA, float xdt, int64_t n) {
    const __m256 vda = _mm256_set1_ps(dA), vx = _mm256_set1_ps(xdt);
    __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        __m256 s0 = _mm256_fmadd_ps(_mm256_loadu_ps(s + i), vda, _mm256_mul_ps(vx, _mm256_loadu_ps(B + i)));
        __m256 s1 = _mm256_fmadd_ps(_mm256_loadu_ps(s + i + 8), vda, _mm256_mul_ps(vx, _mm256_loadu_ps(B + i + 8)));
        _mm256_storeu_ps(s + i, s0);
        _mm256_storeu_ps(s + i + 8, s1);
        acc0 = _mm256_fmadd_ps(s0, _mm256_loadu_ps(C + i), acc0);
        acc1 = _mm256_fmadd_ps(s1, _mm256_loadu_ps(C + i + 8), acc1);
    }
    float acc = hsum256(_mm256_add_ps(acc0, acc1));
    for (; i < n; i++) {
        s[i] = s[i] * dA + xdt * B[i];
        acc += s[i] * C[i];
    }
    return acc;
}

/* Rows this far ahead are prefetched (4 rows of N = 128 are 2 KiB). */
#define PREFETCH_ROWS 4

void jm_scan_head_avx2(float *s, const float *B, const float *C, const float *x, float *y,
                       float dA, float dt, float D, int64_t P, int64_t N) {
    for (int64_t p = 0; p < P; p++) {
        if (p + PREFETCH_ROWS < P)
            for (int64_t b = 0; b < N; b += 16) _mm_prefetch((const char *)(s + (p + PREFETCH_ROWS) * N + b), _MM_HINT_T0);
        y[p] = jm_scan_row_avx2(s + p * N, B, C, dA, x[p] * dt, N) + D * x[p];
    }
}
