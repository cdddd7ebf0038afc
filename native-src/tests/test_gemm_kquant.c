/*
 * test_gemm_kquant.c - the tiled K-quant products (jm_kernels.gemm) at
 * every level this CPU runs: against one scalar dot per (row, column), and
 * the contract that the bits written for (r, c) do not depend on the tile,
 * the row split or the number of columns of the call.
 */
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jmamba.h"
#include "quants/quants.h"
#include "quants/kquant_kernels.h"
#include "kernels/kernels.h"

#include "test_util.h"
#include "test_levels.h"

enum { NTYPES = 5 };
static const int32_t TYPES[NTYPES] = { JM_TYPE_Q2_K, JM_TYPE_Q3_K, JM_TYPE_Q4_K, JM_TYPE_Q5_K, JM_TYPE_Q6_K };
static const char *const NAMES[NTYPES] = { "q2_K", "q3_K", "q4_K", "q5_K", "q6_K" };

/* One product: rows x n weights, cols activations. */
typedef struct {
    int64_t n, rows, cols, w_row_bytes, act_stride;
    uint8_t *w, *act;
    float *ref, *full, *part;
} problem;

/* where the fp16 d and dmin (-1: none) of each type's block sit */
static const size_t D_OFF[NTYPES] = { offsetof(block_q2_K, d), offsetof(block_q3_K, d), offsetof(block_q4_K, d),
                                      offsetof(block_q5_K, d), offsetof(block_q6_K, d) };
static const long DMIN_OFF[NTYPES] = { offsetof(block_q2_K, dmin), -1, offsetof(block_q4_K, dmin),
                                       offsetof(block_q5_K, dmin), -1 };

static void put_half(uint8_t *dst, float v) { const jm_fp16 h = jm_f32_to_fp16(v); memcpy(dst, &h, 2); }

/* Random bytes with sane super-block scales instead of quantized rows:
 * every quant, scale and min bit pattern, the extremes included. */
static void randomize_weights(problem *p, int t) {
    const int64_t bsize = jm_type_traits_get(TYPES[t])->type_size, nb = p->n / QK_K * p->rows;
    for (int64_t i = 0; i < p->w_row_bytes * p->rows; ++i) p->w[i] = (uint8_t)rng_next();
    for (int64_t b = 0; b < nb; ++b) {
        put_half(p->w + b * bsize + D_OFF[t], ((rng_next() & 1) ? -1.0f : 1.0f) * (0.001f + 0.01f * rng_uniform()));
        if (DMIN_OFF[t] >= 0) put_half(p->w + b * bsize + DMIN_OFF[t], 0.001f + 0.01f * rng_uniform());
    }
}

static void make_problem(problem *p, int t, int64_t n, int64_t rows, int64_t cols) {
    const jm_type_traits *tr = jm_type_traits_get(TYPES[t]);
    p->n = n, p->rows = rows, p->cols = cols;
    p->w_row_bytes = n / QK_K * tr->type_size;
    p->act_stride = n / QK_K * (int64_t)sizeof(block_q8_K);
    p->w = malloc((size_t)(p->w_row_bytes * rows));
    p->act = malloc((size_t)(p->act_stride * cols));
    p->ref = malloc(sizeof(float) * (size_t)(rows * cols));
    p->full = malloc(sizeof(float) * (size_t)(rows * cols));
    p->part = malloc(sizeof(float) * (size_t)(rows * cols));
    float *x = malloc(sizeof(float) * (size_t)n);
    for (int64_t r = 0; r < rows; ++r) {
        /* weight-like rows, a few with a larger spread or an offset */
        const float scale = (r % 7 == 3) ? 0.2f : 0.02f, shift = (r % 5 == 1) ? 0.01f : 0.0f;
        for (int64_t e = 0; e < n; ++e) x[e] = rng_gauss() * scale + shift;
        tr->from_float_ref(x, p->w + r * p->w_row_bytes, n);
    }
    for (int64_t c = 0; c < cols; ++c) {
        for (int64_t e = 0; e < n; ++e) x[e] = rng_gauss() * ((c % 3 == 2) ? 10.0f : 1.0f);
        jm_quantize_row_q8_K_ref(x, p->act + c * p->act_stride, n);
    }
    free(x);
}

