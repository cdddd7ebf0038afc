/*
 * legacy_kernels.h - every function of the float and legacy-quant family
 * (F32 F16 BF16 Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q8_1): the scalar ones the traits
 * point at, and the SIMD ones kernels/kernel_table.c may pick.
 *
 * "Bit-exact with ggml" means every * and + rounds on its own, as in ggml's
 * base library built for plain x86-64: CMakeLists.txt turns floating-point
 * contraction off for the files of this family (JM_EXACT_SOURCES). Kernels
 * that want FMA ask for it with intrinsics.
 *
 * Naming: jm_vec_dot_<weight>_<activation>_<isa>, jm_quantize_row_<type>_<isa>,
 * jm_dequantize_row_<type>_<isa>, jm_gemm_<weight>_<isa> (tiled products).
 * Only kernels/kernel_table.c decides which of them may run on this CPU;
 * the others must not be called unless jm_cpu_features() has the matching
 * bits.
 */
#ifndef JM_LEGACY_KERNELS_H
#define JM_LEGACY_KERNELS_H

#include <stdint.h>
#include "quants.h"
#include "blocks_legacy.h"

/* ---- float <-> int conversions with x86-64's results ----------------------
 * ggml's reference quantizers convert float to int8_t/uint8_t with a C cast.
 * For values in range that is plain truncation; for NaN and infinities
 * (a block whose max is so small that 1/d overflows) C leaves it undefined
 * and an x86-64 build gives the low byte of cvttss2si's 0x80000000, i.e. 0.
 * We spell that out so every platform writes the same bytes. */
static inline int32_t jm_cvtt_i32(float v) {
    return (v >= -2147483648.0f && v < 2147483648.0f) ? (int32_t)v : INT32_MIN;
}
static inline int8_t jm_cvtt_i8(float v) { return (int8_t)(uint8_t)(uint32_t)jm_cvtt_i32(v); }
static inline uint8_t jm_cvtt_u8(float v) { return (uint8_t)(uint32_t)jm_cvtt_i32(v); }

/* ---- scalar: dequantizers (traits.to_float) ------------------------------ */
void jm_dequantize_row_f32(const void *x, float *y, int64_t n);
void jm_dequantize_row_f16(const void *x, float *y, int64_t n);
void jm_dequantize_row_bf16(const void *x, float *y, int64_t n);
void jm_dequantize_row_q4_0(const void *x, float *y, int64_t n);
void jm_dequantize_row_q4_1(const void *x, float *y, int64_t n);
void jm_dequantize_row_q5_0(const void *x, float *y, int64_t n);
void jm_dequantize_row_q5_1(const void *x, float *y, int64_t n);
void jm_dequantize_row_q8_0(const void *x, float *y, int64_t n);
void jm_dequantize_row_q8_1(const void *x, float *y, int64_t n);

/* ---- scalar: ggml's reference quantizers (traits.from_float_ref) -------- */
void jm_quantize_row_f32_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_f16_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_bf16_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_q4_0_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_q4_1_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_q5_0_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_q5_1_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_q8_0_ref(const float *x, void *y, int64_t n);
void jm_quantize_row_q8_1_ref(const float *x, void *y, int64_t n);

/* Activation quantizers: llama.cpp's x86 rounding of matmul inputs (legacy_activation.c). */
void jm_quantize_row_q8_0_act(const float *x, void *y, int64_t n);
void jm_quantize_row_q8_1_act(const float *x, void *y, int64_t n);
/* The scalar activation quantizer for a vec_dot_type: the _act ones for Q8_0/Q8_1, else the reference. */
jm_from_float_fn jm_legacy_activation_quantizer(int32_t type);

