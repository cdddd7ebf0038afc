/* ssm_scan_scalar.c - the scan row update in plain C: the twin the SIMD versions are tested against. */
#include "kernels/kernels.h"

float jm_scan_row_scalar(float *s, const float *B, const float *C, float dA, float xdt, int64_t n) {
    float acc = 0.0f;
    for (int64_t i = 0; i < n; i++) {
        s[i] = s[i] * dA + xdt * B[i];
        acc += s[i] * C[i];
    }
    return acc;
}

void jm_scan_head_scalar(float *s, const float *B, const float *C, const float *x, float *y,
                         float dA, float dt, float D, int64_t P, int64_t N) {
    for (int64_t p = 0; p < P; p++)
        y[p] = jm_scan_row_scalar(s + p * N, B, C, dA, x[p] * dt, N) + D * x[p];
}
