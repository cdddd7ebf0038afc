/*
 * gemm_q5_1_avx512.c - tiled Q5_1 weights x Q8_1 activations, AVX-512 VNNI
 * (the scheme is in gemm_legacy_avx512.h). Nibbles plus the fifth bit,
 * 0..31, are vpdpbusd's signed operand; the min enters through Q8_1's s.
 */
#include "gemm_legacy_avx512.h"

enum { BX = sizeof(jm_block_q5_1) };

/* The quants as they are (decode's form). */
static inline void q5_1_build_u(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out) {
    __m512i t[4];
    jm_gemm_t16x4(t, g, b * BX + 8);
    jm_gemm_nibbles(out->w, t);
    jm_gemm_add_qh(out->w, jm_gemm_gather(g, b * BX + 4));
}

static inline void q5_1_build(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out) {
    q5_1_build_u(g, b, out);
    out->corr = jm_gemm_corr(out->w);
}

#define GEMM_BX BX
#define GEMM_NAME jm_gemm_q5_1_avx512vnni
#define GEMM_Q81 1
#define GEMM_BUILD q5_1_build
#define GEMM_BUILD_U q5_1_build_u
#include "gemm_legacy_avx512.h"