static void free_problem(problem *p) {
    free(p->w), free(p->act), free(p->ref), free(p->full), free(p->part);
}

static jm_gemm_args args_of(const problem *p, float *y, int64_t c0, int64_t ncols) {
    return (jm_gemm_args){
        .n = p->n, .w = p->w, .w_row_bytes = p->w_row_bytes,
        .act = p->act + c0 * p->act_stride, .act_stride = p->act_stride, .n_cols = ncols,
        .y = y + c0 * p->rows, .y_stride = p->rows,
    };
}

/* (1) against the scalar dots: error relative to the row's and column's
 * magnitudes (|w| . |x| dequantized), which cancellation cannot shrink */
static void check_against_dots(const char *level, int t, jm_gemm_fn gemm, const problem *p) {
    const jm_type_traits *tr = jm_type_traits_get(TYPES[t]);
    jm_gemm_args g = args_of(p, p->ref, 0, p->cols);
    jm_gemm_by_dots(tr->vec_dot_scalar, &g, 0, p->rows);
    g = args_of(p, p->full, 0, p->cols);
    gemm(&g, 0, p->rows);

    float *wf = malloc(sizeof(float) * (size_t)p->n), *xf = malloc(sizeof(float) * (size_t)p->n);
    double worst = 0;
    int bad = 0;
    for (int64_t c = 0; c < p->cols; ++c) {
        jm_dequantize_row_q8_K(p->act + c * p->act_stride, xf, p->n);
        for (int64_t r = 0; r < p->rows; ++r) {
            tr->to_float(p->w + r * p->w_row_bytes, wf, p->n);
            double mag = 0;
            for (int64_t e = 0; e < p->n; ++e) mag += fabs((double)wf[e] * xf[e]);
            const double err = fabs((double)p->full[c * p->rows + r] - p->ref[c * p->rows + r]);
            if (err / (mag + 1e-30) > worst) worst = err / (mag + 1e-30);
            if (!(err <= 1e-5 * mag + 1e-30)) {
                if (bad < 3) printf("  %s %s n=%lld (%lld, %lld): gemm %.9g dots %.9g\n", level, NAMES[t],
                                    (long long)p->n, (long long)r, (long long)c,
                                    p->full[c * p->rows + r], p->ref[c * p->rows + r]);
                ++bad;
            }
        }
    }
    free(wf), free(xf);
    CHECK(!bad, "%s %s n=%lld %lldx%lld: %d results off the scalar dots", level, NAMES[t],
          (long long)p->n, (long long)p->rows, (long long)p->cols, bad);
    if (worst > 1e-6) printf("  %s %s n=%lld: worst error / magnitude %.2e\n", level, NAMES[t], (long long)p->n, worst);
}

/* (2) the contract: p->full holds the one-call product; pieces of it must
 * give the same bytes */
static void check_pieces(const char *level, int t, jm_gemm_fn gemm, const problem *p) {
    const int64_t size = p->rows * p->cols * (int64_t)sizeof(float);
    int bad = 0;
    /* rows in ranges of 16 (as the matmul hands them) and of odd sizes */
    const int64_t steps[4] = { JM_GEMM_ROW_ALIGN, 1, 3, 5 };
    for (int s = 0; s < 4; ++s) {
        memset(p->part, 0xFF, (size_t)size);
        const jm_gemm_args g = args_of(p, p->part, 0, p->cols);
        for (int64_t r = 0; r < p->rows; r += steps[s]) gemm(&g, r, r + steps[s] < p->rows ? r + steps[s] : p->rows);
        bad += memcmp(p->part, p->full, (size_t)size) != 0;
    }
    /* column groups of several widths, each on a few row ranges */
    const int64_t widths[3] = { 1, 2, 7 };
    for (int s = 0; s < 3; ++s) {
        memset(p->part, 0xFF, (size_t)size);
        for (int64_t c = 0; c < p->cols; c += widths[s]) {
            const int64_t nc = c + widths[s] < p->cols ? widths[s] : p->cols - c;
            const jm_gemm_args g = args_of(p, p->part, c, nc);
            const int64_t mid = (p->rows / 2) | 1;
            gemm(&g, 0, mid);
            gemm(&g, mid, p->rows);
        }
        bad += memcmp(p->part, p->full, (size_t)size) != 0;
    }
    /* every column count up to 37: the first nc columns in one call */
    for (int64_t nc = 1; nc <= p->cols && nc <= 37; ++nc) {
        memset(p->part, 0xFF, (size_t)size);
        const jm_gemm_args g = args_of(p, p->part, 0, nc);
        gemm(&g, 0, p->rows);
        bad += memcmp(p->part, p->full, (size_t)(nc * p->rows) * sizeof(float)) != 0;
    }
    CHECK(!bad, "%s %s n=%lld %lldx%lld: %d splits differ from the one-call product", level, NAMES[t],
          (long long)p->n, (long long)p->rows, (long long)p->cols, bad);
}

