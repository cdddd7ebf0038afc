/*
 * quants.h - what the rest of the library knows about tensor types:
 * block geometry, the scalar dequantizer and ggml's reference quantizer.
 * The byte layouts are ggml's (blocks_legacy.h, blocks_k.h).
 */
#ifndef JM_QUANTS_H
#define JM_QUANTS_H

#include <stdint.h>
#include <stddef.h>
#include "jmamba.h"

typedef void (*jm_to_float_fn)(const void *x, float *y, int64_t n);
typedef void (*jm_from_float_fn)(const float *x, void *y, int64_t n);
/* *s = dot(x, y) over n values: x a weight row, y an activation row of vec_dot_type. */
typedef void (*jm_vec_dot_fn)(int64_t n, float *s, const void *x, const void *y);

typedef struct jm_type_traits {
    const char      *name;
    int32_t          block_size;     /* values per block                         */
    int64_t          type_size;      /* bytes per block                          */
    int32_t          vec_dot_type;   /* activation type the dot product takes    */
    jm_to_float_fn   to_float;       /* scalar dequantizer                       */
    jm_from_float_fn from_float_ref; /* ggml's reference quantizer, bit-exact    */
    jm_vec_dot_fn    vec_dot_scalar; /* scalar twin of every SIMD dot kernel     */
} jm_type_traits;

/* NULL for ids we do not know or cannot compute. */
const jm_type_traits *jm_type_traits_get(int32_t type);

/* The two halves of the table, one per source family. */
const jm_type_traits *jm_legacy_traits(int32_t type);  /* F32 F16 BF16 Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q8_1 */
const jm_type_traits *jm_kquant_traits(int32_t type);  /* Q2_K Q3_K Q4_K Q5_K Q6_K Q8_K */

#endif
