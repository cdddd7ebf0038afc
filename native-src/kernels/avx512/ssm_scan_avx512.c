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
