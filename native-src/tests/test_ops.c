/* test_ops.c - the f32 op kernels against their scalar twins. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jmamba.h"
#include "kernels/kernels.h"

#include "test_util.h"
#include "test_levels.h"

static uint64_t rng = 0x9E3779B97F4A7C15ull;
static float frand(void) {
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (float)((rng >> 11) * (1.0 / 9007199254740992.0)) * 2.0f - 1.0f;
}

static void check_scan_row(const char *name, jm_scan_row_fn fn) {
    const int64_t sizes[] = {1, 7, 16, 31, 64, 128, 129, 256};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        const int64_t n = sizes[k];
        float *s1 = malloc((n + 1) * 4), *s2 = malloc((n + 1) * 4), *B = malloc((n + 1) * 4), *C = malloc((n + 1) * 4);
        for (int64_t i = 0; i <= n; i++) { s1[i] = s2[i] = frand(); B[i] = frand(); C[i] = frand(); }
        /* offset by one float: unaligned rows */
        float r1 = jm_scan_row_scalar(s1 + 1, B + 1, C + 1, 0.93f, 0.37f, n);
        float r2 = fn(s2 + 1, B + 1, C + 1, 0.93f, 0.37f, n);
        double worst = 0, mag = 1e-6;
        for (int64_t i = 0; i <= n; i++) { worst = fmax(worst, fabs(s1[i] - s2[i])); mag = fmax(mag, fabs(s1[i])); }
        CHECK(worst / mag <= 1e-6, "%s n=%lld: states differ by %.3g", name, (long long)n, worst / mag);
        double sum_abs = 0;
        for (int64_t i = 0; i < n; i++) sum_abs += fabs(s1[i + 1] * C[i + 1]);
        CHECK(fabs(r1 - r2) <= 1e-6 * fmax(sum_abs, 1e-6), "%s n=%lld: dot %g vs %g", name, (long long)n, r1, r2);
        free(s1); free(s2); free(B); free(C);
    }
}

/* A head step against the scalar twin, and against the same ISA's row kernel (the AVX-512
   N = 128 path keeps B and C in registers but must update the state as the rows do). */
static void check_scan_head(const char *name, jm_scan_head_fn fn, jm_scan_row_fn row) {
    const int64_t Ns[] = {16, 64, 128, 96, 7};
    const int64_t P = 13;
    for (size_t k = 0; k < sizeof Ns / sizeof *Ns; k++) {
        const int64_t N = Ns[k];
        float *s1 = malloc(P * N * 4), *s2 = malloc(P * N * 4), *s3 = malloc(P * N * 4);
        float *B = malloc(N * 4), *C = malloc(N * 4), x[13], y1[13], y2[13], y3[13];
        for (int64_t i = 0; i < P * N; i++) s1[i] = s2[i] = s3[i] = frand();
        for (int64_t i = 0; i < N; i++) { B[i] = frand(); C[i] = frand(); }
        for (int64_t p = 0; p < P; p++) x[p] = frand();
        jm_scan_head_scalar(s1, B, C, x, y1, 0.91f, 0.3f, 0.7f, P, N);
        fn(s2, B, C, x, y2, 0.91f, 0.3f, 0.7f, P, N);
        for (int64_t p = 0; p < P; p++) y3[p] = row(s3 + p * N, B, C, 0.91f, x[p] * 0.3f, N) + 0.7f * x[p];
        double worst = 0;
        for (int64_t i = 0; i < P * N; i++) worst = fmax(worst, fabs(s1[i] - s2[i]));
        CHECK(worst <= 1e-6, "%s N=%lld: states differ by %.3g", name, (long long)N, worst);
        worst = 0;
        for (int64_t p = 0; p < P; p++) worst = fmax(worst, fabs(y1[p] - y2[p]));
        CHECK(worst <= 1e-5, "%s N=%lld: outputs differ by %.3g", name, (long long)N, worst);
        CHECK(memcmp(s2, s3, P * N * 4) == 0, "%s N=%lld: state not the bits of its row kernel", name, (long long)N);
        /* y's last add may be fused with D * x in the SIMD file: one rounding apart at most */
        worst = 0;
        for (int64_t p = 0; p < P; p++) worst = fmax(worst, fabs(y2[p] - y3[p]) / (1.0 + fabs(y3[p])));
        CHECK(worst <= 1e-6, "%s N=%lld: outputs differ from its row kernel by %.3g", name, (long long)N, worst);
        free(s1); free(s2); free(s3); free(B); free(C);
    }
}

