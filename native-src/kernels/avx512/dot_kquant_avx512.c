/*
 * dot_kquant_avx512.c - K-quant x Q8_K dot products for CPUs with AVX-512
 * VNNI (+ VL): the 256-bit kernels of ../avx2/dot_kquant_avx2.inc with
 * vpmaddwd + vpaddd fused into one vpdpwssd.
 *
 * Measured on the project's Zen 5 machines this beats every 512-bit variant
 * tried (vpdpbusd with per-lane vpmulld scaling, and vpmaddubsw + vpdpwssd on
 * zmm): the 512-bit forms save no work once the per-super-block scale and
 * offset bookkeeping is counted, while the fused multiply-add here removes a
 * quarter of the vector instructions of the inner loop.
 *
 * This file is built without -mavxvnni, so the compiler emits vpdpwssd's
 * EVEX form, which CPUs with AVX-512 VNNI but without AVX-VNNI (Zen 4, Ice
 * Lake, ...) have. The kernel table picks these only when the CPU reports
 * AVX512F/BW/VL and AVX512_VNNI.
 */
#include "../avx2/kquant_avx2.h"

/* acc + the pairwise int16 products of a and b, in one vpdpwssd */
static inline __m256i kq_madd_acc(__m256i acc, __m256i a, __m256i b) { return _mm256_dpwssd_epi32(acc, a, b); }

#include "../avx2/dot_kquant_avx2.inc"

void jm_vec_dot_q2_K_q8_K_avx512vnni(int64_t n, float *s, const void *x, const void *y) { dot_q2_K(n, s, x, y); }
void jm_vec_dot_q3_K_q8_K_avx512vnni(int64_t n, float *s, const void *x, const void *y) { dot_q3_K(n, s, x, y); }
void jm_vec_dot_q4_K_q8_K_avx512vnni(int64_t n, float *s, const void *x, const void *y) { dot_q4_K(n, s, x, y); }
void jm_vec_dot_q5_K_q8_K_avx512vnni(int64_t n, float *s, const void *x, const void *y) { dot_q5_K(n, s, x, y); }
void jm_vec_dot_q6_K_q8_K_avx512vnni(int64_t n, float *s, const void *x, const void *y) { dot_q6_K(n, s, x, y); }
