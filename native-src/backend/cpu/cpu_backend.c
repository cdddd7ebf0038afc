/*
 * cpu_backend.c - the forward's steps on the CPU: each one split over the
 * context's threads (by token, channel or head), running the kernels the
 * context picked for this CPU. The activations live in host buffers of
 * the context's own, grown as calls need them.
 */
#include <stdlib.h>
#include <string.h>
#include "backend/backend.h"
#include "core/error.h"
#include "ops.h"

/* The activation buffers of a context (ctx->backend_data). */
enum { ACT_U, ACT_XN, ACT_PROJ, ACT_CONV, ACT_Y, ACT_OUT, ACT_LOGITS, ACT_COUNT };

typedef struct cpu_state {
    jm_buffer act[ACT_COUNT];
    int64_t   scan_work_floats; /* chunked-scan scratch per pool part, set by reserve for the call */
} cpu_state;

/* One step's job for the pool. */
typedef struct cpu_step {
    jm_context      *ctx;
    const jm_ubatch *b;
    int32_t          il;          /* the layer                           */
    int              add_out;     /* residual_norm: u += out first       */
    const float     *norm_w;      /* residual_norm: the norm weight      */
    float           *scan_work;   /* scan: the chunked form's scratch    */
    int64_t          scan_work_floats; /* per pool part                  */
} cpu_step;

/* Below this many values a step runs on the caller's thread: handing a
   decode step's few thousand adds to the pool costs more than it saves. */
#define INLINE_VALUES 16384

/* ---- per-token steps, split by token ---- */

static void embed_task(void *arg, int ith, int nth) {
    const cpu_step *s = arg;
    const jm_ubatch *b = s->b;
    const jm_tensor *e = &b->m->global[JM_TENSOR_TOKEN_EMBD];
    const int64_t row = jm_row_size(e->type, e->ne0);
    int64_t lo, hi;
    jm_split(b->n, ith, nth, &lo, &hi);
    for (int64_t t = lo; t < hi; t++)
        s->ctx->kernels.to_float[e->type]((const char *)e->data + b->tokens[t] * row, b->u + t * e->ne0, e->ne0);
}

static void cpu_embed(jm_context *ctx, const jm_ubatch *b) {
    cpu_step s = { .ctx = ctx, .b = b };
    jm_pool_run(ctx->pool, embed_task, &s);
}

/*
 * The residual stream between mixers: u += out (the previous mixer's
 * output, when there is one), then xn = rmsnorm(u) * norm_w. One pass per
 * token instead of two jobs, split by token.
 */
static void residual_norm_task(void *arg, int ith, int nth) {
    const cpu_step *s = arg;
    const jm_ubatch *b = s->b;
    const int64_t d = b->m->p.d_model;
    int64_t lo, hi;
    jm_split(b->n, ith, nth, &lo, &hi);
    for (int64_t t = lo; t < hi; t++) {
        float *u = b->u + t * d;
        if (s->add_out) {
            const float *o = b->out + t * d;
            for (int64_t i = 0; i < d; i++) u[i] += o[i];
        }
        jm_rmsnorm(u, s->norm_w, b->xn + t * d, d, b->m->p.norm_eps);
    }
}

static void cpu_residual_norm(jm_context *ctx, const jm_ubatch *b, int add_out, const float *norm_w) {
    cpu_step s = { .ctx = ctx, .b = b, .add_out = add_out, .norm_w = norm_w };
    if (b->n * b->m->p.d_model <= INLINE_VALUES) residual_norm_task(&s, 0, 1);
    else jm_pool_run(ctx->pool, residual_norm_task, &s);
}

/* Split by (token, group): a single token still spreads over the groups. */
static void gate_task(void *arg, int ith, int nth) {
    const cpu_step *s = arg;
    const jm_ubatch *b = s->b;
    const jm_model *m = b->m;
    const int64_t di = m->p.d_inner, G = m->p.n_group, gs = di / G;
    const float *w = m->layers[s->il].t[JM_TENSOR_SSM_NORM].data;
    int64_t lo, hi;
    jm_split(b->n * G, ith, nth, &lo, &hi);
    for (int64_t i = lo; i < hi; i++) {
        const int64_t t = i / G, g = i % G;
        jm_gated_group_norm(&s->ctx->kernels, b->y + t * di + g * gs, b->proj + t * m->d_in_proj + g * gs,
                            w + g * gs, gs, m->p.norm_eps);
    }
}

static void cpu_gate(jm_context *ctx, const jm_ubatch *b, int32_t il) {
    cpu_step s = { .ctx = ctx, .b = b, .il = il };
    /* one token of one group is one part */
    if (b->n * b->m->p.n_group == 1) gate_task(&s, 0, 1);
    else jm_pool_run(ctx->pool, gate_task, &s);
}

/* ---- mixer steps, split by channel or head ---- */

