/* gemm_q8_0_avxvnni.c - the AVX2 Q8_0 kernel built with AVX-VNNI: vpdpbusd (VEX) for its integer dots. */
#include "../avx2/gemm_q8_0_avx2.c"
