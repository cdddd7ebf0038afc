/* test_ops.c - the f32 op kernels against their scalar twins. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jmamba.h"
#include "kernels/kernels.h"

static int passed, failed;
#define CHECK(cond, ...) do { \
    if (cond) passed++; else { failed++; printf("FAIL %s:%d: ", __FILE__, __LINE__); printf(__VA_ARGS__); printf("\n"); } \
} while (0)

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

int main(void) {
    const uint32_t f = jm_cpu_features();
    const uint32_t avx2 = JM_CPU_AVX2 | JM_CPU_FMA | JM_CPU_F16C;
    const uint32_t avx512 = avx2 | JM_CPU_AVX512F | JM_CPU_AVX512BW | JM_CPU_AVX512VL;
#if defined(JM_HAVE_X86_KERNELS)
    if ((f & avx2) == avx2) check_scan_row("scan_row avx2", jm_scan_row_avx2);
    else printf("skip: no AVX2\n");
    if ((f & avx512) == avx512) check_scan_row("scan_row avx512", jm_scan_row_avx512);
    else printf("skip: no AVX-512\n");
#endif
    jm_kernels k;
    jm_kernels_init(&k, 0);
    CHECK(k.scan_row == jm_scan_row_scalar, "no features: the scalar scan row");
    (void)avx512;
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
