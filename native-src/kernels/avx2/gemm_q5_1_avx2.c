/*
 * gemm_q5_1_avx2.c - tiled Q5_1 weights x Q8_1 activations, AVX2 (the
 * scheme is in gemm_legacy_avx2.h). Nibbles plus the fifth bit, 0..31, as
 * for Q5_0; the min enters through Q8_1's s.
 */
#include "gemm_legacy_avx2.h"

enum { BX = sizeof(jm_block_q5_1) };

static inline void q5_1_build(const jm_gemm2_rows *g, int64_t b, __m256i w[8]) {
    __m256i t[4];
    jm_gemm2_t8x4(t, g, b * BX + 8);
    jm_gemm2_nibbles(w, t);
    jm_gemm2_add_qh(w, jm_gemm2_gather(g, b * BX + 4));
}

#define GEMM_BX BX
#define GEMM_NAME JM_AVX2_KERNEL(jm_gemm_q5_1)
#define GEMM_Q81 1
#define GEMM_OFF 0
#define GEMM_NW 8
#define GEMM_BUILD(g, b, out) q5_1_build(g, b, (out)->w)
#define GEMM_DOT(wb, yq) jm_gemm2_dot_u5((wb)->w, yq)
#include "gemm_legacy_avx2.h"