/* One conv kernel against the scalar twin: outputs and the rolled state, for token counts
   shorter and longer than the window, odd channel ranges, strided inputs. */
static void check_conv(const char *name, jm_conv_fn fn) {
    const int64_t C = 77, stride = 101;
    const int32_t Ks[] = {4, 2, 1, 5};
    const int64_t Ts[] = {1, 2, 3, 9};
    for (size_t ki = 0; ki < sizeof Ks / sizeof *Ks; ki++)
    for (size_t ti = 0; ti < sizeof Ts / sizeof *Ts; ti++) {
        const int32_t K = Ks[ki];
        const int64_t T = Ts[ti];
        float *x = malloc(T * stride * 4), *w = malloc(K * C * 4), *b = malloc(C * 4);
        float *s1 = malloc((K + 1) * C * 4), *s2 = malloc((K + 1) * C * 4), *y1 = malloc(T * C * 4), *y2 = malloc(T * C * 4);
        for (int64_t i = 0; i < T * stride; i++) x[i] = 4 * frand();
        for (int64_t i = 0; i < K * C; i++) w[i] = frand();
        for (int64_t i = 0; i < C; i++) b[i] = frand();
        for (int64_t i = 0; i < (K + 1) * C; i++) s1[i] = s2[i] = 4 * frand();
        jm_conv_args a = { .x = x, .x_stride = stride, .y = y1, .state = s1, .w_t = w, .bias = b,
                           .channels = C, .d_conv = K, .n_tokens = T };
        jm_conv_args a2 = a;
        a2.y = y2;
        a2.state = s2;
        /* two ranges, so range boundaries inside a vector are covered */
        jm_conv_silu_scalar(&a, 0, 13); jm_conv_silu_scalar(&a, 13, C);
        fn(&a2, 0, 13); fn(&a2, 13, C);
        /* relative to the size of the terms summed (the sum itself may cancel to near zero) */
        double worst = 0;
        for (int64_t t = 0; t < T; t++)
            for (int64_t c = 0; c < C; c++) {
                double mag = fabs(b[c]);
                for (int32_t k = 0; k < K; k++) {
                    const int64_t r = t + k; /* row of state ++ x; the state copy s2 is rolled, so read the inputs again */
                    const float v = r < K - 1 ? NAN : x[(r - (K - 1)) * stride + c];
                    mag += isnan(v) ? 16.0 : fabs(w[k * C + c] * v);
                }
                worst = fmax(worst, fabs(y1[t * C + c] - y2[t * C + c]) / mag);
            }
        CHECK(worst <= 1e-6, "%s K=%d T=%lld: outputs differ by %.3g of the terms' size", name, K, (long long)T, worst);
        CHECK(memcmp(s1, s2, (K - 1) * C * 4) == 0, "%s K=%d T=%lld: rolled state equal", name, K, (long long)T);
        free(x); free(w); free(b); free(s1); free(s2); free(y1); free(y2);
    }
}

/* The scalar conv against a direct evaluation of the definition, in double. */
static void check_conv_definition(void) {
    const int64_t C = 5, T = 3;
    const int32_t K = 4;
    float x[3 * 5], w_t[4 * 5], b[5], s[3 * 5], y[3 * 5];
    for (int i = 0; i < 15; i++) { x[i] = frand(); s[i] = frand(); }
    for (int i = 0; i < 20; i++) w_t[i] = frand();
    for (int i = 0; i < 5; i++) b[i] = frand();
    float seq[6][5];
    for (int r = 0; r < 3; r++) for (int c = 0; c < C; c++) { seq[r][c] = s[r * C + c]; seq[r + 3][c] = x[r * C + c]; }
    jm_conv_args a = { .x = x, .x_stride = C, .y = y, .state = s, .w_t = w_t, .bias = b, .channels = C, .d_conv = K, .n_tokens = T };
    jm_conv_silu_scalar(&a, 0, C);
    double worst = 0;
    for (int t = 0; t < T; t++) for (int c = 0; c < C; c++) {
        double acc = b[c];
        for (int k = 0; k < K; k++) acc += (double)w_t[k * C + c] * seq[t + k][c];
        double want = acc / (1 + exp(-acc));
        worst = fmax(worst, fabs(want - y[t * C + c]));
    }
    CHECK(worst < 1e-6, "scalar conv equals the definition, %.3g", worst);
    int state_ok = 1;
    for (int r = 0; r < 3; r++) for (int c = 0; c < C; c++) state_ok &= s[r * C + c] == seq[r + 3][c];
    CHECK(state_ok, "the state holds the last three inputs");
}

