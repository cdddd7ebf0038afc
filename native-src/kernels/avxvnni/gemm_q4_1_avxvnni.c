/* gemm_q4_1_avxvnni.c - the AVX2 Q4_1 kernel built with AVX-VNNI: vpdpbusd (VEX) for its integer dots. */
#include "../avx2/gemm_q4_1_avx2.c"
