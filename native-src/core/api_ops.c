/* api_ops.c - single ops behind the public API: quantize, dequantize, matmul. */
#include <stdint.h>
#include <stdlib.h>
#include "core/context.h"
#include "core/error.h"
#include "core/platform.h"
#include "backend/cpu/ops.h"

typedef struct quantize_job {
    jm_from_float_fn q;
    const float *src;
    char        *dst;
    int64_t      n_rows, n_per_row, row_bytes;
} quantize_job;

static void quantize_rows(void *arg, int ith, int nth) {
    quantize_job *j = arg;
    int64_t lo, hi;
    jm_split(j->n_rows, ith, nth, &lo, &hi);
    for (int64_t r = lo; r < hi; r++) j->q(j->src + r * j->n_per_row, j->dst + r * j->row_bytes, j->n_per_row);
}

jm_status jm_quantize(jm_context *ctx, int32_t type, const float *src, void *dst,
                      int64_t n_rows, int64_t n_per_row, jm_error *err) {
    if (!ctx || !src || !dst) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_quantize: NULL argument");
    const jm_type_traits *t = jm_type_traits_get(type);
    if (!t || !t->from_float_ref) return jm_fail(err, JM_ERR_UNSUPPORTED, "jm_quantize: cannot quantize to type %d", type);
    if (n_rows < 0 || n_per_row <= 0 || n_per_row % t->block_size != 0)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_quantize: %lld values per row is not a positive multiple of %s's block size %d",
                       (long long)n_per_row, t->name, t->block_size);
    quantize_job j = { .q = t->from_float_ref, .src = src, .dst = dst, .n_rows = n_rows,
                       .n_per_row = n_per_row, .row_bytes = jm_row_size(type, n_per_row) };
    jm_pool_run(ctx->pool, quantize_rows, &j);
    return jm_ok(err);
}

jm_status jm_dequantize(int32_t type, const void *src, float *dst, int64_t n, jm_error *err) {
    if (!src || !dst) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_dequantize: NULL argument");
    const jm_type_traits *t = jm_type_traits_get(type);
    if (!t || !t->to_float) return jm_fail(err, JM_ERR_UNSUPPORTED, "jm_dequantize: unknown type %d", type);
    if (n < 0 || n % t->block_size != 0)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_dequantize: %lld values is not a multiple of %s's block size %d",
                       (long long)n, t->name, t->block_size);
    t->to_float(src, dst, n);
    return jm_ok(err);
}

jm_status jm_matmul(jm_context *ctx, int32_t type, const void *w, int64_t n_per_row, int64_t n_rows,
                    const float *x, int64_t n_cols, float *y, jm_error *err) {
    if (!ctx || !w || !x || !y) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_matmul: NULL argument");
    if (!jm_type_can_compute(type)) return jm_fail(err, JM_ERR_UNSUPPORTED, "jm_matmul: cannot compute type %d", type);
    const int64_t row = jm_row_size(type, n_per_row);
    if (row <= 0 || n_rows <= 0 || n_cols <= 0)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_matmul: bad shape [%lld, %lld] x %lld columns",
                       (long long)n_per_row, (long long)n_rows, (long long)n_cols);
    jm_tensor t = { .type = type, .ne0 = n_per_row, .ne1 = n_rows, .data = w, .nbytes = row * n_rows };
    size_t need = jm_matmul_scratch_size(&ctx->kernels, &t, n_cols);
    if (!jm_scratch(ctx, JM_SCRATCH_MATMUL, need > 0 ? need : 64))
        return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "jm_matmul: out of memory for %zu bytes of activations", need);
    jm_op_matmul(ctx, &t, x, n_per_row, n_cols, y, n_rows);
    return jm_ok(err);
}

/* A matrix and, where packing pays, its packed copy (owned). */
struct jm_weights {
    jm_tensor t;
    int64_t   packed_bytes;
};

jm_status jm_weights_create(int32_t type, const void *w, int64_t n_per_row, int64_t n_rows,
                            uint32_t cpu_features_mask, jm_weights **out, jm_error *err) {
    if (!w || !out) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_weights_create: NULL argument");
    *out = NULL;
    if (!jm_type_can_compute(type)) return jm_fail(err, JM_ERR_UNSUPPORTED, "jm_weights_create: cannot compute type %d", type);
    const int64_t row = jm_row_size(type, n_per_row);
    if (row <= 0 || n_rows <= 0 || n_rows > INT64_MAX / row)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_weights_create: bad shape [%lld, %lld]", (long long)n_per_row,
                       (long long)n_rows);
    jm_weights *h = calloc(1, sizeof *h);
    if (!h) return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "jm_weights_create: out of memory");
    h->t = (jm_tensor){ .type = type, .ne0 = n_per_row, .ne1 = n_rows, .data = w, .nbytes = row * n_rows };
    const int lanes = jm_gemm_pack_lanes(jm_cpu_features() & cpu_features_mask);
    h->packed_bytes = jm_tensor_pack(&h->t, lanes);
    if (h->packed_bytes < 0) {
        free(h);
        return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "jm_weights_create: out of memory for packed weights of [%lld, %lld]",
                       (long long)n_per_row, (long long)n_rows);
    }
    *out = h;
    return jm_ok(err);
}

