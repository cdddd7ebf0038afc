/*
 * jmamba.h - public C API of the jmamba kernel library.
 *
 * Everything a Mamba-2 forward needs, for CPU, behind opaque handles:
 *   jm_context  - a thread pool, scratch memory and the kernel set picked
 *                 for this CPU. Used by one caller thread at a time.
 *   jm_model    - hyper-parameters plus pointers to weight tensors that the
 *                 caller owns (a memory-mapped GGUF file). Immutable after
 *                 jm_model_finalize(); any number of contexts may read it.
 *   state       - one sequence's conv + SSM state: plain memory owned by the
 *                 caller, jm_model_state_size() bytes, laid out per layer as
 *                 conv[d_conv-1][conv_dim] then ssm[n_head][head_dim][d_state],
 *                 all float32. Zero bytes are the initial state.
 *
 * Every fallible call returns a jm_status and, when err is not NULL, fills
 * err with a message. No call aborts or exits the process.
 * Tensor types use ggml's numeric type ids, blocks are ggml's byte layouts.
 */
#ifndef JMAMBA_H
#define JMAMBA_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define JM_API __declspec(dllexport)
#else
#define JM_API __attribute__((visibility("default")))
#endif

#define JM_API_VERSION 1

/* ---- status codes ---------------------------------------------------- */

typedef int32_t jm_status;

enum jm_status_code {
    JM_OK                = 0,
    JM_ERR_INVALID_ARG   = 1, /* a bad pointer, size, shape or id           */
    JM_ERR_OUT_OF_MEMORY = 2,
    JM_ERR_UNSUPPORTED   = 3, /* a tensor type or feature we cannot compute */
    JM_ERR_STATE         = 4, /* call out of order (e.g. model not final)   */
    JM_ERR_CANCELLED     = 5,
    JM_ERR_INTERNAL      = 6,
    JM_ERR_MISSING_TENSOR = 7, /* a tensor the model needs was never given */
    JM_ERR_SHAPE          = 8, /* a tensor's shape disagrees with the hyper-parameters */
};

#define JM_ERROR_MESSAGE_SIZE 256

typedef struct jm_error {
    int32_t code;
    char    message[JM_ERROR_MESSAGE_SIZE];
} jm_error;

/* ---- tensor types (ggml's ids) --------------------------------------- */

enum jm_type {
    JM_TYPE_F32     = 0,
    JM_TYPE_F16     = 1,
    JM_TYPE_Q4_0    = 2,
    JM_TYPE_Q4_1    = 3,
    JM_TYPE_Q5_0    = 6,
    JM_TYPE_Q5_1    = 7,
    JM_TYPE_Q8_0    = 8,
    JM_TYPE_Q8_1    = 9,
    JM_TYPE_Q2_K    = 10,
    JM_TYPE_Q3_K    = 11,
    JM_TYPE_Q4_K    = 12,
    JM_TYPE_Q5_K    = 13,
    JM_TYPE_Q6_K    = 14,
    JM_TYPE_Q8_K    = 15,
    JM_TYPE_BF16    = 30,
    JM_TYPE_COUNT   = 40, /* upper bound on ids, for tables */
};

/* Block size (values per block) and bytes per block; 0 for ids we do not know. */
JM_API int32_t jm_type_block_size(int32_t type);
JM_API int64_t jm_type_block_bytes(int32_t type);
/* 1 if the library can compute with weights of this type, else 0. */
JM_API int32_t jm_type_can_compute(int32_t type);

/* ---- CPU features ------------------------------------------------------ */

enum jm_cpu_feature {
    JM_CPU_AVX2        = 1 << 0,
    JM_CPU_FMA         = 1 << 1,
    JM_CPU_F16C        = 1 << 2,
    JM_CPU_AVX512F     = 1 << 3,
    JM_CPU_AVX512BW    = 1 << 4,
    JM_CPU_AVX512VL    = 1 << 5,
    JM_CPU_AVX512VNNI  = 1 << 6,
    JM_CPU_AVX512BF16  = 1 << 7,
    JM_CPU_AVXVNNI     = 1 << 8,
    JM_CPU_NEON        = 1 << 9,
    JM_CPU_DOTPROD     = 1 << 10,
    JM_CPU_AMX_INT8    = 1 << 11, /* AMX tiles with int8, the OS having granted their state */
};

/* Kernel sets, from the most portable up. */
enum jm_kernel_level {
    JM_LEVEL_SCALAR = 0,
    JM_LEVEL_AVX2   = 1, /* AVX2 + FMA + F16C       */
    JM_LEVEL_AVX512 = 2, /* AVX-512 F + BW + VL     */
    JM_LEVEL_NEON   = 3,
};

/* Features of this CPU (detected once, on first use). */
JM_API uint32_t jm_cpu_features(void);
JM_API const char *jm_version(void);