/* (3) weights repacked at load (jm_gemm_pack) give the same bits: in one
 * call, in 16-row pieces, in odd pieces (which start off the packed groups)
 * and one column at a time */
static void check_packed(const char *level, int t, jm_gemm_fn gemm, const problem *p, int lanes) {
    const size_t pbytes = jm_gemm_packed_size(TYPES[t], p->n, p->rows, lanes);
    CHECK(pbytes > 0, "%s has a packed form", NAMES[t]);
    if (!pbytes) return;
    void *packed = malloc(pbytes);
    jm_gemm_pack(TYPES[t], p->w, p->n, p->rows, lanes, packed);
    const int64_t size = p->rows * p->cols * (int64_t)sizeof(float);
    int bad = 0;
    for (int k = 0; k < 4; ++k) {
        memset(p->part, 0xFF, (size_t)size);
        jm_gemm_args g = args_of(p, p->part, 0, p->cols);
        g.w_packed = packed;
        if (k == 0) gemm(&g, 0, p->rows);
        const int64_t step = k == 1 ? JM_GEMM_ROW_ALIGN : 5;
        for (int64_t r = 0; (k == 1 || k == 2) && r < p->rows; r += step)
            gemm(&g, r, r + step < p->rows ? r + step : p->rows);
        for (int64_t c = 0; k == 3 && c < p->cols; ++c) {
            g = args_of(p, p->part, c, 1);
            g.w_packed = packed;
            gemm(&g, 0, p->rows);
        }
        bad += memcmp(p->part, p->full, (size_t)size) != 0;
    }
    free(packed);
    CHECK(!bad, "%s %s n=%lld %lldx%lld: %d packed runs differ from the file layout's product", level, NAMES[t],
          (long long)p->n, (long long)p->rows, (long long)p->cols, bad);
}

/* The table per level (tables only: nothing is called, so the CPU need
 * not have these features). */
