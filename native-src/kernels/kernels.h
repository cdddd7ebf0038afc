/*
 * kernels.h - the kernel set a context uses, picked once from the CPU's
 * features. Every entry has a scalar twin in the type traits; tests compare.
 */
#ifndef JM_KERNELS_H
#define JM_KERNELS_H

#include "../quants/quants.h"

/*
 * One row of the selective-scan update: s[i] = s[i] * dA + xdt * B[i] for
 * i < n, returning sum_i s[i] * C[i]. The decode step's inner loop.
 */
typedef float (*jm_scan_row_fn)(float *s, const float *B, const float *C, float dA, float xdt, int64_t n);

typedef struct jm_kernels {
    int32_t          level;                    /* jm_kernel_level            */
    uint32_t         features;                 /* CPU features in use        */
    jm_vec_dot_fn    vec_dot[JM_TYPE_COUNT];   /* by weight type             */
    jm_from_float_fn from_float[JM_TYPE_COUNT];/* activation quantizers: Q8_0, Q8_1, Q8_K, F16, BF16, F32 (copy) */
    jm_to_float_fn   to_float[JM_TYPE_COUNT];
    jm_scan_row_fn   scan_row;
} jm_kernels;

/* The scan row kernels, by instruction set. */
float jm_scan_row_scalar(float *s, const float *B, const float *C, float dA, float xdt, int64_t n);
float jm_scan_row_avx2(float *s, const float *B, const float *C, float dA, float xdt, int64_t n);
float jm_scan_row_avx512(float *s, const float *B, const float *C, float dA, float xdt, int64_t n);

/* Fills k with the best kernels for features (already masked by the caller). */
void jm_kernels_init(jm_kernels *k, uint32_t features);

/* Each family fills its own entries; level is the chosen jm_kernel_level. */
void jm_kernels_init_legacy(jm_kernels *k, int32_t level, uint32_t features);
void jm_kernels_init_kquants(jm_kernels *k, int32_t level, uint32_t features);

#endif
