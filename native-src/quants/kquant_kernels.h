/*
 * kquant_kernels.h - every K-quant function the library has, by ISA.
 * The scalar ones are the reference (ggml's algorithms, same bytes, same
 * float evaluation order); the SIMD ones are tested against them.
 * SIMD functions must only be called after the CPU check (jm_kernels_init).
 */
#ifndef JM_KQUANT_KERNELS_H
#define JM_KQUANT_KERNELS_H

#include <stdint.h>
#include "blocks_k.h"

/* reference quantizers (quants/kquant_quantize.c): n values -> n/256 blocks */
void jm_quantize_row_q2_K_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_q3_K_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_q4_K_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_q5_K_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_q6_K_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_q8_K_ref(const float *x, void *y, int64_t n);

/* dequantizers (quants/kquant_dequantize.c) */
void jm_dequantize_row_q2_K(const void *x, float *y, int64_t n);
void jm_dequantize_row_q3_K(const void *x, float *y, int64_t n);
void jm_dequantize_row_q4_K(const void *x, float *y, int64_t n);
void jm_dequantize_row_q5_K(const void *x, float *y, int64_t n);
void jm_dequantize_row_q6_K(const void *x, float *y, int64_t n);
void jm_dequantize_row_q8_K(const void *x, float *y, int64_t n);

/* scalar dots against Q8_K (kernels/scalar/dot_kquant_scalar.c) */
void jm_vec_dot_q2_K_q8_K_scalar(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q3_K_q8_K_scalar(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q4_K_q8_K_scalar(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q5_K_q8_K_scalar(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q6_K_q8_K_scalar(int64_t n, float *s, const void *x, const void *y);

#if defined(JM_HAVE_X86_KERNELS)
/* AVX2 + FMA (kernels/avx2/) */
void jm_vec_dot_q2_K_q8_K_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q3_K_q8_K_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q4_K_q8_K_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q5_K_q8_K_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q6_K_q8_K_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_quantize_row_q8_K_avx2(const float *x, void *y, int64_t n);

/* tiled products (jm_gemm_fn, see kernels/kernels.h) */
struct jm_gemm_args;
void jm_gemm_q4_K_avx2(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q5_K_avx2(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q6_K_avx2(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
#if defined(JM_HAVE_AVXVNNI_KERNELS)
/* the same built with AVX-VNNI (kernels/avxvnni/); need JM_CPU_AVXVNNI */
void jm_gemm_q4_K_avxvnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q5_K_avxvnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q6_K_avxvnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
#endif

/* AVX-512 F/BW/VL + VNNI (kernels/avx512/) */
void jm_vec_dot_q2_K_q8_K_avx512vnni(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q3_K_q8_K_avx512vnni(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q4_K_q8_K_avx512vnni(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q5_K_q8_K_avx512vnni(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q6_K_q8_K_avx512vnni(int64_t n, float *s, const void *x, const void *y);
void jm_gemm_q2_K_avx512vnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q3_K_avx512vnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q4_K_avx512vnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q5_K_avx512vnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q6_K_avx512vnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
#endif

#if defined(JM_HAVE_AMX_KERNELS)
/* AMX (kernels/amx/): needs JM_CPU_AMX_INT8 beside the AVX-512 VNNI set */
void jm_gemm_q4_K_amx(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q5_K_amx(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
#endif

#if defined(JM_HAVE_NEON_KERNELS)
/* arm64 NEON (kernels/neon/): the scalar twins' integers and floats, same bits */
void jm_vec_dot_q2_K_q8_K_neon(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q3_K_q8_K_neon(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q4_K_q8_K_neon(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q5_K_q8_K_neon(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q6_K_q8_K_neon(int64_t n, float *s, const void *x, const void *y);
#endif

/* Field reads that assume nothing about the address. Blocks themselves must
 * sit at their natural alignment (2 bytes; 4 for Q8_K), as in any GGUF
 * file; nothing needs more than that. */
#include <string.h>
static inline float kq_half(const void *p) { jm_fp16 h; memcpy(&h, p, 2); return jm_fp16_to_f32(h); }
static inline float kq_f32(const void *p) { float f; memcpy(&f, p, 4); return f; }

#endif
