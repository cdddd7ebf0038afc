/*
 * mamba2.c - the Mamba-2 forward. Tokens go through in micro-batches:
 * each layer is one matmul in, a causal conv, the selective scan, a gated
 * norm and one matmul out, every step spread over the context's threads.
 * A single token is just a micro-batch of one.
 */
#include <string.h>
#include "model.h"
#include "core/error.h"

#define JM_UBATCH 256

typedef struct fwd {
    jm_context      *ctx;
    const jm_model  *m;
    float           *state;
    const int32_t   *tokens;
    int64_t          n;         /* tokens in this micro-batch */
    int32_t          il;        /* current layer              */
    float *u, *xn, *proj, *conv, *y, *out;
    float           *scan_work; /* the chunked scan's scratch, per pool part */
    int              add_out;   /* residual_norm_task: u += out first  */
    const float     *norm_w;    /* residual_norm_task: the norm weight */
} fwd;

/* ---- per-token steps, split by token ---- */

static void embed_task(void *arg, int ith, int nth) {
    fwd *f = arg;
    const jm_tensor *e = &f->m->global[JM_TENSOR_TOKEN_EMBD];
    const int64_t row = jm_row_size(e->type, e->ne0);
    int64_t lo, hi;
    jm_split(f->n, ith, nth, &lo, &hi);
    for (int64_t t = lo; t < hi; t++)
        f->ctx->kernels.to_float[e->type]((const char *)e->data + f->tokens[t] * row,
                                          f->u + t * e->ne0, e->ne0);
}

/*
 * The residual stream between mixers: u += out (the previous mixer's
 * output, when there is one), then xn = rmsnorm(u) * norm_w. One pass per
 * token instead of two jobs, split by token.
 */
static void residual_norm_task(void *arg, int ith, int nth) {
    fwd *f = arg;
    const int64_t d = f->m->p.d_model;
    int64_t lo, hi;
    jm_split(f->n, ith, nth, &lo, &hi);
    for (int64_t t = lo; t < hi; t++) {
        float *u = f->u + t * d;
        if (f->add_out) {
            const float *o = f->out + t * d;
            for (int64_t i = 0; i < d; i++) u[i] += o[i];
        }
        jm_rmsnorm(u, f->norm_w, f->xn + t * d, d, f->m->p.norm_eps);
    }
}

/* Below this many values a step runs on the caller's thread: handing a
   decode step's few thousand adds to the pool costs more than it saves. */
#define INLINE_VALUES 16384

static void residual_norm(fwd *f, int add_out, const float *norm_w) {
    f->add_out = add_out;
    f->norm_w = norm_w;
    if (f->n * f->m->p.d_model <= INLINE_VALUES) residual_norm_task(f, 0, 1);
    else jm_pool_run(f->ctx->pool, residual_norm_task, f);
}

/* Split by (token, group): a single token still spreads over the groups. */
static void gate_task(void *arg, int ith, int nth) {
    fwd *f = arg;
    const jm_model *m = f->m;
    const int64_t di = m->p.d_inner, G = m->p.n_group, gs = di / G;
    const float *w = m->layers[f->il].t[JM_TENSOR_SSM_NORM].data;
    int64_t lo, hi;
    jm_split(f->n * G, ith, nth, &lo, &hi);
    for (int64_t i = lo; i < hi; i++) {
        const int64_t t = i / G, g = i % G;
        jm_gated_group_norm(&f->ctx->kernels, f->y + t * di + g * gs, f->proj + t * m->d_in_proj + g * gs,
                            w + g * gs, gs, m->p.norm_eps);
    }
}

/* ---- mixer steps, split by channel or head ---- */

static void conv_task(void *arg, int ith, int nth) {
    fwd *f = arg;
    const jm_model *m = f->m;
    const jm_layer *L = &m->layers[f->il];
    jm_conv_args a = {
        .x = f->proj + m->p.d_inner, .x_stride = m->d_in_proj, .y = f->conv,
        .state = jm_layer_conv_state(m, f->state, f->il),
        .w_t = jm_layer_conv_w_t(m, f->il), .bias = L->t[JM_TENSOR_SSM_CONV1D_BIAS].data,
        .channels = m->conv_dim, .d_conv = m->p.d_conv, .n_tokens = f->n,
    };
    int64_t lo, hi;
    jm_split(m->conv_dim, ith, nth, &lo, &hi);
    f->ctx->kernels.conv_silu(&a, lo, hi);
}

