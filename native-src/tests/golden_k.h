/*
 * golden_k.h - the golden table of the K-quants: the inputs (an integer
 * generator and float arithmetic that is exact or correctly rounded IEEE,
 * no libm, so every platform draws the same rows), the procedure
 * (quantize, dequantize, dot) and its printout. test_quants_k.c runs it on
 * our code and compares with GOLDEN; scripts/golden-tables.sh runs it on
 * llama.cpp's libggml (golden_ggml.c) and prints the table GOLDEN must be.
 */
#ifndef JM_GOLDEN_K_H
#define JM_GOLDEN_K_H

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "test_util.h"

enum { NTYPES = 6 };  /* Q2_K .. Q8_K, in id order (ggml's ids too: 10 .. 15) */
static const char *const NAMES[NTYPES] = { "q2_K", "q3_K", "q4_K", "q5_K", "q6_K", "q8_K" };
static const int64_t BYTES[NTYPES] = { 84, 110, 144, 176, 210, 292 };
enum { GOLD_QK_K = 256 };

typedef void (*gk_quant_fn)(const float *x, void *y, int64_t n);
typedef void (*gk_dequant_fn)(const void *x, float *y, int64_t n);
typedef void (*gk_dot_fn)(int64_t n, float *s, const void *x, const void *y);

/* ---------------------------------------------------------------------------
 * Deterministic data: an integer generator and float arithmetic that is
 * exact or correctly rounded IEEE (no libm), so every platform produces the
 * same inputs bit for bit - the golden hashes depend on it.
 */
static void rng_seed(uint64_t s) { g_rng = s * 0x9E3779B97F4A7C15ull + 0x632BE59BD9B4E019ull; }

/* Rows of several characters, n a multiple of 256. */
enum { KIND_GAUSS, KIND_WEIGHTS, KIND_SUBSCALE, KIND_INT_TIES, KIND_HALF_ZERO, KIND_POSITIVE,
       KIND_TINY, KIND_LARGE, NKINDS };
static void gen_row(float *x, int n, int kind) {
    for (int e = 0; e < n; ++e) {
        float v;
        switch (kind) {
        case KIND_GAUSS:    v = rng_gauss(); break;
        case KIND_WEIGHTS:  /* 0.02-scale weights with ~1% outliers */
            v = rng_gauss() * 0.02f;
            if ((rng_next() & 127) < 1) v *= 12.0f;
            break;
        case KIND_SUBSCALE: v = rng_gauss() * 0.05f * (float)(1 + (e / 16) % 5); break;
        case KIND_INT_TIES: v = (float)((int)(rng_next() % 17) - 8); break;
        case KIND_HALF_ZERO: v = ((e / 32) % 3 == 1) ? 0.0f : (float)((int)(rng_next() % 9) - 4) * 0.5f; break;
        case KIND_POSITIVE: v = fabsf(rng_gauss()) + 0.1f; break;
        case KIND_TINY:     v = rng_gauss() * 1e-6f; break;
        default:            v = rng_gauss() * 3000.0f; break;
        }
        x[e] = v;
    }
}

static uint64_t fnv1a(const void *p, size_t n, uint64_t h) {
    const uint8_t *b = p;
    for (size_t i = 0; i < n; ++i) { h ^= b[i]; h *= 0x100000001B3ull; }
    return h;
}
#define FNV_SEED 0xCBF29CE484222325ull

/* ---------------------------------------------------------------------------
 * The golden procedure: each type quantizes one row of every kind, the
 * blocks are hashed (FNV-1a), dequantized and hashed again, and the
 * KIND_WEIGHTS row is dotted with a Q8_K row (the float's bits).
 */
typedef struct {
    gk_quant_fn   quant[NTYPES];
    gk_dequant_fn dequant[NTYPES];
    gk_dot_fn     dot[NTYPES - 1];
} kq_impl;

enum { GOLD_BLOCKS = 4, GOLD_N = GOLD_BLOCKS * GOLD_QK_K };

typedef struct {
    uint64_t quant[NTYPES][NKINDS]; /* hash of the blocks, per type and kind */
    uint64_t dequant[NTYPES];       /* hash of all dequantized floats       */
    uint32_t dot[NTYPES - 1];       /* bits of the dot of the KIND_WEIGHTS row with a Q8_K row */
} kq_golden;

static void golden_compute(const kq_impl *im, kq_golden *g) {
    static float x[GOLD_N], y[GOLD_N], act[GOLD_N];
    static uint8_t blocks[NKINDS][GOLD_BLOCKS * 292], q8[GOLD_BLOCKS * 292];
    memset(g, 0, sizeof *g);
    rng_seed(4242);
    gen_row(act, GOLD_N, KIND_GAUSS);
    im->quant[5](act, q8, GOLD_N);
    for (int t = 0; t < NTYPES; ++t) {
        uint64_t hd = FNV_SEED;
        for (int kind = 0; kind < NKINDS; ++kind) {
            rng_seed(1000u * (unsigned)kind + 7u);
            gen_row(x, GOLD_N, kind);
            memset(blocks[kind], 0, sizeof blocks[kind]);
            im->quant[t](x, blocks[kind], GOLD_N);
            g->quant[t][kind] = fnv1a(blocks[kind], (size_t)(GOLD_BLOCKS * BYTES[t]), FNV_SEED);
            im->dequant[t](blocks[kind], y, GOLD_N);
            hd = fnv1a(y, sizeof y, hd);
        }
        g->dequant[t] = hd;
        if (t < NTYPES - 1) {
            float s = 0.0f;
            im->dot[t](GOLD_N, &s, blocks[KIND_WEIGHTS], q8);
            memcpy(&g->dot[t], &s, 4);
        }
    }
}



#endif
