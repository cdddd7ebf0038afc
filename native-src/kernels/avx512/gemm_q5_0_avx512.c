/*
 * gemm_q5_0_avx512.c - tiled Q5_0 weights x Q8_0 activations, AVX-512 VNNI
 * (the scheme is in gemm_legacy_avx512.h). Nibbles plus the fifth bit from
 * qh, minus 16, are vpdpbusd's signed operand.
 */
#include "gemm_legacy_avx512.h"

enum { BX = sizeof(jm_block_q5_0) };

/* The quants 0..31 (decode's form). */
static inline void q5_0_build_u(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out) {
    __m512i t[4];
    jm_gemm_t16x4(t, g, b * BX + 6);
    jm_gemm_nibbles(out->w, t);
    jm_gemm_add_qh(out->w, jm_gemm_gather(g, b * BX + 2));
}

static inline void q5_0_build(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out) {
    q5_0_build_u(g, b, out);
    for (int k = 0; k < 8; k++) out->w[k] = _mm512_sub_epi8(out->w[k], _mm512_set1_epi8(16));
    out->corr = jm_gemm_corr(out->w);
}

#define GEMM_BX BX
#define GEMM_NAME jm_gemm_q5_0_avx512vnni
#define GEMM_Q81 0
#define GEMM_BUILD q5_0_build
#define GEMM_BUILD_U q5_0_build_u
#define GEMM_OFF 16
#include "gemm_legacy_avx512.h"