/* The scan's arguments for the current layer and micro-batch. */
static jm_scan_args scan_args(const fwd *f) {
    const jm_model *m = f->m;
    const jm_layer *L = &m->layers[f->il];
    jm_scan_args a = {
        .xbc = f->conv, .dt = f->proj + 2 * m->p.d_inner + 2 * (int64_t)m->p.n_group * m->p.d_state,
        .dt_stride = m->d_in_proj, .dt_bias = L->t[JM_TENSOR_SSM_DT_BIAS].data,
        .a = L->t[JM_TENSOR_SSM_A].data, .d = L->t[JM_TENSOR_SSM_D].data,
        .s = jm_layer_ssm_state(m, f->state, f->il), .y = f->y, .n_tokens = f->n,
        .n_head = m->p.n_head, .head_dim = (int32_t)m->head_dim, .d_state = m->p.d_state, .n_group = m->p.n_group,
        .scan_head = f->ctx->kernels.scan_head, .ssd_gemm = f->ctx->kernels.ssd_gemm,
        .transpose = f->ctx->kernels.transpose,
    };
    return a;
}

static void scan_task(void *arg, int ith, int nth) {
    fwd *f = arg;
    const jm_scan_args a = scan_args(f);
    int64_t lo, hi;
    jm_split(f->m->p.n_head, ith, nth, &lo, &hi);
    jm_ssm_scan_range(&a, lo, hi, f->scan_work + ith * jm_ssm_scan_work_floats(&a));
}

static void layer_forward(fwd *f) {
    jm_context *ctx = f->ctx;
    const jm_layer *L = &f->m->layers[f->il];
    const jm_model *m = f->m;
    residual_norm(f, f->il > 0, L->t[JM_TENSOR_ATTN_NORM].data);
    jm_op_matmul(ctx, &L->t[JM_TENSOR_SSM_IN], f->xn, m->p.d_model, f->n, f->proj, m->d_in_proj);
    if (f->n * m->conv_dim <= INLINE_VALUES / 4) conv_task(f, 0, 1);
    else jm_pool_run(ctx->pool, conv_task, f);
    jm_pool_run(ctx->pool, scan_task, f);
    /* the gate splits by (token, group): one token of one group is one part */
    if (f->n * m->p.n_group == 1) gate_task(f, 0, 1);
    else jm_pool_run(ctx->pool, gate_task, f);
    jm_op_matmul(ctx, &L->t[JM_TENSOR_SSM_OUT], f->y, m->p.d_inner, f->n, f->out, m->p.d_model);
}

/* Output projection for tokens [first, f->n) of the micro-batch, normed already. */
static void output_forward(fwd *f, int64_t first, float *logits) {
    const jm_model *m = f->m;
    const int64_t d = m->p.d_model;
    jm_op_matmul(f->ctx, jm_model_output(m), f->xn + first * d, d, f->n - first, logits, m->p.n_vocab);
}