/* ---- context ------------------------------------------------------------- */

typedef struct jm_context jm_context;

typedef struct jm_context_params {
    int32_t  n_threads;          /* threads doing work, caller included; <= 0: one per core */
    uint32_t cpu_features_mask;  /* features the kernels may use (ANDed with jm_cpu_features()); 0 = scalar only */
    const char *backend;         /* what runs the forward, by name (jm_backend_name); NULL: the build's default.
                                    Only read during jm_context_create */
} jm_context_params;

/* The backends this build has (backend/backend_table.c), the default (0) first:
   jm_backend_name(i) for 0 <= i < jm_backend_count(), NULL outside. */
JM_API int32_t     jm_backend_count(void);
JM_API const char *jm_backend_name(int32_t i);

JM_API jm_context_params jm_context_default_params(void);
JM_API jm_status jm_context_create(const jm_context_params *params, jm_context **out, jm_error *err);
JM_API void      jm_context_free(jm_context *ctx);
JM_API int32_t   jm_context_n_threads(const jm_context *ctx);
JM_API int32_t   jm_context_kernel_level(const jm_context *ctx);   /* a jm_kernel_level */
JM_API uint32_t  jm_context_features(const jm_context *ctx);       /* features in use */

/* ---- model --------------------------------------------------------------- */

typedef struct jm_model jm_model;

typedef struct jm_model_params {
    int32_t n_vocab;
    int32_t d_model;   /* embedding_length            */
    int32_t n_layer;   /* block_count                 */
    int32_t d_inner;   /* ssm.inner_size              */
    int32_t d_state;   /* ssm.state_size, N           */
    int32_t n_head;    /* ssm.time_step_rank, H       */
    int32_t n_group;   /* ssm.group_count, G          */
    int32_t d_conv;    /* ssm.conv_kernel, K          */
    float   norm_eps;  /* attention.layer_norm_rms_epsilon */
    /* 1: the tensor data lies in a read-only file mapping (MAP_SHARED), so
       pages of matrices the model repacks at finalize may be dropped from
       the process (the page cache keeps them); 0 (default): never touched */
    int32_t weights_file_mapped;
    /* the features of the contexts that will run the model (ANDed with
       jm_cpu_features()): the matrices are repacked at finalize only where
       they allow the kernels that read the packed layout; default all */
    uint32_t cpu_features_mask;
    /* the backend whose contexts will run the model, by name (jm_backend_name):
       finalize prepares the weights for it, and only its contexts may run
       the model; NULL (default): the build's default. Only read during
       jm_model_create */
    const char *backend;
} jm_model_params;

/* What a tensor is in the model; per-layer roles take a layer index. */
enum jm_tensor_role {
    JM_TENSOR_TOKEN_EMBD      = 0,  /* [d_model, n_vocab]           */
    JM_TENSOR_OUTPUT_NORM     = 1,  /* [d_model]                    */
    JM_TENSOR_OUTPUT          = 2,  /* [d_model, n_vocab], optional */
    JM_TENSOR_ATTN_NORM       = 3,  /* [d_model]                    */
    JM_TENSOR_SSM_IN          = 4,  /* [d_model, d_in_proj]         */
    JM_TENSOR_SSM_CONV1D      = 5,  /* [d_conv, conv_dim], F32      */
    JM_TENSOR_SSM_CONV1D_BIAS = 6,  /* [conv_dim]                   */
    JM_TENSOR_SSM_DT_BIAS     = 7,  /* [n_head]                     */
    JM_TENSOR_SSM_A           = 8,  /* [1, n_head]                  */
    JM_TENSOR_SSM_D           = 9,  /* [1, n_head]                  */
    JM_TENSOR_SSM_NORM        = 10, /* [d_inner/n_group, n_group]   */
    JM_TENSOR_SSM_OUT         = 11, /* [d_inner, d_model]           */
    JM_TENSOR_ROLE_COUNT      = 12,
};

/* The sizes that follow from a model's hyper-parameters. */
typedef struct jm_model_sizes {
    int64_t head_dim;           /* P = d_inner / n_head                            */
    int64_t conv_dim;           /* the conv's channels: d_inner + 2*n_group*d_state */
    int64_t d_in_proj;          /* ssm_in's rows: 2*d_inner + 2*n_group*d_state + n_head */
    int64_t layer_state_floats; /* one layer's state: (d_conv-1)*conv_dim + d_inner*d_state */
    int64_t state_bytes;        /* one sequence's state, all layers (jm_model_state_size) */
} jm_model_sizes;

/* Most dimensions a tensor has (GGUF's limit). */
#define JM_MAX_DIMS 4

