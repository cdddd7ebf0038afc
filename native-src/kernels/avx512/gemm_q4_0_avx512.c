/*
 * gemm_q4_0_avx512.c - tiled Q4_0 weights x Q8_0 activations, AVX-512 VNNI
 * (the scheme is in gemm_legacy_avx512.h). The weights enter vpdpbusd as
 * signed nibble - 8.
 */
#include "gemm_legacy_avx512.h"

enum { BX = sizeof(jm_block_q4_0) };

/* The nibbles 0..15 (decode's form). */
static inline void q4_0_build_u(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out) {
    __m512i t[4];
    jm_gemm_quants(t, g, b, BX, 4);
    jm_gemm_nibbles(out->w, t);
}

static inline void q4_0_build(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out) {
    q4_0_build_u(g, b, out);
    for (int k = 0; k < 8; k++) out->w[k] = _mm512_sub_epi8(out->w[k], _mm512_set1_epi8(8));
    out->corr = jm_gemm_corr(out->w);
}

#define GEMM_BX BX
#define GEMM_NAME jm_gemm_q4_0_avx512vnni
#define GEMM_Q81 0
#define GEMM_BUILD q4_0_build
#define GEMM_BUILD_U q4_0_build_u
#define GEMM_OFF 8
#define GEMM_PACK_NQ 4
#include "gemm_legacy_avx512.h"
