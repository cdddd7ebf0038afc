/*
 * bench_matmul.c - times jm_matmul for one weight type and shape, the way
 * a kernel author iterates: `bench_matmul q4_0 4096 4096 1 2` is a decode
 * mat-vec, `... 256 2` a prefill micro-batch. Prints GB/s of weights read
 * and GOP/s (2 per multiply-add), best of the repetitions.
 *
 * usage: bench_matmul TYPE N_PER_ROW N_ROWS N_COLS [THREADS] [REPS]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "jmamba.h"

static const struct { const char *name; int32_t type; } k_types[] = {
    {"f32", JM_TYPE_F32}, {"f16", JM_TYPE_F16}, {"bf16", JM_TYPE_BF16},
    {"q4_0", JM_TYPE_Q4_0}, {"q4_1", JM_TYPE_Q4_1}, {"q5_0", JM_TYPE_Q5_0},
    {"q5_1", JM_TYPE_Q5_1}, {"q8_0", JM_TYPE_Q8_0}, {"q2_k", JM_TYPE_Q2_K},
    {"q3_k", JM_TYPE_Q3_K}, {"q4_k", JM_TYPE_Q4_K}, {"q5_k", JM_TYPE_Q5_K},
    {"q6_k", JM_TYPE_Q6_K},
};

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int32_t parse_type(const char *s) {
    for (size_t i = 0; i < sizeof k_types / sizeof k_types[0]; i++)
        if (!strcmp(s, k_types[i].name)) return k_types[i].type;
    return -1;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s TYPE N_PER_ROW N_ROWS N_COLS [THREADS] [REPS]\n", argv[0]);
        return 2;
    }
    const int32_t type = parse_type(argv[1]);
    const int64_t n = atoll(argv[2]), rows = atoll(argv[3]), cols = atoll(argv[4]);
    const int threads = argc > 5 ? atoi(argv[5]) : 0;
    const int reps = argc > 6 ? atoi(argv[6]) : 20;
    if (type < 0 || n <= 0 || rows <= 0 || cols <= 0 || reps <= 0) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    jm_context_params p = jm_context_default_params();
    p.n_threads = threads;
    jm_context *ctx;
    jm_error err;
    if (jm_context_create(&p, &ctx, &err) != JM_OK) { fprintf(stderr, "%s\n", err.message); return 1; }

    const int64_t row_bytes = jm_row_size(type, n);
    float *src = malloc(sizeof(float) * n * rows), *x = malloc(sizeof(float) * n * cols);
    float *y = malloc(sizeof(float) * rows * cols);
    void *w = malloc((size_t)(row_bytes * rows));
    srand(1);
    for (int64_t i = 0; i < n * rows; i++) src[i] = (float)rand() / RAND_MAX - 0.5f;
    for (int64_t i = 0; i < n * cols; i++) x[i] = (float)rand() / RAND_MAX - 0.5f;
    if (jm_quantize(ctx, type, src, w, rows, n, &err) != JM_OK) { fprintf(stderr, "%s\n", err.message); return 1; }

    double best = 1e30;
    for (int r = 0; r < reps + 2; r++) {
        const double t0 = now();
        if (jm_matmul(ctx, type, w, n, rows, x, cols, y, &err) != JM_OK) { fprintf(stderr, "%s\n", err.message); return 1; }
        const double t = now() - t0;
        if (r >= 2 && t < best) best = t;
    }
    printf("%s %lldx%lld x %lld cols, %d threads: %.3f ms, %.1f GB/s weights, %.1f GOP/s\n",
           argv[1], (long long)rows, (long long)n, (long long)cols, jm_context_n_threads(ctx),
           best * 1e3, row_bytes * rows / best * 1e-9, 2.0 * n * rows * cols / best * 1e-9);
    jm_context_free(ctx);
    free(src); free(x); free(y); free(w);
    return 0;
}
