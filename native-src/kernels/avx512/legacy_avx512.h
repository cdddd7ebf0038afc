/*
 * legacy_avx512.h - building blocks of the AVX-512 legacy-quant kernels
 * (files here are compiled with AVX-512 F/BW/VL/DQ/VNNI/BF16; a kernel
 * uses VNNI or BF16 instructions only if its name says so).
 *
 * The integer kernels work on one 32-quant block per 256-bit register, with
 * AVX-512 VL forms: vpdpbusd (VNNI) for the products and byte masks (BW)
 * for Q5's fifth bit. Packing two 18..36-byte blocks into one zmm costs
 * cross-lane shuffles; on the Zen 4-class machine we measure on (512-bit
 * ops split in two) that layout ran 15-20% slower than this one.
 */
#ifndef JM_LEGACY_AVX512_H
#define JM_LEGACY_AVX512_H

#include "quants/legacy_kernels.h"
#include <immintrin.h>

/*
 * acc += per int32 lane, the sum of 4 products u8*s8 (vpdpbusd, 256-bit,
 * AVX512_VNNI + VL). These files are built without -mavxvnni, so the
 * compiler emits the EVEX form, which CPUs with AVX512_VNNI but no
 * AVX-VNNI (Zen 4, Ice Lake, ...) have.
 */
static inline __m256i jm_dpbusd256(__m256i acc, __m256i u, __m256i s) { return _mm256_dpbusd_epi32(acc, u, s); }

/* 16 bytes of packed nibbles -> 32 bytes 0..15, values 0..15 then 16..31. */
static inline __m256i jm_avx512_nibbles(const uint8_t *qs) {
    const __m128i q = _mm_loadu_si128((const __m128i *)qs);
    const __m256i both = _mm256_inserti128_si256(_mm256_castsi128_si256(q), _mm_srli_epi16(q, 4), 1);
    return _mm256_and_si256(both, _mm256_set1_epi8(0x0F));
}

/* 32 quants 0..15 plus 16 where bit j of qh is set (Q5's fifth bit). */
static inline __m256i jm_avx512_add_qh(__m256i u, const uint8_t *qh) {
    return _mm256_mask_add_epi8(u, (__mmask32)jm_rd32(qh), u, _mm256_set1_epi8(16));
}

/* dx*dy of the blocks whose fp16 scales sit at px and py, broadcast. */
static inline __m256 jm_avx512_scale(const void *px, const void *py) {
    const uint32_t w = (uint32_t)jm_rd16(px) | ((uint32_t)jm_rd16(py) << 16);
    const __m128 v = _mm_cvtph_ps(_mm_cvtsi32_si128((int)w));
    return _mm256_broadcastss_ps(_mm_mul_ss(v, _mm_movehdup_ps(v)));
}

/* x starts {d, m}, y starts {d, s}: lane 0 = dx*dy, lane 1 = mx*sy. */
static inline __m128 jm_avx512_scale_min(const uint8_t *x, const uint8_t *y) {
    const __m128 v = _mm_cvtph_ps(_mm_set_epi32(0, 0, (int)jm_rd32(y), (int)jm_rd32(x)));
    return _mm_mul_ps(v, _mm_movehl_ps(v, v));
}

static inline float jm_avx512_hsum256(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

#endif
