/*
 * test_levels.h - the kernel levels a kernel test runs, one per ctest test.
 * CMake registers test_gemm_*_<level> for every level of the target's
 * architecture; a level this CPU lacks is not passed in silence: the test
 * prints which level and which features are missing and exits with
 * TEST_SKIP, which ctest (SKIP_RETURN_CODE) reports as skipped.
 */
#ifndef JM_TEST_LEVELS_H
#define JM_TEST_LEVELS_H

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "jmamba.h"

#define TEST_SKIP 77

typedef struct test_level {
    const char *name;
    uint32_t needs;      /* features the level's kernels run on */
    const char *lacking; /* what a CPU without them lacks, in words */
} test_level;

#define TL_AVX2   (JM_CPU_AVX2 | JM_CPU_FMA | JM_CPU_F16C)
#define TL_AVX512 (TL_AVX2 | JM_CPU_AVX512F | JM_CPU_AVX512BW | JM_CPU_AVX512VL)

static const test_level TEST_LEVELS[] = {
#if defined(JM_HAVE_X86_KERNELS)
    { "avx2", TL_AVX2, "AVX2, FMA or F16C" },
    { "avxvnni", TL_AVX2 | JM_CPU_AVXVNNI, "AVX-VNNI" },
    { "avx512", TL_AVX512, "AVX-512 F, BW or VL" },
    { "avx512vnni", TL_AVX512 | JM_CPU_AVX512VNNI, "AVX-512 VNNI" },
    { "amx", TL_AVX512 | JM_CPU_AVX512VNNI | JM_CPU_AMX_INT8, "AMX-INT8 (or the OS does not grant its tiles)" },
#elif defined(JM_HAVE_NEON_KERNELS)
    { "neon", JM_CPU_NEON, "NEON" },
    { "dotprod", JM_CPU_NEON | JM_CPU_DOTPROD, "the NEON dot product extension" },
#endif
    { NULL, 0, NULL },
};

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
        if ((jm_cpu_features() & l->needs) != l->needs) {
            printf("SKIP level %s: this CPU lacks %s, so its kernels are not tested here (exit %d: skipped)\n",
                   l->name, l->lacking, TEST_SKIP);
            *status = TEST_SKIP;
            return NULL;
        }
        return l;
    }
    fprintf(stderr, "%s: unknown level %s\n", argv[0], argv[1]);
    *status = 2;
    return NULL;
}

#endif
