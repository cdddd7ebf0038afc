/*
 * golden_legacy.h - the golden table of the legacy types (F16, BF16, Q4_0 ..
 * Q8_1): one row of awkward blocks, quantized with the reference rounding,
 * hashed. test_quants_legacy.c compares our reference quantizers' hashes
 * with GOLDEN_LEGACY; scripts/golden-tables.sh computes the table from
 * llama.cpp's libggml (golden_ggml.c).
 */
#ifndef JM_GOLDEN_LEGACY_H
#define JM_GOLDEN_LEGACY_H

#include <math.h>
#include <stdint.h>
#include <stddef.h>

#include "test_util.h"

/* ggml's ids, which are ours too */
enum { GL_F16 = 1, GL_Q4_0 = 2, GL_Q4_1 = 3, GL_Q5_0 = 6, GL_Q5_1 = 7, GL_Q8_0 = 8, GL_Q8_1 = 9, GL_BF16 = 30 };
enum { GL_NTYPES = 8 };
static const int32_t GL_TYPES[GL_NTYPES] = { GL_F16, GL_BF16, GL_Q4_0, GL_Q4_1, GL_Q5_0, GL_Q5_1, GL_Q8_0, GL_Q8_1 };
static const char *const GL_NAMES[GL_NTYPES] = { "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q8_1" };

/* 64 blocks with varied scales and the awkward cases every quantizer meets.
 * The golden hashes are of ggml's reference quantizers on this row. */
#define GOLDEN_N 2048
static void golden_input(float *x) {
    g_rng = 20261123u;
    for (int b = 0; b < GOLDEN_N / 32; b++) {
        float *v = x + 32 * b;
        const float scale = ldexpf(1.0f, (b % 13) - 6);
        for (int j = 0; j < 32; j++) v[j] = rng_gauss() * scale;
        if (b % 7 == 3) for (int j = 0; j < 32; j++) v[j] = v[0];          /* flat: d = 0 for Q4_1/Q5_1 */
        if (b % 11 == 5) v[(b * 5) % 32] *= 100.0f;                          /* one outlier */
        if (b % 9 == 4) {                                                    /* exact .5 ties for Q8 */
            for (int j = 0; j < 32; j++) v[j] = (float)(4 * j - 63) + 0.5f;
            v[7] = 127.0f;
        }
        if (b % 17 == 8) for (int j = 0; j < 32; j++) v[j] = (j & 1) ? -0.0f : 0.0f;
        if (b == 63) { v[0] = -7.0f; v[1] = 7.0f; }                          /* tie on |max|: first wins */
    }
}

static uint64_t golden_fnv1a(const void *p, size_t n) {
    const uint8_t *b = p;
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) { h ^= b[i]; h *= 0x100000001b3ull; }
    return h;
}

/* Bytes of n values of a golden type. */
static size_t golden_row_bytes(int32_t type, int64_t n) {
    switch (type) {
    case GL_F16: case GL_BF16: return (size_t)n * 2;
    case GL_Q4_0: return (size_t)n / 32 * 18;
    case GL_Q4_1: return (size_t)n / 32 * 20;
    case GL_Q5_0: return (size_t)n / 32 * 22;
    case GL_Q5_1: return (size_t)n / 32 * 24;
    case GL_Q8_0: return (size_t)n / 32 * 34;
    default:      return (size_t)n / 32 * 36; /* Q8_1 */
    }
}

#endif
