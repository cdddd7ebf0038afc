/*
 * test_forward.c - the Mamba-2 forward on a tiny random model: a batch
 * equals the same tokens one at a time, thread count changes nothing,
 * SIMD kernels agree with the scalar ones, and bad calls leave the state
 * untouched.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jmamba.h"

#include "test_util.h"

static uint64_t rng = 88172645463325252ull;
static float frand(void) { /* xorshift64, uniform in [-1, 1) */
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (float)((rng >> 11) * (1.0 / 9007199254740992.0)) * 2.0f - 1.0f;
}

typedef struct weights {
    float *buf[64];
    int n;
} weights;

static float *make(weights *w, int64_t n, float center, float spread) {
    float *p = malloc(n * sizeof *p);
    for (int64_t i = 0; i < n; i++) p[i] = center + spread * frand();
    w->buf[w->n++] = p;
    return p;
}

static jm_model *build(const jm_model_params *p, int32_t type, weights *w, jm_context *ctx) {
    jm_error err;
    jm_model *m = NULL;
    if (jm_model_create(p, &m, &err) != JM_OK) { printf("create: %s\n", err.message); return NULL; }
    const int64_t N = p->d_state, G = p->n_group, di = p->d_inner, d = p->d_model, H = p->n_head;
    const int64_t conv_dim = di + 2 * G * N, d_in = 2 * di + 2 * G * N + H;
    /* matrices in the requested type, quantized by the library */
    #define MATRIX(role, layer, ne0, ne1, scale) do { \
        float *f = make(w, (ne0) * (ne1), 0.0f, scale); \
        int64_t bytes = jm_row_size(type, ne0) * (ne1); \
        void *q = malloc(bytes); w->buf[w->n++] = q; \
        jm_quantize(ctx, type, f, q, ne1, ne0, NULL); \
        jm_model_set_tensor(m, layer, role, type, ne0, ne1, q, bytes, &err); \
    } while (0)
    #define VECTOR(role, layer, ne0, ne1, c, s) do { \
        float *f = make(w, (ne0) * (ne1), c, s); \
        if (jm_model_set_tensor(m, layer, role, JM_TYPE_F32, ne0, ne1, f, (ne0) * (ne1) * 4, &err) != JM_OK) \
            printf("set: %s\n", err.message); \
    } while (0)
    MATRIX(JM_TENSOR_TOKEN_EMBD, 0, d, p->n_vocab, 1.0f);
    VECTOR(JM_TENSOR_OUTPUT_NORM, 0, d, 1, 1.0f, 0.1f);
    MATRIX(JM_TENSOR_OUTPUT, 0, d, p->n_vocab, 0.2f);
    for (int il = 0; il < p->n_layer; il++) {
        VECTOR(JM_TENSOR_ATTN_NORM, il, d, 1, 1.0f, 0.1f);
        MATRIX(JM_TENSOR_SSM_IN, il, d, d_in, 0.2f);
        VECTOR(JM_TENSOR_SSM_CONV1D, il, p->d_conv, conv_dim, 0.0f, 0.5f);
        VECTOR(JM_TENSOR_SSM_CONV1D_BIAS, il, conv_dim, 1, 0.0f, 0.1f);
        VECTOR(JM_TENSOR_SSM_DT_BIAS, il, H, 1, -3.0f, 1.0f);
        VECTOR(JM_TENSOR_SSM_A, il, 1, H, -4.0f, 3.0f);
        VECTOR(JM_TENSOR_SSM_D, il, 1, H, 1.0f, 0.1f);
        VECTOR(JM_TENSOR_SSM_NORM, il, di / G, G, 1.0f, 0.1f);
        MATRIX(JM_TENSOR_SSM_OUT, il, di, d, 0.1f);
    }
    if (jm_model_finalize(m, &err) != JM_OK) { printf("finalize: %s\n", err.message); jm_model_free(m); return NULL; }
    return m;
}

static double max_rel(const float *a, const float *b, int64_t n) {
    double max = 0, scale = 1e-6;
    for (int64_t i = 0; i < n; i++) scale = fmax(scale, fabs(b[i]));
    for (int64_t i = 0; i < n; i++) max = fmax(max, fabs(a[i] - b[i]));
    return max / scale;
}