/* Reserves every buffer a micro-batch of nb tokens needs, before anything changes. */
static jm_status reserve(jm_context *ctx, const jm_model *m, int64_t nb, fwd *f, jm_error *err) {
    const jm_kernels *k = &ctx->kernels;
    const jm_layer *L0 = &m->layers[0];
    size_t act = jm_matmul_scratch_size(k, &L0->t[JM_TENSOR_SSM_IN], nb);
    size_t a2 = jm_matmul_scratch_size(k, &L0->t[JM_TENSOR_SSM_OUT], nb);
    size_t a3 = jm_matmul_scratch_size(k, jm_model_output(m), nb);
    for (int32_t il = 1; il < m->p.n_layer; il++) { /* types may differ per layer */
        size_t s1 = jm_matmul_scratch_size(k, &m->layers[il].t[JM_TENSOR_SSM_IN], nb);
        size_t s2 = jm_matmul_scratch_size(k, &m->layers[il].t[JM_TENSOR_SSM_OUT], nb);
        if (s1 > act) act = s1;
        if (s2 > a2) a2 = s2;
    }
    if (a2 > act) act = a2;
    if (a3 > act) act = a3;
    const size_t fl = sizeof(float);
    f->u    = jm_scratch(ctx, JM_SCRATCH_RESIDUAL, nb * m->p.d_model * fl);
    f->xn   = jm_scratch(ctx, JM_SCRATCH_NORMED, nb * m->p.d_model * fl);
    f->proj = jm_scratch(ctx, JM_SCRATCH_PROJ, nb * m->d_in_proj * fl);
    f->conv = jm_scratch(ctx, JM_SCRATCH_CONV, nb * m->conv_dim * fl);
    f->y    = jm_scratch(ctx, JM_SCRATCH_Y, nb * m->p.d_inner * fl);
    f->out  = jm_scratch(ctx, JM_SCRATCH_OUT, nb * m->p.d_model * fl);
    void *q = jm_scratch(ctx, JM_SCRATCH_MATMUL, act > 0 ? act : 64);
    f->n = nb;
    const jm_scan_args sa = scan_args(f); /* only its sizes matter here */
    f->scan_work = jm_scratch(ctx, JM_SCRATCH_SCAN, (jm_ssm_scan_work_floats(&sa) * jm_pool_parts(ctx->pool) + 16) * fl);
    if (!f->u || !f->xn || !f->proj || !f->conv || !f->y || !f->out || !q || !f->scan_work)
        return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for a batch of %lld tokens", (long long)nb);
    return JM_OK;
}

static jm_status check_eval(const jm_context *ctx, const jm_model *m, const void *state,
                            const int32_t *tokens, int32_t n_tokens, int32_t logits_all, jm_error *err) {
    if (!ctx || !m || !state || !tokens)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_eval: NULL context, model, state or tokens");
    if (!m->finalized) return jm_fail(err, JM_ERR_STATE, "jm_model_eval: the model is not finalized");
    if (n_tokens <= 0) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_eval: n_tokens = %d, need at least 1", n_tokens);
    if (logits_all != 0 && logits_all != 1)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_eval: logits_all must be 0 or 1, got %d", logits_all);
    for (int32_t i = 0; i < n_tokens; i++)
        if (tokens[i] < 0 || tokens[i] >= m->p.n_vocab)
            return jm_fail(err, JM_ERR_INVALID_ARG, "token id %d at position %d is outside the vocabulary [0, %d)",
                           tokens[i], i, m->p.n_vocab);
    return JM_OK;
}

jm_status jm_model_eval(jm_context *ctx, const jm_model *m, void *state,
                        const int32_t *tokens, int32_t n_tokens,
                        float *logits, int32_t logits_all, jm_error *err) {
    jm_status st = check_eval(ctx, m, state, tokens, n_tokens, logits_all, err);
    if (st != JM_OK) return st;
    const int64_t nb = n_tokens < JM_UBATCH ? n_tokens : JM_UBATCH;
    fwd f = { .ctx = ctx, .m = m, .state = state };
    st = reserve(ctx, m, nb, &f, err);
    if (st != JM_OK) return st;
    for (int64_t t0 = 0; t0 < n_tokens; t0 += nb) {
        f.n = n_tokens - t0 < nb ? n_tokens - t0 : nb;
        f.tokens = tokens + t0;
        jm_pool_run(ctx->pool, embed_task, &f);
        for (f.il = 0; f.il < m->p.n_layer; f.il++) layer_forward(&f);
        /* the last mixer's residual, and the output norm, for every token: the
           next micro-batch starts from embeddings, so u itself is not kept */
        residual_norm(&f, 1, m->global[JM_TENSOR_OUTPUT_NORM].data);
        const int last_batch = t0 + f.n == n_tokens;
        if (logits && logits_all) output_forward(&f, 0, logits + t0 * m->p.n_vocab);
        else if (logits && last_batch) output_forward(&f, f.n - 1, logits);
    }
    return jm_ok(err);
}
