/*
 * mamba2.c - the Mamba-2 forward. Tokens go through in micro-batches:
 * each layer is one matmul in, a causal conv, the selective scan, a gated
 * norm and one matmul out, every step spread over the context's threads.
 * A single token is just a micro-batch of one. A micro-batch may hold the
 * columns of several sequences (jm_model_eval_batch): the per-token steps
 * and the matmuls run over all columns at once, the conv and the scan,
 * which carry state, per sequence.
 */
#include <stdio.h>
#include <string.h>
#include "model.h"
#include "core/error.h"

#define JM_UBATCH 256

/* One sequence's columns in a micro-batch. */
typedef struct fwd_seq {
    float   *state;
    int64_t  col;               /* its first column */
    int64_t  n;                 /* its columns      */
} fwd_seq;

typedef struct fwd {
    jm_context      *ctx;
    const jm_model  *m;
    fwd_seq         *seqs;
    int32_t          n_seqs;
    const int32_t   *tokens;    /* one per column             */
    int64_t          n;         /* columns in this micro-batch */
    int32_t          il;        /* current layer              */
    float *u, *xn, *proj, *conv, *y, *out;
    float           *logits;    /* a batched step's logits, one row per sequence */
    float           *scan_work; /* the chunked scan's scratch, per pool part */
    int64_t          scan_work_floats; /* per part                             */
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

/* Every sequence's channels [lo, hi), each from its own conv state. */
static void conv_task(void *arg, int ith, int nth) {
    fwd *f = arg;
    const jm_model *m = f->m;
    const jm_layer *L = &m->layers[f->il];
    int64_t lo, hi;
    jm_split(m->conv_dim, ith, nth, &lo, &hi);
    for (int32_t s = 0; s < f->n_seqs; s++) {
        const fwd_seq *q = &f->seqs[s];
        jm_conv_args a = {
            .x = f->proj + q->col * m->d_in_proj + m->p.d_inner, .x_stride = m->d_in_proj,
            .y = f->conv + q->col * m->conv_dim,
            .state = jm_layer_conv_state(m, q->state, f->il),
            .w_t = jm_layer_conv_w_t(m, f->il), .bias = L->t[JM_TENSOR_SSM_CONV1D_BIAS].data,
            .channels = m->conv_dim, .d_conv = m->p.d_conv, .n_tokens = q->n,
        };
        f->ctx->kernels.conv_silu(&a, lo, hi);
    }
}

/* The scan's arguments for the current layer and one sequence's columns
   (q NULL: the whole micro-batch, for sizes only). */
static jm_scan_args scan_args(const fwd *f, const fwd_seq *q) {
    const jm_model *m = f->m;
    const jm_layer *L = &m->layers[f->il];
    const int64_t col = q ? q->col : 0;
    jm_scan_args a = {
        .xbc = f->conv + col * m->conv_dim,
        .dt = f->proj + col * m->d_in_proj + 2 * m->p.d_inner + 2 * (int64_t)m->p.n_group * m->p.d_state,
        .dt_stride = m->d_in_proj, .dt_bias = L->t[JM_TENSOR_SSM_DT_BIAS].data,
        .a = L->t[JM_TENSOR_SSM_A].data, .d = L->t[JM_TENSOR_SSM_D].data,
        .s = q ? jm_layer_ssm_state(m, q->state, f->il) : NULL, .y = f->y + col * m->p.d_inner,
        .n_tokens = q ? q->n : f->n,
        .n_head = m->p.n_head, .head_dim = (int32_t)m->head_dim, .d_state = m->p.d_state, .n_group = m->p.n_group,
        .scan_head = f->ctx->kernels.scan_head, .ssd_gemm = f->ctx->kernels.ssd_gemm,
        .transpose = f->ctx->kernels.transpose,
    };
    return a;
}

/* Split by (sequence, head): heads are independent, so any split gives the same bits. */
static void scan_task(void *arg, int ith, int nth) {
    fwd *f = arg;
    const int64_t H = f->m->p.n_head;
    int64_t lo, hi;
    jm_split(f->n_seqs * H, ith, nth, &lo, &hi);
    float *work = f->scan_work + ith * f->scan_work_floats;
    for (int64_t i = lo; i < hi;) {
        const int64_t s = i / H, h0 = i % H, h1 = hi - s * H < H ? hi - s * H : H;
        const jm_scan_args a = scan_args(f, &f->seqs[s]);
        jm_ssm_scan_range(&a, h0, h1, work);
        i = s * H + h1;
    }
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

/* Output projection for columns [first, f->n) of the micro-batch, normed already. */
static void output_forward(fwd *f, int64_t first, float *logits) {
    const jm_model *m = f->m;
    const int64_t d = m->p.d_model;
    jm_op_matmul(f->ctx, jm_model_output(m), f->xn + first * d, d, f->n - first, logits, m->p.n_vocab);
}

/*
 * Reserves every buffer a micro-batch of nb columns needs, where no
 * sequence has more than seq_nb of them and up to n_logits sequences
 * get logits through the batch's own buffer, before anything changes.
 */
static jm_status reserve(jm_context *ctx, const jm_model *m, int64_t nb, int64_t seq_nb, int64_t n_logits,
                         fwd *f, jm_error *err) {
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
    f->n = seq_nb;
    const jm_scan_args sa = scan_args(f, NULL); /* only its sizes matter here */
    f->scan_work_floats = jm_ssm_scan_work_floats(&sa);
    f->scan_work = jm_scratch(ctx, JM_SCRATCH_SCAN, (f->scan_work_floats * jm_pool_parts(ctx->pool) + 16) * fl);
    f->n = nb;
    if (!f->u || !f->xn || !f->proj || !f->conv || !f->y || !f->out || !q || !f->scan_work)
        return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for a batch of %lld tokens", (long long)nb);
    if (n_logits > 0) {
        f->logits = jm_scratch(ctx, JM_SCRATCH_LOGITS, n_logits * m->p.n_vocab * fl);
        if (!f->logits)
            return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for the logits of %lld sequences", (long long)n_logits);
    }
    return JM_OK;
}

static jm_status check_tokens(const jm_model *m, const int32_t *tokens, int32_t n_tokens, const char *what,
                              jm_error *err) {
    if (n_tokens <= 0) return jm_fail(err, JM_ERR_INVALID_ARG, "%s: n_tokens = %d, need at least 1", what, n_tokens);
    for (int32_t i = 0; i < n_tokens; i++)
        if (tokens[i] < 0 || tokens[i] >= m->p.n_vocab)
            return jm_fail(err, JM_ERR_INVALID_ARG, "%s: token id %d at position %d is outside the vocabulary [0, %d)",
                           what, tokens[i], i, m->p.n_vocab);
    return JM_OK;
}

static jm_status check_eval(const jm_context *ctx, const jm_model *m, const void *state,
                            const int32_t *tokens, int32_t n_tokens, int32_t logits_all, jm_error *err) {
    if (!ctx || !m || !state || !tokens)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_eval: NULL context, model, state or tokens");
    if (!m->finalized) return jm_fail(err, JM_ERR_STATE, "jm_model_eval: the model is not finalized");
    if (logits_all != 0 && logits_all != 1)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_eval: logits_all must be 0 or 1, got %d", logits_all);
    return check_tokens(m, tokens, n_tokens, "jm_model_eval", err);
}

jm_status jm_model_eval(jm_context *ctx, const jm_model *m, void *state,
                        const int32_t *tokens, int32_t n_tokens,
                        float *logits, int32_t logits_all, jm_error *err) {
    jm_status st = check_eval(ctx, m, state, tokens, n_tokens, logits_all, err);
    if (st != JM_OK) return st;
    const int64_t nb = n_tokens < JM_UBATCH ? n_tokens : JM_UBATCH;
    fwd_seq seq = { .state = state };
    fwd f = { .ctx = ctx, .m = m, .seqs = &seq, .n_seqs = 1 };
    st = reserve(ctx, m, nb, nb, 0, &f, err);
    if (st != JM_OK) return st;
    for (int64_t t0 = 0; t0 < n_tokens; t0 += nb) {
        f.n = seq.n = n_tokens - t0 < nb ? n_tokens - t0 : nb;
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

/* ---- many sequences in one step ---- */

static jm_status check_batch(const jm_context *ctx, const jm_model *m, const jm_batch_seq *seqs, int32_t n_seqs,
                             jm_error *err) {
    if (!ctx || !m || !seqs)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_eval_batch: NULL context, model or sequences");
    if (!m->finalized) return jm_fail(err, JM_ERR_STATE, "jm_model_eval_batch: the model is not finalized");
    if (n_seqs < 1 || n_seqs > JM_BATCH_MAX_SEQS)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_eval_batch: n_seqs = %d is out of range [1, %d]",
                       n_seqs, JM_BATCH_MAX_SEQS);
    const int64_t state_bytes = jm_model_state_size(m);
    for (int32_t s = 0; s < n_seqs; s++) {
        char what[64];
        snprintf(what, sizeof what, "jm_model_eval_batch: sequence %d", s);
        if (!seqs[s].state || !seqs[s].tokens)
            return jm_fail(err, JM_ERR_INVALID_ARG, "%s has a NULL state or tokens", what);
        jm_status st = check_tokens(m, seqs[s].tokens, seqs[s].n_tokens, what, err);
        if (st != JM_OK) return st;
        /* two sequences writing one state would leave it meaningless */
        const char *a = seqs[s].state;
        for (int32_t o = 0; o < s; o++) {
            const char *b = seqs[o].state;
            if (a < b + state_bytes && b < a + state_bytes)
                return jm_fail(err, JM_ERR_INVALID_ARG, "%s: its state overlaps the state of sequence %d", what, o);
        }
    }
    return JM_OK;
}

/* Whether sequence b's last token lies in micro-batch r and it wants logits. */
static int ends_with_logits(const jm_batch_seq *b, int64_t r) {
    return b->logits && b->n_tokens <= (r + 1) * JM_UBATCH;
}

/*
 * Micro-batch r holds tokens [r * JM_UBATCH, (r + 1) * JM_UBATCH) of every
 * sequence that has them: each sequence is cut exactly where jm_model_eval
 * would cut it alone, which keeps its bits. Returns the columns of round r;
 * seq_max gets the most any one sequence has, n_logits how many end there
 * wanting logits.
 */
static int64_t round_columns(const jm_batch_seq *seqs, int32_t n_seqs, int64_t r, int64_t *seq_max,
                             int64_t *n_logits) {
    int64_t cols = 0, most = 0, wanting = 0;
    for (int32_t s = 0; s < n_seqs; s++) {
        const int64_t left = seqs[s].n_tokens - r * JM_UBATCH;
        const int64_t n = left < 0 ? 0 : left < JM_UBATCH ? left : JM_UBATCH;
        cols += n;
        if (n > most) most = n;
        if (n > 0 && ends_with_logits(&seqs[s], r)) wanting++;
    }
    *seq_max = most;
    *n_logits = wanting;
    return cols;
}

/* The output projection for the last column of every sequence that ends in
   micro-batch r wanting logits: one matmul over all of them. */
static void batch_logits(fwd *f, const jm_batch_seq *seqs, const int32_t *seq_of, int64_t r) {
    const jm_model *m = f->m;
    const int64_t d = m->p.d_model, V = m->p.n_vocab;
    int64_t k = 0;
    for (int32_t i = 0; i < f->n_seqs; i++) {
        if (!ends_with_logits(&seqs[seq_of[i]], r)) continue;
        const fwd_seq *q = &f->seqs[i];
        /* out is free once the final norm has read it: gather the columns there */
        memcpy(f->out + k++ * d, f->xn + (q->col + q->n - 1) * d, (size_t)d * sizeof(float));
    }
    if (k == 0) return;
    jm_op_matmul(f->ctx, jm_model_output(m), f->out, d, k, f->logits, V);
    k = 0;
    for (int32_t i = 0; i < f->n_seqs; i++)
        if (ends_with_logits(&seqs[seq_of[i]], r))
            memcpy(seqs[seq_of[i]].logits, f->logits + k++ * V, (size_t)V * sizeof(float));
}

jm_status jm_model_eval_batch(jm_context *ctx, const jm_model *m, const jm_batch_seq *seqs, int32_t n_seqs,
                              jm_error *err) {
    jm_status st = check_batch(ctx, m, seqs, n_seqs, err);
    if (st != JM_OK) return st;
    int64_t nb, seq_nb, n_logits, rounds = 1, unused, wanting;
    nb = round_columns(seqs, n_seqs, 0, &seq_nb, &n_logits);
    while (round_columns(seqs, n_seqs, rounds, &unused, &wanting) > 0) {
        if (wanting > n_logits) n_logits = wanting;
        rounds++;
    }
    fwd f = { .ctx = ctx, .m = m };
    st = reserve(ctx, m, nb, seq_nb, n_logits, &f, err);
    if (st != JM_OK) return st;
    /* the sequences of a round, their indices in seqs, then the round's token ids */
    char *lists = jm_scratch(ctx, JM_SCRATCH_BATCH,
                             (size_t)n_seqs * (sizeof(fwd_seq) + sizeof(int32_t)) + (size_t)nb * sizeof(int32_t));
    if (!lists) return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for a batch of %d sequences", n_seqs);
    f.seqs = (fwd_seq *)lists;
    int32_t *seq_of = (int32_t *)(lists + (size_t)n_seqs * sizeof(fwd_seq));
    int32_t *tokens = seq_of + n_seqs;
    for (int64_t r = 0; r < rounds; r++) {
        f.n = 0;
        f.n_seqs = 0;
        for (int32_t s = 0; s < n_seqs; s++) {
            const int64_t left = seqs[s].n_tokens - r * JM_UBATCH;
            if (left <= 0) continue;
            const int64_t n = left < JM_UBATCH ? left : JM_UBATCH;
            f.seqs[f.n_seqs] = (fwd_seq){ .state = seqs[s].state, .col = f.n, .n = n };
            seq_of[f.n_seqs++] = s;
            memcpy(tokens + f.n, seqs[s].tokens + r * JM_UBATCH, (size_t)n * sizeof(int32_t));
            f.n += n;
        }
        f.tokens = tokens;
        jm_pool_run(ctx->pool, embed_task, &f);
        for (f.il = 0; f.il < m->p.n_layer; f.il++) layer_forward(&f);
        residual_norm(&f, 1, m->global[JM_TENSOR_OUTPUT_NORM].data);
        batch_logits(&f, seqs, seq_of, r);
    }
    return jm_ok(err);
}