static void test_type(int32_t type, const char *name) {
    jm_model_params p = jm_model_default_params();
    p.n_vocab = 96; p.d_model = 64; p.n_layer = 2; p.d_inner = 128; p.d_state = 16;
    p.n_head = 8; p.n_group = 2; p.d_conv = 4;
    if (type >= JM_TYPE_Q2_K && type <= JM_TYPE_Q6_K) { p.d_model = 256; p.d_inner = 512; p.n_head = 16; }
    jm_context_params cp = jm_context_default_params();
    jm_context *c2 = NULL, *c1 = NULL, *cs = NULL;
    cp.n_threads = 2; jm_context_create(&cp, &c2, NULL);
    cp.n_threads = 1; jm_context_create(&cp, &c1, NULL);
    cp.cpu_features_mask = 0; jm_context_create(&cp, &cs, NULL);
    weights w = {0};
    jm_model *m = build(&p, type, &w, c2);
    CHECK(m != NULL, "%s: model builds", name);
    if (!m) return;
    const int64_t S = jm_model_state_size(m), V = p.n_vocab;
    enum { T = 11 };
    const int32_t toks[T] = {1, 5, 9, 95, 0, 42, 42, 7, 13, 64, 2};
    float *sa = calloc(S, 1), *sb = calloc(S, 1), *sc = calloc(S, 1), *sd = calloc(S, 1);
    float *all = malloc(T * V * 4), *one = malloc(V * 4), *last = malloc(V * 4), *scal = malloc(T * V * 4);
    jm_error err;
    CHECK(jm_model_eval(c2, m, sa, toks, T, all, 1, &err) == JM_OK, "%s: batch eval: %s", name, err.message);
    double worst = 0;
    for (int t = 0; t < T; t++) {
        jm_model_eval(c2, m, sb, &toks[t], 1, one, 0, &err);
        worst = fmax(worst, max_rel(all + t * V, one, V));
    }
    CHECK(worst < 1e-5, "%s: batch equals single steps (logits), worst %.3g", name, worst);
    CHECK(max_rel(sa, sb, S / 4) < 1e-5, "%s: batch equals single steps (state), %.3g", name, max_rel(sa, sb, S / 4));

    jm_model_eval(c1, m, sc, toks, T, last, 0, &err);
    CHECK(memcmp(last, all + (T - 1) * V, V * 4) == 0, "%s: 1 thread gives the same bits as 2", name);
    CHECK(memcmp(sc, sa, S) == 0, "%s: 1 thread gives the same state as 2", name);

    jm_model_eval(cs, m, sd, toks, T, scal, 1, &err);
    /* Float sums in another order differ in the last bits; with 8-bit activations such a
       difference can flip one rounding of the next layer's input, so quantized types get a
       looser bound here (the kernels themselves are compared exactly in test_quants_*). */
    double simd = max_rel(all, scal, T * V);
    const double bound = (type == JM_TYPE_F32 || type == JM_TYPE_F16) ? 1e-4 : 2e-2;
    CHECK(simd < bound, "%s: SIMD forward agrees with scalar forward, %.3g (bound %g)", name, simd, bound);

    /* 40 tokens in one call take the chunked scan; one at a time, the recurrence */
    enum { MID = 40 };
    int32_t mt[MID];
    for (int i = 0; i < MID; i++) mt[i] = (i * 29 + 3) % (int32_t)V;
    memset(sc, 0, S);
    memset(sd, 0, S);
    jm_model_eval(c2, m, sc, mt, MID, last, 0, &err);
    for (int i = 0; i < MID; i++) jm_model_eval(c2, m, sd, &mt[i], 1, one, 0, &err);
    CHECK(max_rel(last, one, V) < 1e-5, "%s: %d tokens in one call (chunked) equal single steps, %.3g", name, MID,
          max_rel(last, one, V));
    CHECK(max_rel(sc, sd, S / 4) < 1e-5, "%s: and so do the states, %.3g", name, max_rel(sc, sd, S / 4));

    /* a prompt longer than a micro-batch equals the same prompt fed in two uneven parts */
    enum { LONG = 600 };
    int32_t *lt = malloc(LONG * sizeof *lt);
    for (int i = 0; i < LONG; i++) lt[i] = (i * 37 + 11) % (int32_t)V;
    memset(sc, 0, S);
    memset(sd, 0, S);
    jm_model_eval(c2, m, sc, lt, LONG, last, 0, &err);
    jm_model_eval(c2, m, sd, lt, 7, NULL, 0, &err);
    jm_model_eval(c2, m, sd, lt + 7, LONG - 7, one, 0, &err);
    CHECK(max_rel(last, one, V) < 1e-5, "%s: %d tokens in one call equal 7 + %d, %.3g", name, LONG, LONG - 7, max_rel(last, one, V));
    CHECK(max_rel(sc, sd, S / 4) < 1e-5, "%s: and so do the states", name);
    free(lt);

    /* bad calls: the state must not change */
    memcpy(sd, sa, S);
    const int32_t bad[3] = {1, 2, (int32_t)V};
    CHECK(jm_model_eval(c2, m, sa, bad, 3, one, 0, &err) == JM_ERR_INVALID_ARG, "%s: token id == n_vocab refused", name);
    CHECK(strstr(err.message, "96") != NULL, "%s: message names the id: %s", name, err.message);
    CHECK(jm_model_eval(c2, m, sa, bad, 0, one, 0, &err) == JM_ERR_INVALID_ARG, "%s: zero tokens refused", name);
    CHECK(memcmp(sd, sa, S) == 0, "%s: state unchanged after refused calls", name);

    jm_model_free(m);
    for (int i = 0; i < w.n; i++) free(w.buf[i]);
    free(sa); free(sb); free(sc); free(sd); free(all); free(one); free(last); free(scal);
    jm_context_free(c1); jm_context_free(c2); jm_context_free(cs);
}

