/* gemm_kquant_avxvnni.c - the AVX2 Q4_K, Q5_K and Q6_K gemm kernels (../avx2/gemm_kquant_avx2.inc) built with AVX-VNNI: vpdpbusd (VEX) for their integer dots. */
#define JM_AVX2_VNNI 1
#include "../avx2/gemm_kquant_avx2.inc"

/* The kernels (their decode paths are in the .inc) */

void jm_gemm_q4_K_avxvnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_run(a, r0, r1, JM_TYPE_Q4_K, q4_K_decode); }
void jm_gemm_q5_K_avxvnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_run(a, r0, r1, JM_TYPE_Q5_K, q5_K_decode); }
void jm_gemm_q6_K_avxvnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_run(a, r0, r1, JM_TYPE_Q6_K, q6_K_decode); }
