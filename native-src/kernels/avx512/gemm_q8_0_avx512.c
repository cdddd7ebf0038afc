/*
 * gemm_q8_0_avx512.c - tiled Q8_0 weights x Q8_0 activations, AVX-512 VNNI
 * (the scheme is in gemm_legacy_avx512.h). The int8 weights are vpdpbusd's
 * signed operand as they are; exact for every int8 weight and activation.
 */
#include "gemm_legacy_avx512.h"

enum { BX = sizeof(jm_block_q8_0) };

static inline void q8_0_build(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out) {
    jm_gemm_quants(out->w, g, b, BX, 8);
    out->corr = jm_gemm_corr(out->w);
}

#define GEMM_BX BX
#define GEMM_NAME jm_gemm_q8_0_avx512vnni
#define GEMM_Q81 0
#define GEMM_BUILD q8_0_build
#define GEMM_PACK_NQ 8
#include "gemm_legacy_avx512.h"
