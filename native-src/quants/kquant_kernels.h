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

/* Q4_K / Q5_K: the 12 scale bytes -> 8 six-bit scales (out[0..7]) and mins (out[8..15]). */
static inline void kq_unpack_k4(const uint8_t *s, uint8_t out[16]) {
    uint32_t w[3], u[4];
    memcpy(w, s, 12);
    u[0] = w[0] & 0x3F3F3F3Fu;                                              /* scales 0..3 */
    u[1] = (w[2] & 0x0F0F0F0Fu) | (((w[0] >> 6) & 0x03030303u) << 4);       /* scales 4..7 */
    u[2] = w[1] & 0x3F3F3F3Fu;                                              /* mins 0..3   */
    u[3] = ((w[2] >> 4) & 0x0F0F0F0Fu) | (((w[1] >> 6) & 0x03030303u) << 4); /* mins 4..7 */
    memcpy(out, u, 16);
}

/* Q3_K: the 12 scale bytes -> the sixteen six-bit scales, still offset by 32
   (low nibbles, then the top bits, as ggml's kmask1 / kmask2 read them). */
static inline void kq_unpack_q3(const uint8_t *s, int8_t out[16]) {
    uint32_t w[3], u[4];
    memcpy(w, s, 12);
    u[0] = (w[0] & 0x0F0F0F0Fu) | (((w[2] >> 0) & 0x03030303u) << 4);
    u[1] = (w[1] & 0x0F0F0F0Fu) | (((w[2] >> 2) & 0x03030303u) << 4);
    u[2] = ((w[0] >> 4) & 0x0F0F0F0Fu) | (((w[2] >> 4) & 0x03030303u) << 4);
    u[3] = ((w[1] >> 4) & 0x0F0F0F0Fu) | (((w[2] >> 6) & 0x03030303u) << 4);
    memcpy(out, u, 16);
}

/* Q4_K / Q5_K: the activations' sums times the mins (sm from kq_unpack_k4). */
static inline int kq_k4_summ(const uint8_t sm[16], const block_q8_K *y) {
    int summ = 0;
    for (int j = 0; j < 16; ++j) {
        int16_t b;
        memcpy(&b, &y->bsums[j], 2);
        summ += b * sm[8 + j / 2];
    }
    return summ;
}

/* Q2_K: the activations' sums times the mins (high nibbles of the scales). */
static inline int kq_q2_summs(const uint8_t *scales, const block_q8_K *y) {
    int summs = 0;
    for (int j = 0; j < 16; ++j) {
        int16_t b;
        memcpy(&b, &y->bsums[j], 2);
        summs += b * (scales[j] >> 4);
    }
    return summs;
}

#endif