void jm_weights_free(jm_weights *weights) {
    if (!weights) return;
    jm_aligned_free(weights->t.packed);
    free(weights);
}

int64_t jm_weights_packed_bytes(const jm_weights *weights) { return weights ? weights->packed_bytes : 0; }

jm_status jm_matmul_weights(jm_context *ctx, const jm_weights *weights, const float *x, int64_t n_cols, float *y,
                            jm_error *err) {
    if (!ctx || !weights || !x || !y) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_matmul_weights: NULL argument");
    if (n_cols <= 0) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_matmul_weights: %lld columns", (long long)n_cols);
    const jm_tensor *t = &weights->t;
    size_t need = jm_matmul_scratch_size(&ctx->kernels, t, n_cols);
    if (!jm_scratch(ctx, JM_SCRATCH_MATMUL, need > 0 ? need : 64))
        return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "jm_matmul_weights: out of memory for %zu bytes of activations", need);
    jm_op_matmul(ctx, t, x, t->ne0, n_cols, y, t->ne1);
    return jm_ok(err);
}

typedef struct conv_job { jm_conv_args a; jm_conv_fn conv; } conv_job;

static void conv_rows(void *arg, int ith, int nth) {
    conv_job *j = arg;
    int64_t lo, hi;
    jm_split(j->a.channels, ith, nth, &lo, &hi);
    j->conv(&j->a, lo, hi);
}

jm_status jm_conv1d_silu(jm_context *ctx, const float *x, int64_t x_stride, float *state,
                         const float *w, const float *bias, float *y,
                         int64_t channels, int32_t d_conv, int64_t n_tokens, jm_error *err) {
    if (!ctx || !x || !state || !w || !bias || !y) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_conv1d_silu: NULL argument");
    if (channels <= 0 || n_tokens <= 0 || x_stride < channels || d_conv < 1 || d_conv > 16)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_conv1d_silu: bad sizes (channels %lld, stride %lld, d_conv %d, tokens %lld)",
                       (long long)channels, (long long)x_stride, d_conv, (long long)n_tokens);
    /* the kernels take the weights tap-major */
    float *w_t = jm_scratch(ctx, JM_SCRATCH_BACKUP, (size_t)(channels * d_conv) * sizeof(float));
    if (!w_t) return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "jm_conv1d_silu: out of memory");
    for (int64_t c = 0; c < channels; c++)
        for (int32_t k = 0; k < d_conv; k++) w_t[k * channels + c] = w[c * d_conv + k];
    conv_job j = { .a = { .x = x, .x_stride = x_stride, .y = y, .state = state, .w_t = w_t, .bias = bias,
                          .channels = channels, .d_conv = d_conv, .n_tokens = n_tokens },
                   .conv = ctx->kernels.conv_silu };
    jm_pool_run(ctx->pool, conv_rows, &j);
    return jm_ok(err);
}

typedef struct scan_job { jm_scan_args a; float *work; int64_t work_per_part; } scan_job;

static void scan_heads(void *arg, int ith, int nth) {
    scan_job *j = arg;
    int64_t lo, hi;
    jm_split(j->a.n_head, ith, nth, &lo, &hi);
    jm_ssm_scan_range(&j->a, lo, hi, j->work + ith * j->work_per_part);
}

jm_status jm_ssm_scan(jm_context *ctx, const float *xbc, const float *dt, int64_t dt_stride,
                      const float *dt_bias, const float *a, const float *d, float *state, float *y,
                      int64_t n_tokens, int32_t n_head, int32_t head_dim, int32_t d_state,
                      int32_t n_group, jm_error *err) {
    if (!ctx || !xbc || !dt || !dt_bias || !a || !d || !state || !y)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_ssm_scan: NULL argument");
    if (n_tokens <= 0 || n_head <= 0 || head_dim <= 0 || d_state <= 0 || n_group <= 0 || n_head % n_group != 0 ||
        dt_stride < n_head)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_ssm_scan: bad sizes (tokens %lld, H %d, P %d, N %d, G %d, dt stride %lld)",
                       (long long)n_tokens, n_head, head_dim, d_state, n_group, (long long)dt_stride);
    scan_job j = { .a = { .xbc = xbc, .dt = dt, .dt_stride = dt_stride, .dt_bias = dt_bias, .a = a, .d = d,
                          .s = state, .y = y, .n_tokens = n_tokens, .n_head = n_head, .head_dim = head_dim,
                          .d_state = d_state, .n_group = n_group, .scan_head = ctx->kernels.scan_head,
                          .ssd_gemm = ctx->kernels.ssd_gemm, .transpose = ctx->kernels.transpose } };
    j.work_per_part = jm_ssm_scan_work_floats(&j.a);
    j.work = jm_scratch(ctx, JM_SCRATCH_SCAN, (size_t)(j.work_per_part * jm_pool_parts(ctx->pool) + 16) * sizeof(float));
    if (!j.work) return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "jm_ssm_scan: out of memory");
    jm_pool_run(ctx->pool, scan_heads, &j);
    return jm_ok(err);
}
