/*
 * test_levels.h - the kernel levels a kernel test runs, one per ctest test.
 * CMake registers TEST_LEVEL for every level of the target's architecture
 * that the test has kernels of (JM_LEVELS_<test> in CMakeLists.txt); run
 * without a level, a test checks what no level owns. A level this CPU lacks
 * is not passed in silence: the test prints which level and which features
 * are missing and exits with TEST_SKIP, which ctest (SKIP_RETURN_CODE)
 * reports as skipped.
 *
 * JM_TEST_HIDE_LEVELS=amx,avxvnni (any level names, comma separated) makes
 * the tests see a CPU without those levels' own features: their levels are
 * skipped and no context of the tests may use them. It shows on a machine
 * that has everything what a smaller one reports.
 */
#ifndef JM_TEST_LEVELS_H
#define JM_TEST_LEVELS_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jmamba.h"

#define TEST_SKIP 77

typedef struct test_level {
    const char *name;
    uint32_t needs;      /* features the level's kernels run on */
    uint32_t own;        /* the features that make it this level, not the one below */
    int built;           /* this build has its kernels */
    const char *lacking; /* what a CPU without them lacks, in words */
} test_level;

#define TL_AVX2   (JM_CPU_AVX2 | JM_CPU_FMA | JM_CPU_F16C)
#define TL_AVX512 (TL_AVX2 | JM_CPU_AVX512F | JM_CPU_AVX512BW | JM_CPU_AVX512VL)

#if defined(JM_HAVE_AVXVNNI_KERNELS)
#define TL_AVXVNNI_BUILT 1
#else
#define TL_AVXVNNI_BUILT 0
#endif
#if defined(JM_HAVE_AMX_KERNELS)
#define TL_AMX_BUILT 1
#else
#define TL_AMX_BUILT 0
#endif

static const test_level TEST_LEVELS[] = {
#if defined(JM_HAVE_X86_KERNELS)
    { "avx2", TL_AVX2, TL_AVX2, 1, "AVX2, FMA or F16C" },
    { "avxvnni", TL_AVX2 | JM_CPU_AVXVNNI, JM_CPU_AVXVNNI, TL_AVXVNNI_BUILT, "AVX-VNNI" },
    { "avx512", TL_AVX512, JM_CPU_AVX512F | JM_CPU_AVX512BW | JM_CPU_AVX512VL, 1, "AVX-512 F, BW or VL" },
    { "avx512bf16", TL_AVX512 | JM_CPU_AVX512BF16, JM_CPU_AVX512BF16, 1, "AVX-512 BF16" },
    { "avx512vnni", TL_AVX512 | JM_CPU_AVX512VNNI, JM_CPU_AVX512VNNI, 1, "AVX-512 VNNI" },
    { "amx", TL_AVX512 | JM_CPU_AVX512VNNI | JM_CPU_AMX_INT8, JM_CPU_AMX_INT8, TL_AMX_BUILT,
      "AMX-INT8 (or the OS does not grant its tiles)" },
#elif defined(JM_HAVE_NEON_KERNELS)
    { "neon", JM_CPU_NEON, JM_CPU_NEON, 1, "NEON" },
    { "dotprod", JM_CPU_NEON | JM_CPU_DOTPROD, JM_CPU_DOTPROD, 1, "the NEON dot product extension" },
#endif
    { NULL, 0, 0, 0, NULL },
};

/* This CPU's features less the levels JM_TEST_HIDE_LEVELS names: what every test asks for. */
static inline uint32_t test_cpu_features(void) {
    const char *hide = getenv("JM_TEST_HIDE_LEVELS");
    uint32_t f = jm_cpu_features();
    if (!hide) return f;
    for (const test_level *l = TEST_LEVELS; l->name; l++) {
        const size_t n = strlen(l->name);
        for (const char *p = strstr(hide, l->name); p; p = strstr(p + 1, l->name))
            if ((p == hide || p[-1] == ',') && (p[n] == ',' || p[n] == 0)) f &= ~l->own;
    }
    return f;
}

