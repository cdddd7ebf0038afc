/*
 * test_scan.c - the selective scan. The chunked form long inputs take
 * against a recurrence in double precision written here (the oracle), and
 * against the same tokens one call each (the recurrent path); thread counts
 * and instruction sets give the same bits; the scalar kernels (which keep
 * the recurrence) against the oracle; the chunked form's matrix product
 * against its scalar twin. Run with a level (test_levels.h), the level's
 * kernels and the chunked form on them; without, the scalar recurrence.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jmamba.h"
#include "kernels/kernels.h"

#include "test_util.h"
#include "test_levels.h"

/* ---- the matrix product, kernel against twin ---- */

static void check_ssd_gemm(const char *name, jm_ssd_gemm_fn fn) {
    const int64_t shapes[][3] = { {64, 64, 128}, {128, 64, 64}, {64, 64, 64}, {13, 64, 128}, {64, 37, 9},
                                  {1, 1, 1}, {5, 80, 3}, {7, 17, 7}, {3, 130, 33} };
    const float betas[] = {0.0f, 1.0f, 0.625f};
    g_rng = 42;
    for (size_t si = 0; si < sizeof shapes / sizeof *shapes; si++)
        for (int causal = 0; causal < 2; causal++)
            for (size_t bi = 0; bi < 3; bi++) {
                const int64_t m = shapes[si][0], n = shapes[si][1], k = shapes[si][2];
                const int64_t lda = k + 3, ldb = n + 5, ldc = n + 2; /* rows apart, not packed */
                float *a = malloc(m * lda * 4), *b = malloc(k * ldb * 4), *c1 = malloc(m * ldc * 4), *c2 = malloc(m * ldc * 4);
                float *scale = malloc(m * 4);
                for (int64_t i = 0; i < m * lda; i++) a[i] = rng_gauss();
                if (causal)
                    for (int64_t i = 0; i < m; i++)
                        for (int64_t kk = i + 1; kk < k; kk++) a[i * lda + kk] = 0.0f;
                for (int64_t i = 0; i < k * ldb; i++) b[i] = rng_gauss();
                for (int64_t i = 0; i < m * ldc; i++) c1[i] = c2[i] = rng_gauss();
                for (int64_t i = 0; i < m; i++) scale[i] = rng_gauss();
                const float *rs = bi == 2 ? scale : NULL; /* with and without row scales */
                jm_ssd_gemm_scalar(c1, ldc, betas[bi], rs, a, lda, b, ldb, m, n, k, causal);
                fn(c2, ldc, betas[bi], rs, a, lda, b, ldb, m, n, k, causal);
                CHECK(memcmp(c1, c2, m * ldc * 4) == 0, "%s %lldx%lldx%lld causal %d beta %g%s: the twin's bits",
                      name, (long long)m, (long long)n, (long long)k, causal, betas[bi], rs ? " row scales" : "");
                free(a); free(b); free(c1); free(c2); free(scale);
            }
}

static void check_transpose(const char *name, jm_transpose_fn fn) {
    const int64_t shapes[][2] = { {64, 128}, {128, 64}, {8, 8}, {13, 7}, {64, 19}, {3, 130}, {1, 1} };
    for (size_t si = 0; si < sizeof shapes / sizeof *shapes; si++) {
        const int64_t rows = shapes[si][0], cols = shapes[si][1], lds = cols + 3, ldd = rows + 5;
        float *src = malloc(rows * lds * 4), *d1 = malloc(cols * ldd * 4), *d2 = malloc(cols * ldd * 4);
        for (int64_t i = 0; i < rows * lds; i++) src[i] = (float)i;
        for (int64_t i = 0; i < cols * ldd; i++) d1[i] = d2[i] = -1.0f;
        jm_transpose_scalar(d1, ldd, src, lds, rows, cols);
        fn(d2, ldd, src, lds, rows, cols);
        int ok = memcmp(d1, d2, cols * ldd * 4) == 0;
        for (int64_t r = 0; r < rows; r++)
            for (int64_t c = 0; c < cols; c++) ok &= d1[c * ldd + r] == src[r * lds + c];
        CHECK(ok, "%s %lldx%lld: transposed, padding untouched", name, (long long)rows, (long long)cols);
        free(src); free(d1); free(d2);
    }
}

/* ---- the scan ---- */

typedef struct shape { int32_t H, P, N, G; } shape;

typedef struct inputs {
    shape sh;
    int64_t T, conv_dim;
    float *xbc, *dt, *dt_bias, *a, *d, *s0;
} inputs;

/* Random inputs; head 0 decays to nothing within a token, head 1 not at all, the rest in between.
   Head 2's dt + dt_bias lies in (4, 20), where softplus is log1p(exp(x)) but differs from x by up
   to 2%, head 3's above 20, where it is x; head 2's decays flush to zero within a few tokens. */
