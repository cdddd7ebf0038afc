/*
 * gemm_q8_0_avx512.c - tiled Q8_0 weights x Q8_0 activations, AVX-512 VNNI
 * (the scheme is in gemm_legacy_avx512.h); exact for every int8 weight and
 * activation.
 *
 * Decode's form (GEMM_BUILD_U) makes the weights vpdpbusd's unsigned
 * operand as w + 128 (w xor 0x80), against the activations as they are,
 * with the 128 * sum(y) taken off per activation block: nothing per weight
 * block but the xor, which the packed copy (jm_gemm_pack) has stored
 * already. Batches use the weights signed, with the -128 * sum(w) per row.
 */
#include "gemm_legacy_avx512.h"

enum { BX = sizeof(jm_block_q8_0) };

/* w + 128 as bytes: the packed copy holds them so, the rows hold w */
static inline void q8_0_build_u(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out) {
    jm_gemm_quants(out->w, g, b, BX, 8);
    if (!g->packed)
        for (int k = 0; k < 8; k++) out->w[k] = _mm512_xor_si512(out->w[k], _mm512_set1_epi8((char)0x80));
}

static inline void q8_0_build(const jm_gemm_rows *g, int64_t b, jm_gemm_wblk *out) {
    jm_gemm_quants(out->w, g, b, BX, 8);
    if (g->packed)
        for (int k = 0; k < 8; k++) out->w[k] = _mm512_xor_si512(out->w[k], _mm512_set1_epi8((char)0x80));
    out->corr = jm_gemm_corr(out->w);
}

#define GEMM_BX BX
#define GEMM_NAME jm_gemm_q8_0_avx512vnni
#define GEMM_Q81 0
#define GEMM_BUILD q8_0_build
#define GEMM_BUILD_U q8_0_build_u
#define GEMM_OFF 128
#define GEMM_PACK_NQ 8
#include "gemm_legacy_avx512.h"