/* ---- scalar: dot products (traits.vec_dot_scalar), ggml's generic sums -- */
void jm_vec_dot_f32_scalar(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_f16_scalar(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_bf16_scalar(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q4_0_q8_0_scalar(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q4_1_q8_1_scalar(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q5_0_q8_0_scalar(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q5_1_q8_1_scalar(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q8_0_q8_0_scalar(int64_t n, float *s, const void *x, const void *y);

#if defined(JM_HAVE_X86_KERNELS)
/* ---- AVX2 + FMA + F16C (kernels/avx2/) ------------------------------------ */
void jm_vec_dot_f32_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_f16_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_bf16_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q4_0_q8_0_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q4_1_q8_1_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q5_0_q8_0_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q5_1_q8_1_avx2(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q8_0_q8_0_avx2(int64_t n, float *s, const void *x, const void *y);

/* Activation quantizers: same bytes as the _ref ones, always. */
void jm_quantize_row_q8_0_avx2(const float *x, void *y, int64_t n);
void jm_quantize_row_q8_1_avx2(const float *x, void *y, int64_t n);
void jm_quantize_row_f16_avx2(const float *x, void *y, int64_t n);
void jm_quantize_row_bf16_avx2(const float *x, void *y, int64_t n);

/* Dequantizers: same floats as the scalar ones, always. */
void jm_dequantize_row_f16_avx2(const void *x, float *y, int64_t n);
void jm_dequantize_row_bf16_avx2(const void *x, float *y, int64_t n);
void jm_dequantize_row_q4_0_avx2(const void *x, float *y, int64_t n);
void jm_dequantize_row_q4_1_avx2(const void *x, float *y, int64_t n);
void jm_dequantize_row_q5_0_avx2(const void *x, float *y, int64_t n);
void jm_dequantize_row_q5_1_avx2(const void *x, float *y, int64_t n);
void jm_dequantize_row_q8_0_avx2(const void *x, float *y, int64_t n);

/* Tiled products (jm_gemm_fn of kernels/kernels.h; the struct is only
 * named here so this header need not include that one). */
struct jm_gemm_args;
void jm_gemm_q4_0_avx2(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q8_0_avx2(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q5_0_avx2(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q4_1_avx2(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q5_1_avx2(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
#if defined(JM_HAVE_AVXVNNI_KERNELS)
/* the same kernels built with AVX-VNNI (kernels/avxvnni/); need JM_CPU_AVXVNNI */
void jm_gemm_q4_0_avxvnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q8_0_avxvnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q5_0_avxvnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q4_1_avxvnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q5_1_avxvnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
#endif

/* ---- AVX-512 F+BW+VL (kernels/avx512/) --------------------------------------
 * _vnni needs JM_CPU_AVX512VNNI, _bf16 needs JM_CPU_AVX512BF16. */
void jm_vec_dot_f32_avx512(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_f16_avx512(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_bf16_avx512(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_bf16_avx512bf16(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q4_0_q8_0_avx512vnni(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q4_1_q8_1_avx512vnni(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q5_0_q8_0_avx512vnni(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q5_1_q8_1_avx512vnni(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q8_0_q8_0_avx512vnni(int64_t n, float *s, const void *x, const void *y);
void jm_gemm_q4_0_avx512vnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q8_0_avx512vnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q5_0_avx512vnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q4_1_avx512vnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q5_1_avx512vnni(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
#endif

#if defined(JM_HAVE_AMX_KERNELS)
/* ---- AMX (kernels/amx/); needs JM_CPU_AMX_INT8 and the VNNI kernels ------ */
void jm_gemm_q4_0_amx(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
void jm_gemm_q8_0_amx(const struct jm_gemm_args *a, int64_t r0, int64_t r1);
#endif

#if defined(JM_HAVE_NEON_KERNELS)
/* ---- arm64 NEON (kernels/neon/); _dotprod needs JM_CPU_DOTPROD ----------- */
void jm_vec_dot_q4_0_q8_0_neon(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q8_0_q8_0_neon(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q4_0_q8_0_dotprod(int64_t n, float *s, const void *x, const void *y);
void jm_vec_dot_q8_0_q8_0_dotprod(int64_t n, float *s, const void *x, const void *y);
#endif

#endif
