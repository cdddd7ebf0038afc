/*
 * gemm_q5_0_avx2.c - tiled Q5_0 weights x Q8_0 activations, AVX2 (the
 * scheme is in gemm_legacy_avx2.h). Nibbles plus the fifth bit, 0..31, are
 * pmaddubsw's unsigned operand; four product steps fit int16
 * (4 * 2 * 31 * 128 < 32768), so two pmaddwd per block; -16 * sum(y) comes
 * with the activations.
 */
#include "gemm_legacy_avx2.h"

enum { BX = sizeof(jm_block_q5_0) };

static inline void q5_0_build(const jm_gemm2_rows *g, int64_t b, __m256i w[8]) {
    __m256i t[4];
    jm_gemm2_t8x4(t, g, b * BX + 6);
    jm_gemm2_nibbles(w, t);
    jm_gemm2_add_qh(w, jm_gemm2_gather(g, b * BX + 2));
}

#define GEMM_BX BX
#define GEMM_NAME JM_AVX2_KERNEL(jm_gemm_q5_0)
#define GEMM_Q81 0
#define GEMM_OFF 16
#define GEMM_NW 8
#define GEMM_BUILD(g, b, out) q5_0_build(g, b, (out)->w)
#define GEMM_DOT(wb, yq) jm_gemm2_dot_u5((wb)->w, yq)
#include "gemm_legacy_avx2.h"
