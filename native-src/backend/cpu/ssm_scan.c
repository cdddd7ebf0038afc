/*
 * ssm_scan.c - the Mamba-2 selective scan in its recurrent form, which
 * decodes and runs short inputs; longer ones go to ssm_scan_chunked.c. Each head
 * has a scalar decay dA = exp(softplus(dt + dt_bias) * A) and a state of
 * head_dim x d_state values; head h reads B and C of group h / (H/G).
 */
#include <math.h>
#include "ops.h"

static void scan_head(const jm_scan_args *a, int64_t h) {
    const int64_t P = a->head_dim, N = a->d_state, G = a->n_group, H = a->n_head;
    const int64_t d_inner = H * P, conv_dim = d_inner + 2 * G * N;
    const int64_t g = h / (H / G);
    float *S = a->s + h * P * N;
    for (int64_t t = 0; t < a->n_tokens; t++) {
        const float *row = a->xbc + t * conv_dim;
        const float *x = row + h * P;
        const float *B = row + d_inner + g * N;
        const float *C = row + d_inner + G * N + g * N;
        const float dt = jm_softplus(a->dt[t * a->dt_stride + h] + a->dt_bias[h]);
        const float dA = expf(dt * a->a[h]);
        a->scan_head(S, B, C, x, a->y + t * d_inner + h * P, dA, dt, a->d[h], P, N);
    }
}

void jm_ssm_scan_range(const jm_scan_args *a, int64_t h0, int64_t h1, float *work) {
    if (a->ssd_gemm && a->n_tokens >= JM_SSD_MIN_TOKENS) {
        jm_ssm_scan_chunked_range(a, h0, h1, work);
        return;
    }
    for (int64_t h = h0; h < h1; h++) scan_head(a, h);
}
