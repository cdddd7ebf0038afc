/*
 * test_util.h - what every C test shares: CHECK, which counts and reports
 * without stopping, a deterministic generator (splitmix64; no libm in the
 * values, so every platform draws the same inputs) and the final report.
 * Each test seeds g_rng where its inputs must be reproducible.
 */
#ifndef JM_TEST_UTIL_H
#define JM_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>

static int g_pass, g_fail;

#define CHECK(cond, ...)                                              \
    do {                                                              \
        if (cond) {                                                   \
            g_pass++;                                                 \
        } else {                                                      \
            g_fail++;                                                 \
            printf("FAIL %s:%d: ", __FILE__, __LINE__);               \
            printf(__VA_ARGS__);                                      \
            printf("\n");                                             \
        }                                                             \
    } while (0)

static uint64_t g_rng;

static inline uint64_t rng_next(void) {
    uint64_t z = (g_rng += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* [0, 1) in steps of 2^-24 */
static inline float rng_uniform(void) { return (float)(rng_next() >> 40) * 0x1p-24f; }

/* Irwin-Hall: the sum of 12 uniforms, mean 0, variance 1 */
static inline float rng_gauss(void) {
    float s = 0.0f;
    for (int i = 0; i < 12; i++) s += rng_uniform();
    return s - 6.0f;
}

/* Prints the tally; the exit status of main. */
static inline int test_report(void) {
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}

#endif
