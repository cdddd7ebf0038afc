/*
 * matmul.c - weight matrix times a batch of activation rows, spread over
 * the context's threads. The activations are first rounded to the format
 * the weight type's dot product takes (Q8_0, Q8_K, F16, ...), as ggml does,
 * then every thread takes parts of the weight rows and runs them against
 * every activation column, with the weight type's tiled kernel when the
 * CPU has one.
 */
#include <string.h>
#include "ops.h"

int64_t jm_tensor_pack(jm_tensor *t, int lanes) {
    const size_t bytes = lanes ? jm_gemm_packed_size(t->type, t->ne0, t->ne1, lanes) : 0;
    if (!bytes) return 0;
    void *p = jm_gemm_packed_alloc(bytes);
    if (!p) return -1;
    jm_gemm_pack(t->type, t->data, t->ne0, t->ne1, lanes, p);
    t->packed = p;
    t->packed_lanes = lanes;
    return (int64_t)bytes;
}

static int64_t act_row_bytes(const jm_kernels *k, const jm_tensor *w) {
    const jm_type_traits *t = jm_type_traits_get(w->type);
    const jm_type_traits *vt = jm_type_traits_get(t->vec_dot_type);
    return w->ne0 / vt->block_size * vt->type_size;
}

size_t jm_matmul_scratch_size(const jm_kernels *k, const jm_tensor *w, int64_t n_cols) {
    const jm_type_traits *t = jm_type_traits_get(w->type);
    if (t->vec_dot_type == JM_TYPE_F32) return 0; /* dots read x directly */
    return (size_t)(act_row_bytes(k, w) * n_cols);
}

typedef struct matmul_job {
    const jm_kernels *k;
    const jm_tensor  *w;
    const float      *x;
    int64_t           x_stride;
    int64_t           n_cols;
    float            *y;
    int64_t           y_stride;
    const void       *act;       /* activations in the dot's format */
    int64_t           act_stride;
    int64_t           row_bytes;
} matmul_job;

static void quantize_cols(const matmul_job *j, int64_t c0, int64_t c1) {
    const jm_type_traits *t = jm_type_traits_get(j->w->type);
    jm_from_float_fn q = j->k->from_float[t->vec_dot_type];
    for (int64_t c = c0; c < c1; c++)
        q(j->x + c * j->x_stride, (char *)j->act + c * j->act_stride, j->w->ne0);
}

static void quantize_task(void *arg, int ith, int nth) {
    matmul_job *j = arg;
    int64_t lo, hi;
    jm_split(j->n_cols, ith, nth, &lo, &hi);
    quantize_cols(j, lo, hi);
}

/*
 * A part is a range of whole JM_GEMM_ROW_ALIGN groups of rows. A gemm
 * kernel gets the range in one call and tiles it itself (it prepares each
 * batch of activation columns once per call); the dot fallback walks it in
 * groups, each run against every column while its weights are in L1.
 */
static void dot_task(void *arg, int ith, int nth) {
    matmul_job *j = arg;
    const jm_gemm_args g = {
        .n = j->w->ne0, .w = j->w->data, .w_row_bytes = j->row_bytes,
        /* a packed copy only for kernels that read its group size */
        .w_packed = j->w->packed_lanes == j->k->pack_lanes ? j->w->packed : NULL,
        .act = j->act, .act_stride = j->act_stride, .n_cols = j->n_cols,
        .y = j->y, .y_stride = j->y_stride,
    };
    const int64_t rows = j->w->ne1;
    int64_t lo, hi;
    jm_split((rows + JM_GEMM_ROW_ALIGN - 1) / JM_GEMM_ROW_ALIGN, ith, nth, &lo, &hi);
    const int64_t r0 = lo * JM_GEMM_ROW_ALIGN, r1 = hi * JM_GEMM_ROW_ALIGN < rows ? hi * JM_GEMM_ROW_ALIGN : rows;
    if (r0 >= r1) return;
    const jm_gemm_fn gemm = j->k->gemm[j->w->type];
    if (gemm) {
        gemm(&g, r0, r1);
        return;
    }
    for (int64_t r = r0; r < r1; r += JM_GEMM_ROW_ALIGN)
        jm_gemm_by_dots(j->k->vec_dot[j->w->type], &g, r, r + JM_GEMM_ROW_ALIGN < r1 ? r + JM_GEMM_ROW_ALIGN : r1);
}

/* Below this many columns the activations are rounded on the caller's
   thread: a decode step's one row is not worth a round trip to the pool. */
#define QUANTIZE_INLINE_COLS 2

void jm_op_matmul(jm_context *ctx, const jm_tensor *w, const float *x, int64_t x_stride,
                  int64_t n_cols, float *y, int64_t y_stride) {
    const jm_kernels *k = &ctx->kernels;
    const jm_type_traits *t = jm_type_traits_get(w->type);
    matmul_job j = {
        .k = k, .w = w, .x = x, .x_stride = x_stride, .n_cols = n_cols,
        .y = y, .y_stride = y_stride,
        .row_bytes = w->ne0 / t->block_size * t->type_size,
    };
    if (t->vec_dot_type == JM_TYPE_F32) {
        j.act = x;
        j.act_stride = x_stride * (int64_t)sizeof(float);
    } else {
        j.act = ctx->scratch[JM_SCRATCH_MATMUL].data;
        j.act_stride = act_row_bytes(k, w);
        if (n_cols <= QUANTIZE_INLINE_COLS) quantize_cols(&j, 0, n_cols);
        else jm_pool_run(ctx->pool, quantize_task, &j);
    }
    jm_pool_run(ctx->pool, dot_task, &j);
}
