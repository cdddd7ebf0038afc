/*
 * gemm_q4_1_avx512.c - tiled Q4_1 weights x Q8_1 activations, AVX-512 VNNI
 * (the scheme is in gemm_legacy_avx512.h). The nibbles 0..15 are
 * vpdpbusd's signed operand as they are; the min enters through Q8_1's s.
 */
#include "gemm_legacy_avx512.h"

enum { BX = sizeof(jm_block_q4_1) };

/* The quants as they are (decode's form). */
static inline void q4_1_build_u(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out) {
    __m512i t[4];
    jm_gemm_t16x4(t, g, b * BX + 4);
    jm_gemm_nibbles(out->w, t);
}

static inline void q4_1_build(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out) {
    q4_1_build_u(g, b, out);
    out->corr = jm_gemm_corr(out->w);
}

#define GEMM_BX BX
#define GEMM_NAME jm_gemm_q4_1_avx512vnni
#define GEMM_Q81 1
#define GEMM_BUILD q4_1_build
#define GEMM_BUILD_U q4_1_build_u
#include "gemm_legacy_avx512.h"
