/*
 * ssm_scan.c - the Mamba-2 selective scan in its recurrent form. Each head
 * has a scalar decay dA = exp(softplus(dt + dt_bias) * A) and a state of
 * head_dim x d_state values; head h reads B and C of group h / (H/G).
 */
#include <math.h>
#include "ops.h"

/*
 * A decode step meets each head's state once, coming from memory: the
 * row-by-row update has too few loads in flight to hide that, and the
 * hardware prefetcher of some machines (the VMs we measure on) does not
 * step in, so the rows PREFETCH_ROWS ahead are requested explicitly.
 * Later tokens of a batch find the head's state in cache.
 */
#define PREFETCH_ROWS 4

static void prefetch_rows(const float *S, int64_t p, int64_t P, int64_t N) {
    if (p >= P) return;
    const char *row = (const char *)(S + p * N);
    for (int64_t b = 0; b < N * (int64_t)sizeof(float); b += 64) __builtin_prefetch(row + b, 1, 3);
}

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
        float *y = a->y + t * d_inner + h * P;
        for (int64_t p = 0; p < P; p++) {
            if (t == 0) prefetch_rows(S, p + PREFETCH_ROWS, P, N);
            y[p] = a->scan_row(S + p * N, B, C, dA, x[p] * dt, N) + a->d[h] * x[p];
        }
    }
}

void jm_ssm_scan_range(const jm_scan_args *a, int64_t h0, int64_t h1) {
    for (int64_t h = h0; h < h1; h++) scan_head(a, h);
}
