/*
 * dot_kquant_avx512.c - K-quant x Q8_K dot products for CPUs with AVX-512
 * VNNI (+ VL): the 256-bit kernels of kquant_dot_body_k.h with vpmaddwd +
 * vpaddd fused into one vpdpwssd.
 *
 * Measured on the project's Zen 5 machines this beats every 512-bit variant
 * tried (vpdpbusd with per-lane vpmulld scaling, and vpmaddubsw + vpdpwssd on
 * zmm): the 512-bit forms save no work once the per-super-block scale and
 * offset bookkeeping is counted, while the fused multiply-add here removes a
 * quarter of the vector instructions of the inner loop.
 *
 * vpdpwssd is written as EVEX-encoded inline assembly: with -mavxvnni also
 * on the command line the compiler may pick the VEX (AVX-VNNI) encoding for
 * the intrinsic, which CPUs with AVX-512 VNNI but without AVX-VNNI (Zen 4,
 * Ice Lake, ...) do not have. The dispatcher calls these only when the CPU
 * reports AVX512F/BW/VL and AVX512_VNNI.
 */
#include "../avx2/kquant_avx2.h"

static inline __m256i kq_dpwssd256(__m256i acc, __m256i a, __m256i b) {
    __asm__("%{evex%} vpdpwssd %2, %1, %0" : "+v"(acc) : "v"(a), "v"(b));
    return acc;
}

#define KQ_FN(name) name##_avx512vnni
#define KQ_ACC(acc, a, b) kq_dpwssd256((acc), (a), (b))
#include "../avx2/kquant_dot_body_k.h"