JM_API jm_model_params jm_model_default_params(void);
/*
 * Checks the hyper-parameters as jm_model_create does (every count in
 * [1, 2^24], d_conv in [1, 16], d_inner a multiple of n_head, n_head of
 * n_group, norm_eps finite and >= 0, ssm_in's rows an int32, the state's
 * bytes an int64) without making a model or allocating anything; on
 * success fills sizes (when not NULL).
 */
JM_API jm_status jm_model_params_check(const jm_model_params *params, jm_model_sizes *sizes, jm_error *err);
/* Checks the hyper-parameters and makes an empty model. */
JM_API jm_status jm_model_create(const jm_model_params *params, jm_model **out, jm_error *err);
/*
 * A role's tensor name in GGUF files, as llama.cpp names them:
 * "token_embd.weight" for global roles; for per-layer roles the name after
 * "blk.N." ("ssm_in.weight"). NULL for a role that does not exist. Static.
 */
JM_API const char *jm_tensor_role_name(int32_t role);
/*
 * Points a role at caller-owned data: ne0 values per row (contiguous), ne1
 * rows (1 for vectors), nbytes must equal the type's row size * ne1. The data
 * must outlive the model. layer is ignored for global roles. A shape other
 * than the role's is JM_ERR_SHAPE, a type it cannot have JM_ERR_UNSUPPORTED.
 */
JM_API jm_status jm_model_set_tensor(jm_model *model, int32_t layer, int32_t role, int32_t type,
                                     int64_t ne0, int64_t ne1, const void *data, int64_t nbytes,
                                     jm_error *err);
/*
 * jm_model_set_tensor for a tensor named as in a GGUF file
 * ("output_norm.weight", "blk.3.ssm_in.weight"), with its shape as the file
 * gives it: n_dims (1 to JM_MAX_DIMS) sizes in ne, innermost first; trailing
 * 1s do not matter. name is NUL-terminated, at most 255 bytes read.
 * Refused: a name no Mamba-2 tensor has, a layer number the model lacks
 * (JM_ERR_UNSUPPORTED); a tensor given twice (JM_ERR_INVALID_ARG); a shape
 * the hyper-parameters do not give (JM_ERR_SHAPE); a type the role cannot
 * have (JM_ERR_UNSUPPORTED). Each message names the tensor.
 */
JM_API jm_status jm_model_set_tensor_by_name(jm_model *model, const char *name, int32_t type, int32_t n_dims,
                                             const int64_t *ne, const void *data, int64_t nbytes, jm_error *err);
/*
 * 1 if a tensor the model needs has not been set yet (output.weight is
 * optional: without it the output is tied to token_embd.weight), writing the
 * first one's name, in model order, into name (size bytes, NUL-terminated,
 * when name is not NULL and size > 0); 0 if none is missing.
 */
JM_API int32_t   jm_model_next_missing(const jm_model *model, char *name, int32_t size);
/*
 * Checks every tensor is present (JM_ERR_MISSING_TENSOR, naming the first
 * missing) and usable; after this the model is read-only.
 */
JM_API jm_status jm_model_finalize(jm_model *model, jm_error *err);
JM_API void      jm_model_free(jm_model *model);
/* Bytes of one sequence's state (see top of file); 0 before create succeeded. */
JM_API int64_t   jm_model_state_size(const jm_model *model);

/*
 * Runs n_tokens tokens through the model from the given state, which is
 * updated in place. logits: NULL (none wanted), n_vocab floats for the last
 * token (logits_all = 0) or n_tokens * n_vocab floats (logits_all = 1).
 * n_tokens > 1 is processed as one batch (matrix-matrix products; from 16
 * tokens on, with SIMD kernels, the chunked scan); the result equals
 * n_tokens single steps up to float rounding, and is the same bits for
 * every thread count. On
 * failure the state is left as it was before the call.
 */
JM_API jm_status jm_model_eval(jm_context *ctx, const jm_model *model, void *state,
                               const int32_t *tokens, int32_t n_tokens,
                               float *logits, int32_t logits_all, jm_error *err);

/*
 * One sequence's share of a batched step (jm_model_eval_batch).
 */
typedef struct jm_batch_seq {
    void          *state;    /* its state, jm_model_state_size() bytes, updated in place */
    const int32_t *tokens;   /* n_tokens token ids                                       */
    float         *logits;   /* NULL, or n_vocab floats: the logits of its last token    */
    int32_t        n_tokens; /* >= 1: one to decode, more to prefill a chunk of a prompt */
} jm_batch_seq;

/* Most sequences one jm_model_eval_batch call takes. */
#define JM_BATCH_MAX_SEQS 4096

/*
 * Advances n_seqs sequences at once, each by its own tokens from its own
 * state: a decode step of many sequences, or a mixed one where some decode
 * a token and others prefill a chunk. Every weight matrix runs once over
 * the columns of all sequences (the weights are read once per step, not
 * once per sequence); the conv and the scan run per sequence. Each
 * sequence's state and logits are the same bits jm_model_eval gives it
 * alone with the same tokens, whatever the other sequences are. The states
 * must not overlap. On failure (bad argument, out of memory) no state has
 * changed.
 */
