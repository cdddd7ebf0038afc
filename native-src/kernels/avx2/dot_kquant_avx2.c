/*
 * dot_kquant_avx2.c - K-quant x Q8_K dot products with AVX2 + FMA + F16C
 * (the kernels themselves are in dot_kquant_avx2.inc): vpmaddwd + vpaddd.
 */
#include "kquant_avx2.h"

/* acc + the pairwise int16 products of a and b */
static inline __m256i kq_madd_acc(__m256i acc, __m256i a, __m256i b) {
    return _mm256_add_epi32(acc, _mm256_madd_epi16(a, b));
}

#include "dot_kquant_avx2.inc"

void jm_vec_dot_q2_K_q8_K_avx2(int64_t n, float *s, const void *x, const void *y) { dot_q2_K(n, s, x, y); }
void jm_vec_dot_q3_K_q8_K_avx2(int64_t n, float *s, const void *x, const void *y) { dot_q3_K(n, s, x, y); }
void jm_vec_dot_q4_K_q8_K_avx2(int64_t n, float *s, const void *x, const void *y) { dot_q4_K(n, s, x, y); }
void jm_vec_dot_q5_K_q8_K_avx2(int64_t n, float *s, const void *x, const void *y) { dot_q5_K(n, s, x, y); }
void jm_vec_dot_q6_K_q8_K_avx2(int64_t n, float *s, const void *x, const void *y) { dot_q6_K(n, s, x, y); }
