/* gemm_kquant_avxvnni.c - the AVX2 Q4_K, Q5_K and Q6_K kernels built with AVX-VNNI: vpdpbusd (VEX) for their integer dots. */
#include "../avx2/gemm_kquant_avx2.c"