static void check_silu_mul(const char *name, jm_silu_mul_fn fn) {
    const int64_t sizes[] = {1, 15, 16, 17, 100, 4096};
    for (size_t k = 0; k < sizeof sizes / sizeof *sizes; k++) {
        const int64_t n = sizes[k];
        float *y1 = malloc(n * 4), *y2 = malloc(n * 4), *z = malloc(n * 4);
        for (int64_t i = 0; i < n; i++) { y1[i] = y2[i] = 3 * frand(); z[i] = (i % 5 == 0 ? 40 : 8) * frand(); }
        jm_silu_mul_scalar(y1, z, n);
        fn(y2, z, n);
        double worst = 0;
        for (int64_t i = 0; i < n; i++) worst = fmax(worst, fabs(y1[i] - y2[i]) / fmax(1e-30, fabs(y1[i])));
        CHECK(worst <= 1e-6, "%s n=%lld: relative difference %.3g", name, (long long)n, worst);
        free(y1); free(y2); free(z);
    }
}

/* The kernels the dispatch table gives level l, each against its scalar twin. */
static void check_level(const test_level *l) {
    jm_kernels k;
    jm_kernels_init(&k, l->needs);
    CHECK(k.scan_row != jm_scan_row_scalar && k.scan_head != jm_scan_head_scalar && k.conv_silu != jm_conv_silu_scalar &&
              k.silu_mul != jm_silu_mul_scalar,
          "level %s has its own scan, conv and silu kernels", l->name);
    char name[64];
    snprintf(name, sizeof name, "scan_row %s", l->name);
    check_scan_row(name, k.scan_row);
    snprintf(name, sizeof name, "scan_head %s", l->name);
    check_scan_head(name, k.scan_head, k.scan_row);
    snprintf(name, sizeof name, "conv %s", l->name);
    check_conv(name, k.conv_silu);
    snprintf(name, sizeof name, "silu_mul %s", l->name);
    check_silu_mul(name, k.silu_mul);
}

/* The scalar kernels and the table. */
static void check_rest(void) {
    check_conv_definition();
    jm_kernels k;
    jm_kernels_init(&k, 0);
    CHECK(k.scan_row == jm_scan_row_scalar, "no features: the scalar scan row");
    CHECK(k.scan_head == jm_scan_head_scalar, "no features: the scalar scan head");
    check_scan_head("scan_head scalar", jm_scan_head_scalar, jm_scan_row_scalar);
    CHECK(k.conv_silu == jm_conv_silu_scalar, "no features: the scalar conv");
#if defined(JM_HAVE_X86_KERNELS)
    /* tables only: nothing runs, so the CPU need not have these */
    jm_kernels_init(&k, TL_AVX2);
    CHECK(k.scan_row == jm_scan_row_avx2 && k.scan_head == jm_scan_head_avx2 && k.conv_silu == jm_conv_silu_avx2 &&
              k.silu_mul == jm_silu_mul_avx2, "AVX2 picks the AVX2 op kernels");
    jm_kernels_init(&k, TL_AVX512);
    CHECK(k.scan_row == jm_scan_row_avx512 && k.scan_head == jm_scan_head_avx512 && k.conv_silu == jm_conv_silu_avx512 &&
              k.silu_mul == jm_silu_mul_avx512, "AVX-512 picks the AVX-512 op kernels");
#elif defined(JM_HAVE_NEON_KERNELS)
    jm_kernels_init(&k, JM_CPU_NEON);
    CHECK(k.scan_row == jm_scan_row_neon && k.scan_head == jm_scan_head_neon && k.conv_silu == jm_conv_silu_neon &&
              k.silu_mul == jm_silu_mul_neon, "NEON picks the NEON op kernels");
#endif
}

/* argv[1]: a level's kernels (test_levels.h); none: the scalar ones and the table. */
int main(int argc, char **argv) {
    const int status = test_levels_main(argc, argv, check_level, check_rest);
    return status ? status : test_report();
}
