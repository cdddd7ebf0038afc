/* gemm_q5_1_avxvnni.c - the AVX2 Q5_1 kernel built with AVX-VNNI: vpdpbusd (VEX) for its integer dots. */
#include "../avx2/gemm_q5_1_avx2.c"
