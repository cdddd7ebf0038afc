/*
 * ops.h - the operations of a Mamba-2 forward on the CPU, on float32
 * activations, for the CPU backend and the single ops of the public API.
 * Each op either runs on the calling thread over a range it is given
 * (the *_range functions, called from inside a pool job) or spreads
 * itself over the context's threads (jm_op_*).
 */
#ifndef JM_OPS_H
#define JM_OPS_H

#include "backend/tensor.h"
#include "core/context.h"

/* ---- matmul.c ---- */

/*
 * Gives t a copy packed in groups of `lanes` rows for the gemm kernels
 * (kernels/gemm_pack.c), which t's owner frees: the copy's bytes, 0 where
 * the type has no packed form, -1 when memory for it could not be had
 * (t is then as it was).
 */
int64_t jm_tensor_pack(jm_tensor *t, int lanes);

/* Bytes of scratch jm_op_matmul needs for n_cols inputs of w. */
size_t jm_matmul_scratch_size(const jm_kernels *k, const jm_tensor *w, int64_t n_cols);
/*
 * y[c * y_stride + r] = W[r] . x[c * x_stride ...] for every row r of w and
 * c < n_cols. x is first rounded to the weight type's activation format.
 * The caller checked the shapes and reserved scratch (JM_SCRATCH_MATMUL).
 */
void jm_op_matmul(jm_context *ctx, const jm_tensor *w, const float *x, int64_t x_stride,
                  int64_t n_cols, float *y, int64_t y_stride);

/* ---- norm.c ---- */

/* y = x / sqrt(mean(x^2) + eps) * w over n values (w may be NULL: no scale). */
void jm_rmsnorm(const float *x, const float *w, float *y, int64_t n, float eps);

/* ---- ssm_scan.c ---- */

typedef struct jm_scan_args {
    const float *xbc;      /* n_tokens rows of conv_dim: x [d_inner], B [G][N], C [G][N] */
    const float *dt;       /* n_tokens rows, stride dt_stride: raw dt [H]                */
    int64_t      dt_stride;
    const float *dt_bias;  /* [H] */
    const float *a;        /* [H], negative */
    const float *d;        /* [H] */
    float       *s;        /* [H][P][N] state, updated */
    float       *y;        /* n_tokens rows of d_inner */
    int64_t      n_tokens;
    int32_t      n_head, head_dim, d_state, n_group;
    jm_scan_head_fn scan_head;
    jm_ssd_gemm_fn  ssd_gemm;  /* NULL: no chunked form */
    jm_transpose_fn transpose;
} jm_scan_args;

/* Inputs of at least this many tokens take the chunked form (ssm_scan_chunked.c).
   A build may set it: -DJM_SSD_MIN_TOKENS=1000000 gives the recurrence alone, to compare. */
#ifndef JM_SSD_MIN_TOKENS
#define JM_SSD_MIN_TOKENS 16
#endif

/* Floats of scratch one part of jm_ssm_scan_range needs for a (0: none). */
int64_t jm_ssm_scan_work_floats(const jm_scan_args *a);
/*
 * The selective scan for heads [h0, h1): token by token, or in the chunked
 * form from JM_SSD_MIN_TOKENS tokens on where the kernels have an ssd_gemm
 * (every SIMD level). work: this part's
 * jm_ssm_scan_work_floats floats, 64-byte aligned.
 */
void jm_ssm_scan_range(const jm_scan_args *a, int64_t h0, int64_t h1, float *work);
/* The chunked form alone, for any number of tokens (ssm_scan_chunked.c). */
void jm_ssm_scan_chunked_range(const jm_scan_args *a, int64_t h0, int64_t h1, float *work);

/* ---- gate.c ---- */

/* One group of the output gate: y = rmsnorm(y * silu(z)) * w over the group's n values. */
void jm_gated_group_norm(const jm_kernels *k, float *y, const float *z, const float *w, int64_t n, float eps);

/* softplus as ggml computes it: log1p(exp(x)), or x itself above 20. */
float jm_softplus(float x);

#endif
