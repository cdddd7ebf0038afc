/*
 * quantize_legacy_avx2.c - activation quantizers (F32 -> Q8_0, Q8_1, F16,
 * BF16) with AVX2, writing exactly the bytes of the reference quantizers.
 *
 * Rounding. These quantize matmul inputs, so they round as llama.cpp's x86
 * backend does (see legacy_activation.c): scale by 127/amax and round to
 * nearest-even, which differs from ggml's reference quantizer (1/(amax/127)
 * and roundf) on a value now and then. Blocks where a value is NaN, or amax
 * or 127/amax is not finite, go through the scalar twin, which defines
 * those cases.
 *
 * F16: F16C's vcvtps2ph with round-to-nearest-even equals the reference for
 * every non-NaN input (subnormals included, MXCSR DAZ is off); NaN lanes are
 * patched to the reference's 0x7E00 | sign. BF16: the reference's integer
 * rounding, in integer lanes (vcvtneps2bf16 would flush subnormals).
 */
#include "legacy_avx2.h"

#include <math.h>

static inline __m256 abs_ps(__m256 v) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), v); }

/* Round to nearest, ties to even, of 8 lanes. */
static inline __m256 round_even_ps(__m256 v) {
    return _mm256_round_ps(v, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
}

/*
 * Quantizes one block of 32 to int8 (qs), returns d, or returns -1 when the
 * block must take the scalar path. *isum receives sum(qs) when not NULL.
 */
static inline float q8_block(const float *x, int8_t *qs, int *isum) {
    const __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8);
    const __m256 v2 = _mm256_loadu_ps(x + 16), v3 = _mm256_loadu_ps(x + 24);
    /* a NaN anywhere: the reference's MAX() chain and casts decide, not us */
    const __m256 nan = _mm256_or_ps(_mm256_cmp_ps(v0, v1, _CMP_UNORD_Q), _mm256_cmp_ps(v2, v3, _CMP_UNORD_Q));
    if (_mm256_movemask_ps(nan)) return -1.0f;
    __m256 m = _mm256_max_ps(_mm256_max_ps(abs_ps(v0), abs_ps(v1)), _mm256_max_ps(abs_ps(v2), abs_ps(v3)));
    __m128 m4 = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
    m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
    m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
    const float amax = _mm_cvtss_f32(m4);
    const float d = amax / 127;
    const float id = amax != 0.0f ? 127.0f / amax : 0.0f;
    if (!(amax <= 3.4028234663852886e38f) || !(id <= 3.4028234663852886e38f)) return -1.0f;

    const __m256 vid = _mm256_set1_ps(id);
    const __m256i i0 = _mm256_cvttps_epi32(round_even_ps(_mm256_mul_ps(v0, vid)));
    const __m256i i1 = _mm256_cvttps_epi32(round_even_ps(_mm256_mul_ps(v1, vid)));
    const __m256i i2 = _mm256_cvttps_epi32(round_even_ps(_mm256_mul_ps(v2, vid)));
    const __m256i i3 = _mm256_cvttps_epi32(round_even_ps(_mm256_mul_ps(v3, vid)));
    if (isum) *isum = jm_avx2_hsum_epi32(_mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3)));
    /* packs work per 128-bit lane; the permute puts the 4-byte groups back in order */
    const __m256i b = _mm256_packs_epi16(_mm256_packs_epi32(i0, i1), _mm256_packs_epi32(i2, i3));
    _mm256_storeu_si256((__m256i *)qs, _mm256_permutevar8x32_epi32(b, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7)));
    return d;
}

void jm_quantize_row_q8_0_avx2(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    const int64_t nb = n / JM_QK8_0;
    for (int64_t b = 0; b < nb; b++, x += JM_QK8_0, y += sizeof(jm_block_q8_0)) {
        const float d = q8_block(x, (int8_t *)(y + 2), NULL);
        if (d < 0.0f) { jm_quantize_row_q8_0_act(x, y, JM_QK8_0); continue; }
        const jm_fp16 h = jm_f32_to_fp16(d);
        memcpy(y, &h, 2);
    }
}

void jm_quantize_row_q8_1_avx2(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    const int64_t nb = n / JM_QK8_1;
    for (int64_t b = 0; b < nb; b++, x += JM_QK8_1, y += sizeof(jm_block_q8_1)) {
        int sum;
        const float d = q8_block(x, (int8_t *)(y + 4), &sum);
        if (d < 0.0f) { jm_quantize_row_q8_1_act(x, y, JM_QK8_1); continue; }
        const jm_fp16 h[2] = { jm_f32_to_fp16(d), jm_f32_to_fp16((float)sum * d) };
        memcpy(y, h, 4);
    }
}

void jm_quantize_row_f16_avx2(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    int64_t i = 0;
    for (; i + 8 <= n; i += 8) {
        const __m256 v = _mm256_loadu_ps(x + i);
        _mm_storeu_si128((__m128i *)(y + 2 * i), _mm256_cvtps_ph(v, _MM_FROUND_TO_NEAREST_INT));
        if (_mm256_movemask_ps(_mm256_cmp_ps(v, v, _CMP_UNORD_Q)))
            jm_quantize_row_f16_ref(x + i, y + 2 * i, 8); /* NaN in this group */
    }
    jm_quantize_row_f16_ref(x + i, y + 2 * i, n - i);
}

/* 8 floats -> 8 bf16 in the low 16 bits of each int32 lane. */
static inline __m256i bf16_lanes(__m256 v) {
    const __m256i u = _mm256_castps_si256(v);
    const __m256i lsb = _mm256_and_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(1));
    const __m256i rounded = _mm256_srli_epi32(_mm256_add_epi32(_mm256_add_epi32(u, _mm256_set1_epi32(0x7FFF)), lsb), 16);
    const __m256i quiet = _mm256_or_si256(_mm256_srli_epi32(u, 16), _mm256_set1_epi32(64));
    const __m256i nan = _mm256_cmpgt_epi32(_mm256_and_si256(u, _mm256_set1_epi32(0x7FFFFFFF)),
                                           _mm256_set1_epi32(0x7F800000));
    return _mm256_blendv_epi8(rounded, quiet, nan);
}

void jm_quantize_row_bf16_avx2(const float *x, void *vy, int64_t n) {
    uint8_t *y = vy;
    int64_t i = 0;
    for (; i + 16 <= n; i += 16) {
        const __m256i lo = bf16_lanes(_mm256_loadu_ps(x + i));
        const __m256i hi = bf16_lanes(_mm256_loadu_ps(x + i + 8));
        /* values are 0..0xFFFF, so the unsigned-saturating pack is exact */
        const __m256i p = _mm256_permute4x64_epi64(_mm256_packus_epi32(lo, hi), _MM_SHUFFLE(3, 1, 2, 0));
        _mm256_storeu_si256((__m256i *)(y + 2 * i), p);
    }
    jm_quantize_row_bf16_ref(x + i, y + 2 * i, n - i);
}
