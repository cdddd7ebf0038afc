/*
 * gemm_q4_0_avx512.c - tiled Q4_0 weights x Q8_0 activations, AVX-512 VNNI.
 * The nibbles 0..15 are vpdpbusd's unsigned operand as they are; the -8
 * offset is folded into each accumulation's start, -8*sum(y), computed once
 * per activation block for all rows of a tile (gemm_legacy_avx512.h).
 */
#include "gemm_legacy_avx512.h"

/* Blocks at x and x+18 -> 128-bit lanes: a's low nibbles (values 0..15),
   a's high nibbles (16..31), then b's, the order the activations lie in. */
static inline __m512i q4_0_unpack2(const uint8_t *x) {
    const __m128i qa = _mm_loadu_si128((const __m128i *)(x + 2));
    const __m128i qb = _mm_loadu_si128((const __m128i *)(x + sizeof(jm_block_q4_0) + 2));
    __m512i q = _mm512_mask_broadcast_i32x4(_mm512_broadcast_i32x4(qa), 0xFF00, qb);
    q = _mm512_mask_srli_epi16(q, 0xFF00FF00, q, 4);
    return _mm512_and_si512(q, _mm512_set1_epi8(0x0F));
}

static inline __m512i q4_0_unpack1(const uint8_t *x) {
    return _mm512_zextsi256_si512(jm_avx512_nibbles(x + 2));
}

#define GEMM_NAME jm_gemm_q4_0_avx512vnni
#define GEMM_BX ((int64_t)sizeof(jm_block_q4_0))
#define GEMM_OFFSET 8
#define GEMM_UNPACK2 q4_0_unpack2
#define GEMM_UNPACK1 q4_0_unpack1
#include "gemm_legacy_avx512.h"
