/*
 * mamba2.c - the Mamba-2 forward. Tokens go through in micro-batches:
 * each layer is one matmul in, a causal conv, the selective scan, a gated
 * norm and one matmul out, every step run by the context's backend
 * (backend/backend.h; on the CPU, spread over the context's threads).
 * A single token is just a micro-batch of one. A micro-batch may hold the
 * columns of several sequences (jm_model_eval_batch): the per-token steps
 * and the matmuls run over all columns at once, the conv and the scan,
 * which carry state, per sequence.
 */
#include <stdio.h>
#include <string.h>
#include "model.h"
#include "backend/backend.h"
#include "core/error.h"

#define JM_UBATCH 256

/* One layer: a matmul in, the causal conv, the selective scan, the gate
   and a matmul out, the residual added when the next layer starts. */
static void layer_forward(jm_context *ctx, const jm_ubatch *b, int32_t il) {
    const jm_backend *be = ctx->backend;
    const jm_layer *L = &b->m->layers[il];
    be->residual_norm(ctx, b, il > 0, L->t[JM_TENSOR_ATTN_NORM].data);
    be->matmul(ctx, &L->t[JM_TENSOR_SSM_IN], b->xn, b->n, b->proj);
    be->conv(ctx, b, il);
    be->scan(ctx, b, il);
    be->gate(ctx, b, il);
    be->matmul(ctx, &L->t[JM_TENSOR_SSM_OUT], b->y, b->n, b->out);
}

/* Embeddings in, every layer, then the last mixer's residual and the
   output norm for every token: the next micro-batch starts from
   embeddings, so u itself is not kept. */
static void ubatch_forward(jm_context *ctx, const jm_ubatch *b) {
    const jm_model *m = b->m;
    ctx->backend->embed(ctx, b);
    for (int32_t il = 0; il < m->p.n_layer; il++) layer_forward(ctx, b, il);
    ctx->backend->residual_norm(ctx, b, 1, m->global[JM_TENSOR_OUTPUT_NORM].data);
}

/* The end of a call: the backend's word on its steps (backend.h, finish). */
static jm_status finish_call(jm_context *ctx, jm_error *err) {
    return ctx->backend->finish ? ctx->backend->finish(ctx, err) : jm_ok(err);
}

/* The weights are in the form of the backend the model was made for: no other runs them. */
static jm_status backend_mismatch(const jm_context *ctx, const jm_model *m, const char *what, jm_error *err) {
    return jm_fail(err, JM_ERR_INVALID_ARG, "%s: the context runs on backend '%s', but the model was prepared for '%s'",
                   what, ctx->backend->name, m->backend->name);
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
    if (ctx->backend != m->backend) return backend_mismatch(ctx, m, "jm_model_eval", err);
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
    jm_ubatch_seq seq = { .state = state };
    jm_ubatch f = { .m = m, .seqs = &seq, .n_seqs = 1, .seq_max = nb };
    st = ctx->backend->reserve(ctx, &f, nb, 0, err);
    if (st != JM_OK) return st;
    for (int64_t t0 = 0; t0 < n_tokens; t0 += nb) {
        f.n = seq.n = n_tokens - t0 < nb ? n_tokens - t0 : nb;
        f.tokens = tokens + t0;
        ubatch_forward(ctx, &f);
        const int last_batch = t0 + f.n == n_tokens;
        if (logits && logits_all) ctx->backend->logits(ctx, &f, 0, logits + t0 * m->p.n_vocab);
        else if (logits && last_batch) ctx->backend->logits(ctx, &f, f.n - 1, logits);
    }
    return finish_call(ctx, err);
}

/* ---- many sequences in one step ---- */

static jm_status check_batch(const jm_context *ctx, const jm_model *m, const jm_batch_seq *seqs, int32_t n_seqs,
                             jm_error *err) {
    if (!ctx || !m || !seqs)
        return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_eval_batch: NULL context, model or sequences");
    if (!m->finalized) return jm_fail(err, JM_ERR_STATE, "jm_model_eval_batch: the model is not finalized");
    if (ctx->backend != m->backend) return backend_mismatch(ctx, m, "jm_model_eval_batch", err);
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
    jm_ubatch f = { .m = m, .seq_max = seq_nb };
    st = ctx->backend->reserve(ctx, &f, nb, n_logits, err);
    if (st != JM_OK) return st;
    /* the sequences of a round, where their logits go, then the round's token ids */
    char *lists = jm_scratch(ctx, JM_SCRATCH_BATCH, (size_t)n_seqs * (sizeof(jm_ubatch_seq) + sizeof(float *)) +
                                                        (size_t)nb * sizeof(int32_t));
    if (!lists) return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for a batch of %d sequences", n_seqs);
    jm_ubatch_seq *useqs = (jm_ubatch_seq *)lists;
    float **dst = (float **)(lists + (size_t)n_seqs * sizeof(jm_ubatch_seq));
    int32_t *tokens = (int32_t *)(dst + n_seqs);
    f.seqs = useqs;
    for (int64_t r = 0; r < rounds; r++) {
        f.n = 0;
        f.n_seqs = 0;
        for (int32_t s = 0; s < n_seqs; s++) {
            const int64_t left = seqs[s].n_tokens - r * JM_UBATCH;
            if (left <= 0) continue;
            const int64_t n = left < JM_UBATCH ? left : JM_UBATCH;
            useqs[f.n_seqs] = (jm_ubatch_seq){ .state = seqs[s].state, .col = f.n, .n = n };
            dst[f.n_seqs++] = ends_with_logits(&seqs[s], r) ? seqs[s].logits : NULL;
            memcpy(tokens + f.n, seqs[s].tokens + r * JM_UBATCH, (size_t)n * sizeof(int32_t));
            f.n += n;
        }
        f.tokens = tokens;
        ubatch_forward(ctx, &f);
        ctx->backend->seq_logits(ctx, &f, dst);
    }
    return finish_call(ctx, err);
}
