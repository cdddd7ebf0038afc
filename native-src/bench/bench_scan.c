/*
 * bench_scan.c - the selective scan of one layer through jm_ssm_scan:
 * nanoseconds per head and token, best of REPS.
 *   bench_scan [H P N G TOKENS THREADS REPS DT_SPREAD MASK]
 * Defaults: the 48-layer shape (64 64 128 1), a 256-token micro-batch, 1
 * thread, 20 reps. Inputs below JM_SSD_MIN_TOKENS tokens run the recurrence,
 * longer ones the chunked form. dt is uniform in +-DT_SPREAD (0.7) around
 * biases for steps of 0.01, 0.1 and 0.7, A in [-16, -1]: a larger spread
 * decays faster, which is where denormals would show. MASK: the CPU
 * features the kernels may use (jm_context_params.cpu_features_mask, e.g.
 * 0x7 for AVX2 + FMA + F16C; default all).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "jmamba.h"

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const int32_t H = argc > 1 ? atoi(argv[1]) : 64, P = argc > 2 ? atoi(argv[2]) : 64;
    const int32_t N = argc > 3 ? atoi(argv[3]) : 128, G = argc > 4 ? atoi(argv[4]) : 1;
    const int64_t T = argc > 5 ? atoll(argv[5]) : 256;
    const int threads = argc > 6 ? atoi(argv[6]) : 1, reps = argc > 7 ? atoi(argv[7]) : 20;
    const int64_t conv_dim = (int64_t)H * P + 2 * (int64_t)G * N;
    float *xbc = malloc(T * conv_dim * 4), *dt = malloc(T * H * 4), *y = malloc(T * H * P * 4);
    float *state = calloc((size_t)H * P * N, 4), *bias = malloc(H * 4), *a = malloc(H * 4), *d = malloc(H * 4);
    uint64_t r = 1;
    for (int64_t i = 0; i < T * conv_dim; i++) xbc[i] = (float)((r = r * 6364136223846793005ull + 1) >> 40) * 0x1p-24f - 0.5f;
    const float dt_spread = argc > 8 ? (float)atof(argv[8]) : 0.7f;
    for (int64_t i = 0; i < T * H; i++) dt[i] = dt_spread * ((float)((r = r * 6364136223846793005ull + 1) >> 40) * 0x1p-24f * 2 - 1);
    for (int32_t h = 0; h < H; h++) { bias[h] = -4.6f + 2.3f * (h % 3); a[h] = -1.0f - h % 16; d[h] = 1.0f; }
    jm_context_params cp = jm_context_default_params();
    cp.n_threads = threads;
    if (argc > 9) cp.cpu_features_mask = (uint32_t)strtoul(argv[9], NULL, 0);
    jm_context *ctx = NULL;
    jm_error err;
    if (jm_context_create(&cp, &ctx, &err) != JM_OK) { fprintf(stderr, "%s\n", err.message); return 1; }
    double best = 1e30;
    for (int rep = 0; rep < reps + 1; rep++) { /* the first run is a warm-up */
        const double t0 = now();
        if (jm_ssm_scan(ctx, xbc, dt, H, bias, a, d, state, y, T, H, P, N, G, &err) != JM_OK) {
            fprintf(stderr, "%s\n", err.message);
            return 1;
        }
        const double s = now() - t0;
        if (rep > 0 && s < best) best = s;
    }
    printf("scan H %d P %d N %d G %d, %lld tokens, %d threads: %.1f ns per head and token (%.2f ms)\n",
           H, P, N, G, (long long)T, threads, best * 1e9 / ((double)H * T), best * 1e3);
    jm_context_free(ctx);
    free(xbc); free(dt); free(y); free(state); free(bias); free(a); free(d);
    return 0;
}
