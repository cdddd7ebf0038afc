/*
 * gemm_q8_0_avx512.c - tiled Q8_0 weights x Q8_0 activations, AVX-512 VNNI.
 * Weights xor 0x80 are x+128, an unsigned operand for vpdpbusd; the +128
 * comes off through the accumulation's start, -128*sum(y), computed once
 * per activation block for all rows of a tile (gemm_legacy_avx512.h).
 * Exact for every int8 weight and activation.
 */
#include "gemm_legacy_avx512.h"

static inline __m512i q8_0_unpack2(const uint8_t *x) {
    const __m256i qa = _mm256_loadu_si256((const __m256i *)(x + 2));
    const __m256i qb = _mm256_loadu_si256((const __m256i *)(x + sizeof(jm_block_q8_0) + 2));
    const __m512i q = _mm512_inserti64x4(_mm512_castsi256_si512(qa), qb, 1);
    return _mm512_xor_si512(q, _mm512_set1_epi8((char)0x80));
}

/* The high half stays zero: its activations are zero too. */
static inline __m512i q8_0_unpack1(const uint8_t *x) {
    const __m256i qa = _mm256_loadu_si256((const __m256i *)(x + 2));
    return _mm512_zextsi256_si512(_mm256_xor_si256(qa, _mm256_set1_epi8((char)0x80)));
}

#define GEMM_NAME jm_gemm_q8_0_avx512vnni
#define GEMM_BX ((int64_t)sizeof(jm_block_q8_0))
#define GEMM_OFFSET 0x80
#define GEMM_UNPACK2 q8_0_unpack2
#define GEMM_UNPACK1 q8_0_unpack1
#include "gemm_legacy_avx512.h"
