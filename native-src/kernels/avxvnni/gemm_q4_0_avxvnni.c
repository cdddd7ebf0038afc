/* gemm_q4_0_avxvnni.c - the AVX2 Q4_0 kernel built with AVX-VNNI: vpdpbusd (VEX) for its integer dots. */
#include "../avx2/gemm_q4_0_avx2.c"
