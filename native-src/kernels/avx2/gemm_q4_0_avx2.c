/*
 * gemm_q4_0_avx2.c - tiled Q4_0 weights x Q8_0 activations, AVX2 (the
 * scheme is in gemm_legacy_avx2.h). The nibbles 0..15 are pmaddubsw's
 * unsigned operand; the 8 products of a block step stay within int16
 * (8 * 2 * 15 * 128 < 32768), so one pmaddwd per block; -8 * sum(y) comes
 * with the activations.
 */
#include "gemm_legacy_avx2.h"

enum { BX = sizeof(jm_block_q4_0) };

static inline void q4_0_build(const jm_gemm2_rows *g, int64_t b, __m256i w[8]) {
    __m256i t[4];
    jm_gemm2_quants(t, g, b, BX, 4);
    jm_gemm2_nibbles(w, t);
}

#define GEMM_BX BX
#define GEMM_NAME JM_AVX2_KERNEL(jm_gemm_q4_0)
#define GEMM_Q81 0
#define GEMM_OFF 8
#define GEMM_PACK_NQ 4
#define GEMM_NW 8
#define GEMM_BUILD(g, b, out) q4_0_build(g, b, (out)->w)
#define GEMM_DOT(wb, yq) jm_gemm2_dot_u4((wb)->w, yq)
#include "gemm_legacy_avx2.h"
