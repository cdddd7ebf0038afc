/* tensor.h - a weight tensor as the model holds it and the backends read it. */
#ifndef JM_TENSOR_H
#define JM_TENSOR_H

#include <stdint.h>

/* A weight matrix: ne1 rows of ne0 values of type, rows contiguous. */
typedef struct jm_tensor {
    int32_t     type;
    int64_t     ne0;
    int64_t     ne1;
    const void *data;
    int64_t     nbytes;
    void       *packed;   /* NULL, or the copy the model's backend prepared (CPU: repacked
                             for the gemm kernels, kernels/gemm_pack.c); owned by the model */
    int32_t     packed_lanes; /* CPU: rows per group of the packed copy (jm_gemm_pack) */
} jm_tensor;

#endif