static inputs make_inputs(shape sh, int64_t T) {
    inputs in = { .sh = sh, .T = T, .conv_dim = (int64_t)sh.H * sh.P + 2 * (int64_t)sh.G * sh.N };
    in.xbc = malloc(T * in.conv_dim * 4);
    in.dt = malloc(T * (sh.H + 1) * 4);
    in.dt_bias = malloc(sh.H * 4); in.a = malloc(sh.H * 4); in.d = malloc(sh.H * 4);
    in.s0 = malloc((int64_t)sh.H * sh.P * sh.N * 4);
    for (int64_t i = 0; i < T * in.conv_dim; i++) in.xbc[i] = rng_gauss();
    for (int64_t i = 0; i < T * (sh.H + 1); i++) in.dt[i] = rng_gauss();
    for (int32_t h = 0; h < sh.H; h++) {
        in.dt_bias[h] = h == 2 ? 5.0f : h == 3 ? 30.0f : -3.0f + rng_uniform();
        in.a[h] = h == 0 ? -1e4f : h == 1 ? 0.0f : h == 3 ? -0.01f : -(0.5f + 8.0f * rng_uniform());
        in.d[h] = 1.0f + 0.1f * rng_gauss();
    }
    for (int64_t i = 0; i < (int64_t)sh.H * sh.P * sh.N; i++) in.s0[i] = 0.5f * rng_gauss();
    return in;
}

static void free_inputs(inputs *in) {
    free(in->xbc); free(in->dt); free(in->dt_bias); free(in->a); free(in->d); free(in->s0);
}

/* The recurrence in double precision: the oracle. */
static void oracle(const inputs *in, double *s, double *y) {
    const int64_t H = in->sh.H, P = in->sh.P, N = in->sh.N, G = in->sh.G, di = H * P;
    for (int64_t i = 0; i < H * P * N; i++) s[i] = in->s0[i];
    for (int64_t t = 0; t < in->T; t++)
        for (int64_t h = 0; h < H; h++) {
            const float *row = in->xbc + t * in->conv_dim;
            const int64_t g = h / (H / G);
            const double raw = (double)in->dt[t * (H + 1) + h] + in->dt_bias[h];
            const double dt = raw > 20.0 ? raw : log1p(exp(raw));
            const double dA = exp(dt * in->a[h]);
            for (int64_t p = 0; p < P; p++) {
                double acc = 0;
                for (int64_t n = 0; n < N; n++) {
                    double *sv = &s[(h * P + p) * N + n];
                    *sv = *sv * dA + dt * row[h * P + p] * row[di + g * N + n];
                    acc += *sv * row[di + G * N + g * N + n];
                }
                y[t * di + h * P + p] = acc + in->d[h] * row[h * P + p];
            }
        }
}

/* Runs tokens [t0, t0 + n) of in from state s, writing their outputs to y (rows of H * P). */
static jm_status scan(jm_context *ctx, const inputs *in, float *s, float *y, int64_t t0, int64_t n) {
    const shape sh = in->sh;
    jm_error err;
    jm_status st = jm_ssm_scan(ctx, in->xbc + t0 * in->conv_dim, in->dt + t0 * (sh.H + 1), sh.H + 1, in->dt_bias,
                               in->a, in->d, s, y + t0 * (int64_t)sh.H * sh.P, n, sh.H, sh.P, sh.N, sh.G, &err);
    if (st != JM_OK) printf("jm_ssm_scan: %s\n", err.message);
    return st;
}

/* max |a - b| / max |b| */
static double rel(const float *a, const double *b, int64_t n) {
    double worst = 0, mag = 1e-30;
    for (int64_t i = 0; i < n; i++) { worst = fmax(worst, fabs(a[i] - b[i])); mag = fmax(mag, fabs(b[i])); }
    return worst / mag;
}

static double relf(const float *a, const float *b, int64_t n) {
    double worst = 0, mag = 1e-30;
    for (int64_t i = 0; i < n; i++) { worst = fmax(worst, fabs(a[i] - b[i])); mag = fmax(mag, fabs(b[i])); }
    return worst / mag;
}