/* Every sequence's channels [lo, hi), each from its own conv state. */
static void conv_task(void *arg, int ith, int nth) {
    const cpu_step *s = arg;
    const jm_ubatch *b = s->b;
    const jm_model *m = b->m;
    const jm_layer *L = &m->layers[s->il];
    int64_t lo, hi;
    jm_split(m->conv_dim, ith, nth, &lo, &hi);
    for (int32_t i = 0; i < b->n_seqs; i++) {
        const jm_ubatch_seq *q = &b->seqs[i];
        jm_conv_args a = {
            .x = b->proj + q->col * m->d_in_proj + m->p.d_inner, .x_stride = m->d_in_proj,
            .y = b->conv + q->col * m->conv_dim,
            .state = jm_layer_conv_state(m, q->state, s->il),
            .w_t = jm_layer_conv_w_t(m, s->il), .bias = L->t[JM_TENSOR_SSM_CONV1D_BIAS].data,
            .channels = m->conv_dim, .d_conv = m->p.d_conv, .n_tokens = q->n,
        };
        s->ctx->kernels.conv_silu(&a, lo, hi);
    }
}

static void cpu_conv(jm_context *ctx, const jm_ubatch *b, int32_t il) {
    cpu_step s = { .ctx = ctx, .b = b, .il = il };
    if (b->n * b->m->conv_dim <= INLINE_VALUES / 4) conv_task(&s, 0, 1);
    else jm_pool_run(ctx->pool, conv_task, &s);
}

/* The scan's arguments for layer il and one sequence's columns (q NULL:
   seq_max columns, for sizes only). */
static jm_scan_args scan_args(const jm_kernels *k, const jm_ubatch *b, int32_t il, const jm_ubatch_seq *q) {
    const jm_model *m = b->m;
    const jm_layer *L = &m->layers[il];
    const int64_t col = q ? q->col : 0;
    jm_scan_args a = {
        .xbc = b->conv + col * m->conv_dim,
        .dt = b->proj + col * m->d_in_proj + 2 * m->p.d_inner + 2 * (int64_t)m->p.n_group * m->p.d_state,
        .dt_stride = m->d_in_proj, .dt_bias = L->t[JM_TENSOR_SSM_DT_BIAS].data,
        .a = L->t[JM_TENSOR_SSM_A].data, .d = L->t[JM_TENSOR_SSM_D].data,
        .s = q ? jm_layer_ssm_state(m, q->state, il) : NULL, .y = b->y + col * m->p.d_inner,
        .n_tokens = q ? q->n : b->seq_max,
        .n_head = m->p.n_head, .head_dim = (int32_t)m->head_dim, .d_state = m->p.d_state, .n_group = m->p.n_group,
        .scan_head = k->scan_head, .ssd_gemm = k->ssd_gemm, .transpose = k->transpose,
    };
    return a;
}

/* Split by (sequence, head): heads are independent, so any split gives the same bits. */
static void scan_task(void *arg, int ith, int nth) {
    const cpu_step *s = arg;
    const jm_ubatch *b = s->b;
    const int64_t H = b->m->p.n_head;
    int64_t lo, hi;
    jm_split(b->n_seqs * H, ith, nth, &lo, &hi);
    float *work = s->scan_work + ith * s->scan_work_floats;
    for (int64_t i = lo; i < hi;) {
        const int64_t q = i / H, h0 = i % H, h1 = hi - q * H < H ? hi - q * H : H;
        const jm_scan_args a = scan_args(&s->ctx->kernels, b, s->il, &b->seqs[q]);
        jm_ssm_scan_range(&a, h0, h1, work);
        i = q * H + h1;
    }
}

/* Floats of chunked-scan scratch one pool part needs for b's calls. */
static int64_t scan_work_floats(const jm_context *ctx, const jm_ubatch *b) {
    const jm_scan_args sa = scan_args(&ctx->kernels, b, 0, NULL); /* only its sizes matter here */
    return jm_ssm_scan_work_floats(&sa);
}

static void cpu_scan(jm_context *ctx, const jm_ubatch *b, int32_t il) {
    const cpu_state *st = ctx->backend_data;
    cpu_step s = { .ctx = ctx, .b = b, .il = il, .scan_work = ctx->scratch[JM_SCRATCH_SCAN].data,
                   .scan_work_floats = st->scan_work_floats };
    jm_pool_run(ctx->pool, scan_task, &s);
}

/* ---- matrices ---- */

static void cpu_matmul(jm_context *ctx, const jm_tensor *w, const float *x, int64_t n_cols, float *y) {
    jm_op_matmul(ctx, w, x, w->ne0, n_cols, y, w->ne1);
}

static void cpu_logits(jm_context *ctx, const jm_ubatch *b, int64_t first, float *logits) {
    const jm_model *m = b->m;
    jm_op_matmul(ctx, jm_model_output(m), b->xn + first * m->p.d_model, m->p.d_model, b->n - first, logits,
                 m->p.n_vocab);
}