JM_API jm_status jm_model_eval_batch(jm_context *ctx, const jm_model *model, const jm_batch_seq *seqs,
                                     int32_t n_seqs, jm_error *err);

/* ---- single ops (tests, benchmarks, the quantizer) ------------------------- */

/* Bytes of one row of n values of type; -1 if n is not a multiple of the block size. */
JM_API int64_t   jm_row_size(int32_t type, int64_t n);

/*
 * Quantizes n_rows rows of n_per_row floats to type with ggml's reference
 * rounding (bit-exact with ggml's quantizer), split across ctx's threads.
 * dst receives n_rows * jm_row_size(type, n_per_row) bytes.
 */
JM_API jm_status jm_quantize(jm_context *ctx, int32_t type, const float *src, void *dst,
                             int64_t n_rows, int64_t n_per_row, jm_error *err);
/* Expands n values (a multiple of the block size) of type to float. */
JM_API jm_status jm_dequantize(int32_t type, const void *src, float *dst, int64_t n, jm_error *err);

/*
 * y[c][r] = sum_i W[r][i] * x[c][i] for r < n_rows, c < n_cols: W is n_rows
 * rows of n_per_row values of type, x and y are row-major float. x is rounded
 * to the type's activation format first, as the model forward does.
 */
JM_API jm_status jm_matmul(jm_context *ctx, int32_t type, const void *w, int64_t n_per_row, int64_t n_rows,
                           const float *x, int64_t n_cols, float *y, jm_error *err);

/*
 * A weight matrix for jm_matmul_weights, repacked the way a model repacks
 * its matrices at load where the CPU and cpu_features_mask run kernels that
 * read a packed layout (AVX2, AVX-512; elsewhere, for types without one and
 * for contexts whose kernels read another, it reads the rows). jm_matmul_weights gives the bits jm_matmul gives. The
 * handle owns its copy; the rows must outlive it.
 */
typedef struct jm_weights jm_weights;
JM_API jm_status jm_weights_create(int32_t type, const void *w, int64_t n_per_row, int64_t n_rows,
                                   uint32_t cpu_features_mask, jm_weights **out, jm_error *err);
JM_API void      jm_weights_free(jm_weights *weights);
/* Bytes of the packed copy, 0 where there is none. */
JM_API int64_t   jm_weights_packed_bytes(const jm_weights *weights);
JM_API jm_status jm_matmul_weights(jm_context *ctx, const jm_weights *weights, const float *x, int64_t n_cols,
                                   float *y, jm_error *err);

/*
 * The causal depthwise conv of a Mamba-2 layer plus SiLU, over n_tokens
 * rows of x (row stride x_stride floats, channels values used per row):
 * y[t][c] = silu(bias[c] + sum_k w[c][k] * seq[t + k][c]) where seq is the
 * state's d_conv-1 rows (oldest first) followed by x. state is updated.
 */
JM_API jm_status jm_conv1d_silu(jm_context *ctx, const float *x, int64_t x_stride, float *state,
                                const float *w, const float *bias, float *y,
                                int64_t channels, int32_t d_conv, int64_t n_tokens, jm_error *err);

/*
 * The selective scan of a Mamba-2 layer over n_tokens tokens. xbc holds
 * n_tokens rows of conv_dim = n_head*head_dim + 2*n_group*d_state floats
 * (x, then B [G][N], then C [G][N]); dt holds n_tokens rows of n_head raw
 * values (row stride dt_stride). state [H][P][N] is updated; y receives
 * n_tokens rows of n_head*head_dim floats. From 16 tokens on, with SIMD
 * kernels, it runs in the chunked form (small matrix products per chunk of
 * tokens), otherwise token by token; both are the same recurrence up to
 * float rounding.
 */
JM_API jm_status jm_ssm_scan(jm_context *ctx, const float *xbc, const float *dt, int64_t dt_stride,
                             const float *dt_bias, const float *a, const float *d, float *state, float *y,
                             int64_t n_tokens, int32_t n_head, int32_t head_dim, int32_t d_state,
                             int32_t n_group, jm_error *err);

/*
 * Measures the machine's streaming read bandwidth with ctx's threads: a
 * buffer of `bytes` is read `reps` times; *gb_per_s receives the best rate
 * in 1e9 bytes per second. For the decode roofline.
 */
JM_API jm_status jm_read_bandwidth(jm_context *ctx, int64_t bytes, int32_t reps, double *gb_per_s, jm_error *err);

#ifdef __cplusplus
}
#endif

#endif /* JMAMBA_H */