/* ctx2 against the oracle and single steps; ctx1, ctx3 and avx2 (where not NULL) give its bits. */
static void check_scan(shape sh, int64_t T, jm_context *ctx2, jm_context *ctx1, jm_context *ctx3, jm_context *avx2) {
    g_rng = 7 + T * 131 + sh.P;
    inputs in = make_inputs(sh, T);
    const int64_t S = (int64_t)sh.H * sh.P * sh.N, Y = T * (int64_t)sh.H * sh.P;
    double *so = malloc(S * 8), *yo = malloc(Y * 8);
    oracle(&in, so, yo);
    float *s = malloc(S * 4), *y = malloc(Y * 4), *s1 = malloc(S * 4), *y1 = malloc(Y * 4);
    char what_shape[96];
    snprintf(what_shape, sizeof what_shape, "H %d P %d N %d G %d, %lld tokens", sh.H, sh.P, sh.N, sh.G, (long long)T);

    memcpy(s, in.s0, S * 4);
    CHECK(scan(ctx2, &in, s, y, 0, T) == JM_OK, "scan runs");
    double ey = rel(y, yo, Y), es = rel(s, so, S);
    if (getenv("JM_TEST_VERBOSE")) printf("%s: outputs %.3g, state %.3g\n", what_shape, ey, es);
    CHECK(ey < 5e-6 && es < 5e-6, "%s: outputs %.3g, state %.3g from the double recurrence", what_shape, ey, es);

    /* token by token: the recurrent path */
    memcpy(s1, in.s0, S * 4);
    for (int64_t t = 0; t < T; t++) scan(ctx2, &in, s1, y1, t, 1);
    CHECK(relf(y, y1, Y) < 1e-5 && relf(s, s1, S) < 1e-5, "%s: one call equals single steps: %.3g, %.3g",
          what_shape, relf(y, y1, Y), relf(s, s1, S));

    /* the chunked form's bits depend on neither thread count nor instruction set */
    jm_context *others[3] = {ctx1, ctx3, avx2};
    const char *what[3] = {"1 thread", "3 threads", "the AVX2 kernels"};
    for (int i = 0; i < 3; i++) {
        if (!others[i]) continue;
        memcpy(s1, in.s0, S * 4);
        scan(others[i], &in, s1, y1, 0, T);
        CHECK(memcmp(y, y1, Y * 4) == 0 && memcmp(s, s1, S * 4) == 0, "%s: %s give the same bits", what_shape, what[i]);
    }
    free(s); free(y); free(s1); free(y1); free(so); free(yo);
    free_inputs(&in);
}

/* Lengths around the 64-token chunks, and past 256 tokens. */
static const shape k_shapes[] = { {4, 64, 128, 1}, {6, 16, 16, 2}, {3, 13, 7, 3}, {8, 64, 128, 2} };
static const int64_t k_lengths[] = {16, 17, 63, 64, 65, 200, 300};
#define N_SHAPES (sizeof k_shapes / sizeof *k_shapes)
#define N_LENGTHS (sizeof k_lengths / sizeof *k_lengths)

/* Level l's matrix product and transpose against their twins, then the chunked scan on its kernels. */
static void check_level(const test_level *l) {
    jm_kernels k;
    jm_kernels_init(&k, l->needs);
    CHECK(k.ssd_gemm != NULL && k.ssd_gemm != jm_ssd_gemm_scalar, "level %s has its own ssd_gemm", l->name);
    char name[64];
    snprintf(name, sizeof name, "ssd_gemm %s", l->name);
    if (k.ssd_gemm) check_ssd_gemm(name, k.ssd_gemm);
    snprintf(name, sizeof name, "transpose %s", l->name);
    if (k.transpose != jm_transpose_scalar) check_transpose(name, k.transpose);
    jm_context *c2 = test_context(2, l->needs), *c1 = test_context(1, l->needs), *c3 = test_context(3, l->needs);
    /* AVX-512 gives the AVX2 kernels' bits */
    jm_context *ca = test_level_is(l, "avx512") ? test_context(2, TL_AVX2) : NULL;
    CHECK(jm_context_kernel_level(c2) == k.level, "a context of level %s runs it", l->name);
    for (size_t i = 0; i < N_SHAPES; i++)
        for (size_t j = 0; j < N_LENGTHS; j++) check_scan(k_shapes[i], k_lengths[j], c2, c1, c3, ca);
    jm_context_free(c1); jm_context_free(c2); jm_context_free(c3); jm_context_free(ca);
}

/* The scalar kernels, which keep the recurrence for any length. */
static void check_rest(void) {
    check_transpose("transpose scalar", jm_transpose_scalar);
    jm_context *cs = test_context(2, 0);
    for (size_t i = 0; i < N_SHAPES; i++)
        for (size_t j = 0; j < N_LENGTHS; j++) check_scan(k_shapes[i], k_lengths[j], cs, NULL, NULL, NULL);
    jm_context_free(cs);
}

/* argv[1]: a level's kernels (test_levels.h); none: the scalar ones. */
int main(int argc, char **argv) {
    const int status = test_levels_main(argc, argv, check_level, check_rest);
    return status ? status : test_report();
}
