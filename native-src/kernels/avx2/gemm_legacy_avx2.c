/* gemm_legacy_avx2.c - the AVX2 Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 gemm kernels (gemm_legacy_avx2.inc), integer dots by pmaddubsw. */
#define JM_AVX2_VNNI 0
#include "gemm_legacy_avx2.inc"

/* The kernels (their decode paths are in the .inc) */

void jm_gemm_q4_0_avx2(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_run(a, r0, r1, JM_TYPE_Q4_0, q4_0_decode); }
void jm_gemm_q4_1_avx2(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_run(a, r0, r1, JM_TYPE_Q4_1, q4_1_decode); }
void jm_gemm_q5_0_avx2(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_run(a, r0, r1, JM_TYPE_Q5_0, q5_0_decode); }
void jm_gemm_q5_1_avx2(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_run(a, r0, r1, JM_TYPE_Q5_1, q5_1_decode); }
void jm_gemm_q8_0_avx2(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_run(a, r0, r1, JM_TYPE_Q8_0, q8_0_decode); }
