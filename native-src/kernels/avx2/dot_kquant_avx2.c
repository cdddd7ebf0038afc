/*
 * dot_kquant_avx2.c - K-quant x Q8_K dot products with AVX2 + FMA + F16C
 * (the kernels themselves are in kquant_dot_body_k.h).
 */
#include "kquant_avx2.h"

#define KQ_FN(name) name##_avx2
#define KQ_ACC(acc, a, b) _mm256_add_epi32((acc), _mm256_madd_epi16((a), (b)))
#include "kquant_dot_body_k.h"
