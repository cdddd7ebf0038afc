/*
 * bench_gemm.c - times one gemm kernel (jm_kernels.gemm) on the calling
 * thread, on the file's layout or on weights repacked as a model loads
 * them (jm_gemm_pack, in 2 MiB pages), with the kernels a feature mask
 * allows: what bench_matmul cannot show (it goes through jm_matmul, which
 * never packs). `bench_gemm q4_0 2048 8512 256 packed` is a prefill
 * micro-batch of a Mamba-2 in_proj the way a model runs it;
 * `... 4096 131072 1 packed` a decode stream from memory.
 *
 * usage: bench_gemm TYPE N_PER_ROW N_ROWS N_COLS [packed|file] [FEATURE_MASK] [REPS]
 * Prints GB/s of weights read and GOP/s (2 per multiply-add), best of REPS.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "jmamba.h"
#include "kernels/kernels.h"
#include "core/platform.h"
#include "quants/quants.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int32_t parse_type(const char *s) {
    for (int32_t t = 0; t < JM_TYPE_COUNT; t++) {
        const jm_type_traits *tr = jm_type_traits_get(t);
        if (tr && tr->name && !strcasecmp(s, tr->name)) return t;
    }
    return -1;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: %s TYPE N_PER_ROW N_ROWS N_COLS [packed|file] [FEATURE_MASK] [REPS]\n", argv[0]);
        return 2;
    }
    const int32_t type = parse_type(argv[1]);
    const int64_t n = atoll(argv[2]), rows = atoll(argv[3]), cols = atoll(argv[4]);
    const int packed = argc > 5 && !strcmp(argv[5], "packed");
    /* the kernels may use what the mask allows of what the CPU has, as a context's */
    const uint32_t mask = (argc > 6 ? (uint32_t)strtoul(argv[6], NULL, 0) : 0xFFFFFFFFu) & jm_cpu_features();
    const int reps = argc > 7 ? atoi(argv[7]) : 10;
    const jm_type_traits *tr = type >= 0 ? jm_type_traits_get(type) : NULL;
    if (!tr || !tr->from_float_ref || n <= 0 || n % tr->block_size || rows <= 0 || cols <= 0 || reps <= 0) {
        fprintf(stderr, "bad arguments\n");
        return 2;
    }
    const jm_type_traits *at = jm_type_traits_get(tr->vec_dot_type);
    const int64_t row_bytes = n / tr->block_size * tr->type_size, act_bytes = n / at->block_size * at->type_size;
    uint8_t *w = jm_gemm_packed_alloc((size_t)(row_bytes * rows)), *act = malloc((size_t)(act_bytes * cols));
    float *x = malloc(sizeof(float) * (size_t)n), *y = malloc(sizeof(float) * (size_t)(rows * cols));
    if (!w || !act || !x || !y) { fprintf(stderr, "out of memory\n"); return 1; }
    srand(1);
    for (int64_t r = 0; r < rows; r++) {
        for (int64_t i = 0; i < n; i++) x[i] = (float)rand() / RAND_MAX - 0.5f;
        tr->from_float_ref(x, w + r * row_bytes, n);
    }
    for (int64_t c = 0; c < cols; c++) {
        for (int64_t i = 0; i < n; i++) x[i] = (float)rand() / RAND_MAX - 0.5f;
        at->from_float_ref(x, act + c * act_bytes, n);
    }
    void *wp = NULL;
    if (packed) {
        const int lanes = jm_gemm_pack_lanes(mask);
        const size_t pbytes = lanes ? jm_gemm_packed_size(type, n, rows, lanes) : 0;
        if (!pbytes) { fprintf(stderr, "%s has no packed form for these kernels\n", tr->name); return 2; }
        if (!(wp = jm_gemm_packed_alloc(pbytes))) { fprintf(stderr, "out of memory\n"); return 1; }
        jm_gemm_pack(type, w, n, rows, lanes, wp);
    }
    jm_kernels k;
    jm_kernels_init(&k, mask);
    const jm_gemm_args g = { .n = n, .w = w, .w_row_bytes = row_bytes, .w_packed = wp, .act = act,
                             .act_stride = act_bytes, .n_cols = cols, .y = y, .y_stride = rows };
    double best = 1e30;
    for (int r = 0; r < reps + 1; r++) {
        const double t0 = now();
        if (k.gemm[type]) k.gemm[type](&g, 0, rows);
        else jm_gemm_by_dots(k.vec_dot[type], &g, 0, rows);
        const double t = now() - t0;
        if (r > 0 && t < best) best = t; /* the first run warms up */
    }
    printf("%s %lldx%lld x %lld cols, %s, features %#x, 1 thread: %.3f ms, %.1f GB/s weights, %.1f GOP/s\n",
           tr->name, (long long)rows, (long long)n, (long long)cols, packed ? "packed" : "file layout", mask,
           best * 1e3, row_bytes * rows / best * 1e-9, 2.0 * n * rows * cols / best * 1e-9);
    jm_aligned_free(wp), jm_aligned_free(w), free(act), free(x), free(y);
    return 0;
}
