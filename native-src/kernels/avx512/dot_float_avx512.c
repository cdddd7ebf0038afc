/*
 * dot_float_avx512.c - F32, F16 and BF16 dot products, AVX-512 F/BW/VL.
 * 64 values per step into four accumulators, then 16 at a time, then one
 * masked step for the last n%16 (masked-off lanes load as zero), so there
 * is no scalar tail. jm_vec_dot_bf16_avx512bf16 uses vdpbf16ps (needs
 * AVX512_BF16): 32 pairs per instruction; note that it treats bf16
 * subnormal inputs as zero, which moves the sum by at most n * 2^-126^2.
 */
#include "legacy_avx512.h"

static inline __m512 ld_f32(const uint8_t *p) { return _mm512_loadu_ps((const float *)p); }
static inline __m512 ld_f16(const uint8_t *p) { return _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)p)); }
static inline __m512 ld_bf16(const uint8_t *p) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_loadu_si256((const __m256i *)p)), 16));
}
static inline __m512 ldm_f32(const uint8_t *p, __mmask16 k) { return _mm512_maskz_loadu_ps(k, (const float *)p); }
static inline __m512 ldm_f16(const uint8_t *p, __mmask16 k) { return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(k, p)); }
static inline __m512 ldm_bf16(const uint8_t *p, __mmask16 k) {
    return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(k, p)), 16));
}

#define JM_DOT_FLOAT_AVX512(NAME, ES, LOAD, LOADM)                                  \
void NAME(int64_t n, float *s, const void *vx, const void *vy) {                    \
    const uint8_t *x = vx, *y = vy;                                                 \
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();                      \
    __m512 a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();                      \
    int64_t i = 0;                                                                  \
    for (; i + 64 <= n; i += 64) {                                                  \
        const uint8_t *px = x + i * ES, *py = y + i * ES;                           \
        a0 = _mm512_fmadd_ps(LOAD(px), LOAD(py), a0);                               \
        a1 = _mm512_fmadd_ps(LOAD(px + 16 * ES), LOAD(py + 16 * ES), a1);           \
        a2 = _mm512_fmadd_ps(LOAD(px + 32 * ES), LOAD(py + 32 * ES), a2);           \
        a3 = _mm512_fmadd_ps(LOAD(px + 48 * ES), LOAD(py + 48 * ES), a3);           \
    }                                                                               \
    for (; i + 16 <= n; i += 16) a0 = _mm512_fmadd_ps(LOAD(x + i * ES), LOAD(y + i * ES), a0); \
    if (i < n) {                                                                    \
        const __mmask16 k = (__mmask16)((1u << (n - i)) - 1);                       \
        a1 = _mm512_fmadd_ps(LOADM(x + i * ES, k), LOADM(y + i * ES, k), a1);       \
    }                                                                               \
    *s = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3))); \
}

JM_DOT_FLOAT_AVX512(jm_vec_dot_f32_avx512, 4, ld_f32, ldm_f32)
JM_DOT_FLOAT_AVX512(jm_vec_dot_f16_avx512, 2, ld_f16, ldm_f16)
JM_DOT_FLOAT_AVX512(jm_vec_dot_bf16_avx512, 2, ld_bf16, ldm_bf16)

static inline __m512bh ld_bh(const uint8_t *p) { return (__m512bh)_mm512_loadu_si512(p); }

void jm_vec_dot_bf16_avx512bf16(int64_t n, float *s, const void *vx, const void *vy) {
    const uint8_t *x = vx, *y = vy;
    __m512 a0 = _mm512_setzero_ps(), a1 = _mm512_setzero_ps();
    __m512 a2 = _mm512_setzero_ps(), a3 = _mm512_setzero_ps();
    int64_t i = 0;
    for (; i + 128 <= n; i += 128) {
        const uint8_t *px = x + 2 * i, *py = y + 2 * i;
        a0 = _mm512_dpbf16_ps(a0, ld_bh(px), ld_bh(py));
        a1 = _mm512_dpbf16_ps(a1, ld_bh(px + 64), ld_bh(py + 64));
        a2 = _mm512_dpbf16_ps(a2, ld_bh(px + 128), ld_bh(py + 128));
        a3 = _mm512_dpbf16_ps(a3, ld_bh(px + 192), ld_bh(py + 192));
    }
    for (; i + 32 <= n; i += 32) a0 = _mm512_dpbf16_ps(a0, ld_bh(x + 2 * i), ld_bh(y + 2 * i));
    if (i < n) {
        const __mmask32 k = (__mmask32)((1u << (n - i)) - 1);
        a1 = _mm512_dpbf16_ps(a1, (__m512bh)_mm512_maskz_loadu_epi16(k, x + 2 * i),
                              (__m512bh)_mm512_maskz_loadu_epi16(k, y + 2 * i));
    }
    *s = _mm512_reduce_add_ps(_mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3)));
}