static void test_dispatch(void) {
    jm_kernels k;
    jm_kernels_init(&k, 0);
    for (int t = 0; t < NTYPES; ++t) CHECK(k.gemm[TYPES[t]] == NULL, "scalar level: no %s gemm", NAMES[t]);
#if defined(JM_HAVE_X86_KERNELS)
    const uint32_t avx2 = JM_CPU_AVX2 | JM_CPU_FMA | JM_CPU_F16C;
    const uint32_t avx512 = avx2 | JM_CPU_AVX512F | JM_CPU_AVX512BW | JM_CPU_AVX512VL;
    const uint32_t no_vnni[2] = { avx2, avx512 };
    for (int i = 0; i < 2; ++i) {
        jm_kernels_init(&k, no_vnni[i]);
        CHECK(k.gemm[JM_TYPE_Q2_K] == NULL && k.gemm[JM_TYPE_Q3_K] == NULL && k.gemm[JM_TYPE_Q4_K] == jm_gemm_q4_K_avx2 &&
              k.gemm[JM_TYPE_Q5_K] == jm_gemm_q5_K_avx2 && k.gemm[JM_TYPE_Q6_K] == jm_gemm_q6_K_avx2,
              "AVX2 gemm kernels without VNNI (features %#x)", no_vnni[i]);
    }
#if defined(JM_HAVE_AVXVNNI_KERNELS)
    jm_kernels_init(&k, avx2 | JM_CPU_AVXVNNI);
    CHECK(k.gemm[JM_TYPE_Q4_K] == jm_gemm_q4_K_avxvnni && k.gemm[JM_TYPE_Q5_K] == jm_gemm_q5_K_avxvnni &&
          k.gemm[JM_TYPE_Q6_K] == jm_gemm_q6_K_avxvnni, "AVX2 with AVX-VNNI gemm kernels");
#endif
    jm_kernels_init(&k, avx512 | JM_CPU_AVX512VNNI);
    CHECK(k.gemm[JM_TYPE_Q2_K] == jm_gemm_q2_K_avx512vnni && k.gemm[JM_TYPE_Q3_K] == jm_gemm_q3_K_avx512vnni &&
          k.gemm[JM_TYPE_Q4_K] == jm_gemm_q4_K_avx512vnni && k.gemm[JM_TYPE_Q5_K] == jm_gemm_q5_K_avx512vnni &&
          k.gemm[JM_TYPE_Q6_K] == jm_gemm_q6_K_avx512vnni, "AVX-512 VNNI gemm kernels");
#if defined(JM_HAVE_AMX_KERNELS)
    jm_kernels_init(&k, avx512 | JM_CPU_AVX512VNNI | JM_CPU_AMX_INT8);
    CHECK(k.gemm[JM_TYPE_Q2_K] == jm_gemm_q2_K_avx512vnni && k.gemm[JM_TYPE_Q3_K] == jm_gemm_q3_K_avx512vnni &&
          k.gemm[JM_TYPE_Q4_K] == jm_gemm_q4_K_amx && k.gemm[JM_TYPE_Q5_K] == jm_gemm_q5_K_amx &&
          k.gemm[JM_TYPE_Q6_K] == jm_gemm_q6_K_avx512vnni, "AMX gemm kernels for Q4_K and Q5_K");
#endif
#endif
}


/*
 * One level per run (argv[1], see test_levels.h): each type's tiled kernel,
 * or where the level has none but its own dots (NEON), the products
 * through jm_gemm_by_dots with those dots.
 */
int main(int argc, char **argv) {
    g_rng = 0x9E3779B97F4A7C15ull;
    test_dispatch();
    int status;
    const test_level *l = test_level_arg(argc, argv, &status);
    if (!l) return g_fail ? 1 : status;
    jm_kernels k;
    jm_kernels_init(&k, l->needs);
    int tested = 0;
    for (int t = 0; t < NTYPES; ++t) {
        jm_gemm_fn gemm = k.gemm[TYPES[t]];
        if (!gemm && k.vec_dot[TYPES[t]] != jm_type_traits_get(TYPES[t])->vec_dot_scalar) {
            g_level_dots[t] = k.vec_dot[TYPES[t]];
            gemm = by_level_dots[t];
        }
        if (!gemm) continue;
        tested++;
        printf("%s %s\n", l->name, NAMES[t]);
        /* n, rows, cols: odd row counts, every column count up to 37
         * through the splits, and a full prefill batch */
        const int64_t shapes[][3] = { { 256, 37, 37 }, { 512, 21, 9 }, { 512, 16, 1 }, { 4096, 7, 5 },
                                      { 256, 19, 256 }, { 4096, 33, 2 } };
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; ++s) {
            problem p;
            make_problem(&p, t, shapes[s][0], shapes[s][1], shapes[s][2]);
            if (s % 2) randomize_weights(&p, t);
            check_against_dots(l->name, t, gemm, &p);
            check_pieces(l->name, t, gemm, &p);
            if (k.pack_lanes) check_packed(l->name, t, gemm, &p, k.pack_lanes);
            free_problem(&p);
        }
    }
    CHECK(tested > 0, "level %s has products to test", l->name);
    printf("level %s: %d gemm kernels tested, %d checks passed, %d failed\n", l->name, tested, g_pass, g_fail);
    return g_fail ? 1 : 0;
}