static void test_bad_models(void) {
    jm_error err;
    jm_model *m = NULL;
    jm_model_params p = jm_model_default_params();
    p.n_vocab = 10; p.d_model = 8; p.n_layer = 1; p.d_inner = 16; p.d_state = 4; p.n_head = 3; p.n_group = 1;
    CHECK(jm_model_create(&p, &m, &err) == JM_ERR_INVALID_ARG && m == NULL, "d_inner not a multiple of n_head refused");
    p.n_head = 4;
    CHECK(jm_model_create(&p, &m, &err) == JM_OK, "valid params accepted");
    float v[64] = {0};
    CHECK(jm_model_set_tensor(m, 0, JM_TENSOR_ATTN_NORM, JM_TYPE_F32, 7, 1, v, 28, &err) == JM_ERR_INVALID_ARG,
          "wrong shape refused");
    CHECK(strstr(err.message, "blk.0.attn_norm.weight") != NULL, "message names the tensor: %s", err.message);
    CHECK(jm_model_set_tensor(m, 5, JM_TENSOR_ATTN_NORM, JM_TYPE_F32, 8, 1, v, 32, &err) == JM_ERR_INVALID_ARG,
          "layer out of range refused");
    CHECK(jm_model_set_tensor(m, 0, JM_TENSOR_ATTN_NORM, 99, 8, 1, v, 32, &err) == JM_ERR_UNSUPPORTED,
          "unknown type refused");
    CHECK(jm_model_finalize(m, &err) == JM_ERR_STATE && strstr(err.message, "token_embd") != NULL,
          "missing tensor named: %s", err.message);
    jm_context *ctx = NULL;
    jm_context_create(NULL, &ctx, NULL);
    int32_t tok = 0;
    float state[4096] = {0};
    CHECK(jm_model_eval(ctx, m, state, &tok, 1, NULL, 0, &err) == JM_ERR_STATE, "eval before finalize refused");
    jm_context_free(ctx);
    jm_model_free(m);
}


/*
 * jm_model_eval_batch: sequences at different points of their histories,
 * some decoding one token, some prefilling chunks (one of them chunked-scan
 * long, one longer than a micro-batch), one wanting no logits, advanced in
 * one call, give each the same bits as jm_model_eval alone.
 */