/*
 * Products a level runs through jm_gemm_by_dots (NEON has no tiled kernels): wrappers with the
 * jm_gemm_fn signature over the level's dot of type slot i, set in g_level_dots[i] (needs
 * kernels/kernels.h included first).
 */
#if defined(JM_KERNELS_H)
static jm_vec_dot_fn g_level_dots[5];
static void dots0(const jm_gemm_args *a, int64_t r0, int64_t r1) { jm_gemm_by_dots(g_level_dots[0], a, r0, r1); }
static void dots1(const jm_gemm_args *a, int64_t r0, int64_t r1) { jm_gemm_by_dots(g_level_dots[1], a, r0, r1); }
static void dots2(const jm_gemm_args *a, int64_t r0, int64_t r1) { jm_gemm_by_dots(g_level_dots[2], a, r0, r1); }
static void dots3(const jm_gemm_args *a, int64_t r0, int64_t r1) { jm_gemm_by_dots(g_level_dots[3], a, r0, r1); }
static void dots4(const jm_gemm_args *a, int64_t r0, int64_t r1) { jm_gemm_by_dots(g_level_dots[4], a, r0, r1); }
static const jm_gemm_fn by_level_dots[5] = { dots0, dots1, dots2, dots3, dots4 };
#endif

/*
 * The level argv[1] names, or NULL after printing why: an unknown name
 * (*status = 2) or a level this CPU cannot run (*status = TEST_SKIP).
 */
static const test_level *test_level_arg(int argc, char **argv, int *status) {
    *status = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s LEVEL (one of:", argv[0]);
        for (const test_level *l = TEST_LEVELS; l->name; l++) fprintf(stderr, " %s", l->name);
        fprintf(stderr, ")\n");
        *status = 2;
        return NULL;
    }
    for (const test_level *l = TEST_LEVELS; l->name; l++) {
        if (strcmp(l->name, argv[1]) != 0) continue;
        if (!l->built) {
            printf("SKIP level %s: this build has no %s kernels (its compiler cannot build them), so none are tested "
                   "(exit %d: skipped)\n", l->name, l->name, TEST_SKIP);
            *status = TEST_SKIP;
            return NULL;
        }
        if ((test_cpu_features() & l->needs) != l->needs) {
            printf("SKIP level %s: this CPU lacks %s%s, so its kernels are not tested here (exit %d: skipped)\n",
                   l->name, l->lacking, (jm_cpu_features() & l->needs) == l->needs ? " (hidden by JM_TEST_HIDE_LEVELS)" : "",
                   TEST_SKIP);
            *status = TEST_SKIP;
            return NULL;
        }
        return l;
    }
    fprintf(stderr, "%s: unknown level %s\n", argv[0], argv[1]);
    *status = 2;
    return NULL;
}

/* For a test that also runs without a level (its level-free checks): NULL with *status 0 then. */
static inline const test_level *test_level_opt(int argc, char **argv, int *status) {
    *status = 0;
    return argc < 2 ? NULL : test_level_arg(argc, argv, status);
}

/*
 * The main of a test with level runs: argv[1] names the level check_level
 * checks; without it check_rest runs. Returns the skip or usage status, or
 * 0 once the checks ran (the test then reports its tally).
 */
static inline int test_levels_main(int argc, char **argv, void (*check_level)(const test_level *),
                                   void (*check_rest)(void)) {
    int status;
    const test_level *l = test_level_opt(argc, argv, &status);
    if (status) return status;
    if (l) check_level(l);
    else check_rest();
    return 0;
}

/* A context of n threads whose kernels may use the features mask (0: scalar only). */
static inline jm_context *test_context(int threads, uint32_t mask) {
    jm_context_params cp = jm_context_default_params();
    cp.n_threads = threads;
    cp.cpu_features_mask = mask;
    jm_context *ctx = NULL;
    jm_context_create(&cp, &ctx, NULL);
    return ctx;
}

/* Whether l is the level named name. */
static inline int test_level_is(const test_level *l, const char *name) { return l && strcmp(l->name, name) == 0; }

#endif
