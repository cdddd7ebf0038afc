/*
 * dot_float_avx2.c - F32, F16 and BF16 dot products, AVX2 + FMA + F16C.
 * 32 values per step into four independent accumulators, then 8 at a time,
 * then the last n%8 one by one. Float accumulation, so the result differs
 * from the scalar twin (products summed in double) by summation order only.
 */
#include "legacy_avx2.h"

/* Loads 8 values of each format as 8 floats. */
static inline __m256 ld_f32(const uint8_t *p) { return _mm256_loadu_ps((const float *)p); }
static inline __m256 ld_f16(const uint8_t *p) {
    return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p));
}
static inline __m256 ld_bf16(const uint8_t *p) {
    const __m256i w = _mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(w, 16));
}

#define JM_DOT_FLOAT_AVX2(NAME, ES, LOAD, SCALAR)                                   \
void NAME(int64_t n, float *s, const void *vx, const void *vy) {                    \
    const uint8_t *x = vx, *y = vy;                                                 \
    __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps();                      \
    __m256 a2 = _mm256_setzero_ps(), a3 = _mm256_setzero_ps();                      \
    int64_t i = 0;                                                                  \
    for (; i + 32 <= n; i += 32) {                                                  \
        const uint8_t *px = x + i * ES, *py = y + i * ES;                           \
        a0 = _mm256_fmadd_ps(LOAD(px), LOAD(py), a0);                               \
        a1 = _mm256_fmadd_ps(LOAD(px + 8 * ES), LOAD(py + 8 * ES), a1);             \
        a2 = _mm256_fmadd_ps(LOAD(px + 16 * ES), LOAD(py + 16 * ES), a2);           \
        a3 = _mm256_fmadd_ps(LOAD(px + 24 * ES), LOAD(py + 24 * ES), a3);           \
    }                                                                               \
    for (; i + 8 <= n; i += 8) a0 = _mm256_fmadd_ps(LOAD(x + i * ES), LOAD(y + i * ES), a0); \
    float sum = jm_avx2_hsum_ps(_mm256_add_ps(_mm256_add_ps(a0, a1), _mm256_add_ps(a2, a3))); \
    for (; i < n; i++) sum += SCALAR(x + i * ES) * SCALAR(y + i * ES);              \
    *s = sum;                                                                       \
}

static inline float sc_f32(const uint8_t *p) { float v; memcpy(&v, p, 4); return v; }
static inline float sc_f16(const uint8_t *p) { return jm_fp16_to_f32(jm_rd16(p)); }
static inline float sc_bf16(const uint8_t *p) { return jm_bf16_to_f32(jm_rd16(p)); }

JM_DOT_FLOAT_AVX2(jm_vec_dot_f32_avx2, 4, ld_f32, sc_f32)
JM_DOT_FLOAT_AVX2(jm_vec_dot_f16_avx2, 2, ld_f16, sc_f16)
JM_DOT_FLOAT_AVX2(jm_vec_dot_bf16_avx2, 2, ld_bf16, sc_bf16)