static void test_batch(int32_t type, const char *name, int n_threads) {
    jm_model_params p = jm_model_default_params();
    p.n_vocab = 96; p.d_model = 64; p.n_layer = 2; p.d_inner = 128; p.d_state = 16;
    p.n_head = 8; p.n_group = 2; p.d_conv = 4;
    if (type >= JM_TYPE_Q2_K && type <= JM_TYPE_Q6_K) { p.d_model = 256; p.d_inner = 512; p.n_head = 16; }
    jm_context_params cp = jm_context_default_params();
    cp.n_threads = n_threads;
    jm_context *ctx = NULL;
    jm_context_create(&cp, &ctx, NULL);
    weights w = {0};
    jm_model *m = build(&p, type, &w, ctx);
    CHECK(m != NULL, "%s: model builds", name);
    if (!m) return;
    const int64_t S = jm_model_state_size(m), V = p.n_vocab;
    enum { NS = 7 };
    const int32_t lens[NS] = {1, 1, 40, 1, 5, 300, 1};
    float *alone = calloc(NS * S, 1), *batched = calloc(NS * S, 1);
    float *la = calloc(NS * V, 4), *lb = calloc(NS * V, 4);
    int32_t *toks[NS];
    jm_batch_seq seqs[NS];
    jm_error err;
    for (int s = 0; s < NS; s++) {
        /* a history of s * 3 tokens first, so the states differ */
        int32_t hist[32];
        for (int i = 0; i < s * 3; i++) hist[i] = (s * 31 + i * 7) % (int32_t)V;
        if (s > 0) jm_model_eval(ctx, m, (char *)alone + s * S, hist, s * 3, NULL, 0, &err);
        memcpy((char *)batched + s * S, (char *)alone + s * S, S);
        toks[s] = malloc(lens[s] * sizeof(int32_t));
        for (int i = 0; i < lens[s]; i++) toks[s][i] = (s * 17 + i * 5 + 1) % (int32_t)V;
        seqs[s] = (jm_batch_seq){ .state = (char *)batched + s * S, .tokens = toks[s], .n_tokens = lens[s],
                                  .logits = s == 3 ? NULL : lb + s * V };
    }
    for (int step = 0; step < 2; step++) {
        for (int s = 0; s < NS; s++)
            jm_model_eval(ctx, m, (char *)alone + s * S, toks[s], lens[s], s == 3 ? NULL : la + s * V, 0, &err);
        CHECK(jm_model_eval_batch(ctx, m, seqs, NS, &err) == JM_OK, "%s: batch step: %s", name, err.message);
        CHECK(memcmp(la, lb, NS * V * 4) == 0, "%s/%d threads, step %d: every sequence's logits are its bits alone",
              name, n_threads, step);
        CHECK(memcmp(alone, batched, NS * S) == 0, "%s/%d threads, step %d: every state is its bits alone",
              name, n_threads, step);
    }

    /* refused calls change no state */
    memcpy(alone, batched, NS * S);
    seqs[4].tokens = (const int32_t[]){ 3, (int32_t)V };
    seqs[4].n_tokens = 2;
    CHECK(jm_model_eval_batch(ctx, m, seqs, NS, &err) == JM_ERR_INVALID_ARG && strstr(err.message, "sequence 4"),
          "%s: a bad token id is refused, naming the sequence: %s", name, err.message);
    seqs[4].n_tokens = 0;
    CHECK(jm_model_eval_batch(ctx, m, seqs, NS, &err) == JM_ERR_INVALID_ARG, "%s: zero tokens refused", name);
    seqs[4].n_tokens = 1;
    seqs[4].state = (char *)batched + 2 * S + 8;
    CHECK(jm_model_eval_batch(ctx, m, seqs, NS, &err) == JM_ERR_INVALID_ARG && strstr(err.message, "overlaps"),
          "%s: overlapping states refused: %s", name, err.message);
    CHECK(jm_model_eval_batch(ctx, m, seqs, 0, &err) == JM_ERR_INVALID_ARG, "%s: no sequences refused", name);
    CHECK(memcmp(alone, batched, NS * S) == 0, "%s: states unchanged after refused calls", name);

    jm_model_free(m);
    for (int i = 0; i < w.n; i++) free(w.buf[i]);
    for (int s = 0; s < NS; s++) free(toks[s]);
    free(alone); free(batched); free(la); free(lb);
    jm_context_free(ctx);
}

int main(void) {
    test_bad_models();
    test_type(JM_TYPE_F32, "F32");
    if (jm_type_can_compute(JM_TYPE_F16)) test_type(JM_TYPE_F16, "F16");
    if (jm_type_can_compute(JM_TYPE_Q8_0)) test_type(JM_TYPE_Q8_0, "Q8_0");
    if (jm_type_can_compute(JM_TYPE_Q4_0)) test_type(JM_TYPE_Q4_0, "Q4_0");
    if (jm_type_can_compute(JM_TYPE_Q4_K)) test_type(JM_TYPE_Q4_K, "Q4_K");
    if (jm_type_can_compute(JM_TYPE_Q6_K)) test_type(JM_TYPE_Q6_K, "Q6_K");
    test_batch(JM_TYPE_F32, "F32", 2);
    if (jm_type_can_compute(JM_TYPE_Q8_0)) test_batch(JM_TYPE_Q8_0, "Q8_0", 2);
    if (jm_type_can_compute(JM_TYPE_Q4_0)) test_batch(JM_TYPE_Q4_0, "Q4_0", 1);
    if (jm_type_can_compute(JM_TYPE_Q4_K)) test_batch(JM_TYPE_Q4_K, "Q4_K", 2);
    return test_report();
}
