/*
 * matmul.c - weight matrix times a batch of activation rows, spread over
 * the context's threads. The activations are first rounded to the format
 * the weight type's dot product takes (Q8_0, Q8_K, F16, ...), as ggml does,
 * then every thread walks its share of weight rows in tiles, reusing each
 * tile of weights for every activation row while it is in cache.
 */
#include <string.h>
#include "ops.h"

#define ROW_TILE 16

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

static void quantize_task(void *arg, int ith, int nth) {
    matmul_job *j = arg;
    const jm_type_traits *t = jm_type_traits_get(j->w->type);
    jm_from_float_fn q = j->k->from_float[t->vec_dot_type];
    int64_t lo, hi;
    jm_split(j->n_cols, ith, nth, &lo, &hi);
    for (int64_t c = lo; c < hi; c++)
        q(j->x + c * j->x_stride, (char *)j->act + c * j->act_stride, j->w->ne0);
}

static void dot_task(void *arg, int ith, int nth) {
    matmul_job *j = arg;
    const jm_vec_dot_fn dot = j->k->vec_dot[j->w->type];
    const int64_t n = j->w->ne0;
    int64_t lo, hi;
    jm_split(j->w->ne1, ith, nth, &lo, &hi);
    for (int64_t r0 = lo; r0 < hi; r0 += ROW_TILE) {
        const int64_t r1 = r0 + ROW_TILE < hi ? r0 + ROW_TILE : hi;
        for (int64_t c = 0; c < j->n_cols; c++) {
            const char *xa = (const char *)j->act + c * j->act_stride;
            float *yc = j->y + c * j->y_stride;
            for (int64_t r = r0; r < r1; r++)
                dot(n, &yc[r], (const char *)j->w->data + r * j->row_bytes, xa);
        }
    }
}

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
        j.act = ctx->scratch[JM_SCRATCH_MATMUL];
        j.act_stride = act_row_bytes(k, w);
        jm_pool_run(ctx->pool, quantize_task, &j);
    }
    jm_pool_run(ctx->pool, dot_task, &j);
}