/* One matmul over the last columns of all sequences that want logits. */
static void cpu_seq_logits(jm_context *ctx, const jm_ubatch *b, float *const *dst) {
    const jm_model *m = b->m;
    const int64_t d = m->p.d_model, V = m->p.n_vocab;
    int64_t k = 0;
    for (int32_t i = 0; i < b->n_seqs; i++) {
        if (!dst[i]) continue;
        const jm_ubatch_seq *q = &b->seqs[i];
        /* out is free once the final norm has read it: gather the columns there */
        memcpy(b->out + k++ * d, b->xn + (q->col + q->n - 1) * d, (size_t)d * sizeof(float));
    }
    if (k == 0) return;
    jm_op_matmul(ctx, jm_model_output(m), b->out, d, k, b->logits, V);
    k = 0;
    for (int32_t i = 0; i < b->n_seqs; i++)
        if (dst[i]) memcpy(dst[i], b->logits + k++ * V, (size_t)V * sizeof(float));
}

/* ---- buffers ---- */

static jm_status cpu_init(jm_context *ctx, jm_error *err) {
    ctx->backend_data = calloc(1, sizeof(cpu_state));
    return ctx->backend_data ? JM_OK : jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for the context");
}

static void cpu_free(jm_context *ctx) {
    cpu_state *st = ctx->backend_data;
    if (!st) return;
    for (int i = 0; i < ACT_COUNT; i++) jm_buffer_free(&st->act[i]);
    free(st);
}

/* The largest activation scratch any of the model's matrices needs for n columns. */
static size_t matmul_scratch(const jm_context *ctx, const jm_model *m, int64_t n) {
    size_t most = jm_matmul_scratch_size(&ctx->kernels, jm_model_output(m), n);
    for (int32_t il = 0; il < m->p.n_layer; il++) { /* types may differ per layer */
        const size_t s1 = jm_matmul_scratch_size(&ctx->kernels, &m->layers[il].t[JM_TENSOR_SSM_IN], n);
        const size_t s2 = jm_matmul_scratch_size(&ctx->kernels, &m->layers[il].t[JM_TENSOR_SSM_OUT], n);
        if (s1 > most) most = s1;
        if (s2 > most) most = s2;
    }
    return most;
}

static jm_status out_of_memory(int64_t nb, jm_error *err) {
    return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for a batch of %lld tokens", (long long)nb);
}

static jm_status cpu_reserve(jm_context *ctx, jm_ubatch *b, int64_t nb, int64_t n_logits, jm_error *err) {
    cpu_state *st = ctx->backend_data;
    const jm_model *m = b->m;
    const size_t fl = sizeof(float);
    b->u    = jm_buffer_reserve(&st->act[ACT_U], nb * m->p.d_model * fl);
    b->xn   = jm_buffer_reserve(&st->act[ACT_XN], nb * m->p.d_model * fl);
    b->proj = jm_buffer_reserve(&st->act[ACT_PROJ], nb * m->d_in_proj * fl);
    b->conv = jm_buffer_reserve(&st->act[ACT_CONV], nb * m->conv_dim * fl);
    b->y    = jm_buffer_reserve(&st->act[ACT_Y], nb * m->p.d_inner * fl);
    b->out  = jm_buffer_reserve(&st->act[ACT_OUT], nb * m->p.d_model * fl);
    if (!b->u || !b->xn || !b->proj || !b->conv || !b->y || !b->out) return out_of_memory(nb, err);
    const size_t act = matmul_scratch(ctx, m, nb);
    if (!jm_scratch(ctx, JM_SCRATCH_MATMUL, act > 0 ? act : 64)) return out_of_memory(nb, err);
    st->scan_work_floats = scan_work_floats(ctx, b); /* once per call, not per layer */
    if (!jm_scratch(ctx, JM_SCRATCH_SCAN, (st->scan_work_floats * jm_pool_parts(ctx->pool) + 16) * fl))
        return out_of_memory(nb, err);
    if (n_logits > 0) {
        b->logits = jm_buffer_reserve(&st->act[ACT_LOGITS], n_logits * m->p.n_vocab * fl);
        if (!b->logits)
            return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for the logits of %lld sequences", (long long)n_logits);
    }
    return JM_OK;
}

jm_status jm_cpu_prepare_model(jm_model *m, jm_error *err); /* cpu_weights.c */
void      jm_cpu_release_model(jm_model *m);

const jm_backend jm_backend_cpu = {
    .name = "cpu",
    .init = cpu_init, .free = cpu_free,
    .prepare_model = jm_cpu_prepare_model, .release_model = jm_cpu_release_model,
    .reserve = cpu_reserve,
    .embed = cpu_embed, .residual_norm = cpu_residual_norm, .matmul = cpu_matmul,
    .conv = cpu_conv, .scan = cpu_scan, .gate = cpu_gate,
    .logits = cpu_logits, .seq_logits = cpu_seq_logits,
};
