/*
 * backend.h - what computes the forward. model/mamba2.c walks each
 * micro-batch through the layers in model order and hands every step to
 * its context's backend: a table of functions, one per step, plus hooks
 * that prepare a model's weights and reserve a call's activations. A
 * backend decides where the numbers live and what computes them; the
 * forward only passes its buffers from step to step, so an activation is
 * never copied between steps. backend_table.c lists the backends a build
 * has; the CPU one (backend/cpu/) splits each step over the context's
 * threads and runs the kernels kernels/kernel_table.c picked.
 *
 * Only token ids and logits cross between the caller's memory and the
 * backend's (embed, logits, seq_logits); the sequences' states stay in the
 * caller's memory (jmamba.h), read and written by conv and scan.
 */
#ifndef JM_BACKEND_H
#define JM_BACKEND_H

#include "core/context.h"
#include "model/model.h"

/* One sequence's columns in a micro-batch. */
typedef struct jm_ubatch_seq {
    float   *state;   /* jm_model_state_size() bytes, caller's memory */
    int64_t  col;     /* its first column                             */
    int64_t  n;       /* its columns                                  */
} jm_ubatch_seq;

/*
 * A micro-batch: n columns (tokens), those of each sequence contiguous.
 * The activation buffers are the backend's memory, one row per column,
 * set by reserve for the whole call.
 */
typedef struct jm_ubatch {
    const jm_model      *m;
    const jm_ubatch_seq *seqs;
    int32_t              n_seqs;
    const int32_t       *tokens;   /* n ids, caller's memory                        */
    int64_t              n;
    int64_t              seq_max;  /* the most columns one sequence has in any
                                      micro-batch of the call (sizes the scan)      */
    float *u;      /* [n][d_model]    the residual stream                          */
    float *xn;     /* [n][d_model]    rmsnorm(u) * weight                          */
    float *proj;   /* [n][d_in_proj]  ssm_in's output: z, xBC, dt                  */
    float *conv;   /* [n][conv_dim]   silu(conv(xBC))                              */
    float *y;      /* [n][d_inner]    the scan's output, then the gate's           */
    float *out;    /* [n][d_model]    ssm_out's output                             */
    float *logits; /* [n_logits][n_vocab] seq_logits' rows, before they go out     */
} jm_ubatch;

typedef struct jm_backend {
    const char *name;

    /* Per context: make and free the backend's own state (ctx->backend_data). */
    jm_status (*init)(jm_context *ctx, jm_error *err);
    void      (*free)(jm_context *ctx);

    /* Per model, at jm_model_finalize and jm_model_free: the weights in the
       backend's form (CPU: matrices repacked for the gemm kernels). */
    jm_status (*prepare_model)(jm_model *m, jm_error *err);
    void      (*release_model)(jm_model *m);

    /* Per call, before any state changes: b's activation buffers for
       micro-batches of up to n_cols columns (b->m and b->seq_max set), and
       n_logits rows of logits for seq_logits. */
    jm_status (*reserve)(jm_context *ctx, jm_ubatch *b, int64_t n_cols, int64_t n_logits, jm_error *err);

    /* The steps, in the order the forward calls them; il is the layer. */
    void (*embed)(jm_context *ctx, const jm_ubatch *b);                       /* u = embedding rows of tokens */
    void (*residual_norm)(jm_context *ctx, const jm_ubatch *b, int add_out,   /* u += out if add_out,         */
                          const float *norm_w);                               /* xn = rmsnorm(u) * norm_w     */
    void (*matmul)(jm_context *ctx, const jm_tensor *w, const float *x,       /* y[c] = W x[c], c < n_cols,   */
                   int64_t n_cols, float *y);                                 /* rows ne0 and ne1 floats      */
    void (*conv)(jm_context *ctx, const jm_ubatch *b, int32_t il);            /* conv = silu(conv1d(xBC))     */
    void (*scan)(jm_context *ctx, const jm_ubatch *b, int32_t il);            /* y = scan(conv, dt)           */
    void (*gate)(jm_context *ctx, const jm_ubatch *b, int32_t il);            /* y = rmsnorm(y * silu(z)) * w */
    /* The output projection of columns [first, n) of xn into n - first rows
       of logits in the caller's memory. */
    void (*logits)(jm_context *ctx, const jm_ubatch *b, int64_t first, float *logits);
    /* The output projection of each sequence i's last column of xn into
       dst[i] (caller's memory), for the sequences whose dst[i] is not NULL. */
    void (*seq_logits)(jm_context *ctx, const jm_ubatch *b, float *const *dst);

    /* Per call, after its last step: the call's logits and states must be
       in the caller's memory when it returns. A backend whose steps run
       asynchronously (a GPU's queue) waits for them here and reports what
       failed; it must then leave the states as they were before the call,
       as every refused call does. NULL where the steps are done when they
       return and cannot fail (the CPU's). */
    jm_status (*finish)(jm_context *ctx, jm_error *err);
} jm_backend;

/* The backend named name (NULL: the table's first, the default) in *out;
   JM_ERR_UNSUPPORTED, naming the backends the build has, for a name it
   does not have. */
jm_status jm_backend_find(const char *name, const jm_backend **out, jm_error *err);

#endif
