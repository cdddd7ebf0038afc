/*
 * test_forward.c - the Mamba-2 forward on a tiny random model: a batch
 * equals the same tokens one at a time, thread count changes nothing,
 * SIMD kernels agree with the scalar ones, and bad calls leave the state
 * untouched; all logits of 300 tokens against a double-precision reference
 * (ref_mamba2.h). Run with a level (test_levels.h), that level's kernels
 * against the reference; without, the kernels of everything this CPU has
 * (less what JM_TEST_HIDE_LEVELS hides) and the scalar ones.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "jmamba.h"

#include "test_util.h"
#include "test_levels.h"
#include "ref_mamba2.h"
#include "backend/backend.h"
#include "core/error.h"


static uint64_t rng = 88172645463325252ull;
static float frand(void) { /* xorshift64, uniform in [-1, 1) */
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (float)((rng >> 11) * (1.0 / 9007199254740992.0)) * 2.0f - 1.0f;
}

typedef struct weights {
    void *buf[128];
    int n;
    const float *g[3];                /* the reference's view: floats, matrices expanded */
    const float *t[8][REF_ROLES];
} weights;

static void *keep(weights *w, void *p) { w->buf[w->n++] = p; return p; }

static float *make(weights *w, int64_t n, float center, float spread) {
    float *p = keep(w, malloc(n * sizeof *p));
    for (int64_t i = 0; i < n; i++) p[i] = center + spread * frand();
    return p;
}

static const float **view(weights *w, int32_t role, int32_t layer) {
    return role <= JM_TENSOR_OUTPUT ? &w->g[role] : &w->t[layer][role];
}

/* A matrix in the requested type, quantized by the library; the reference reads it expanded back. */
static void set_matrix(jm_model *m, jm_context *ctx, weights *w, int32_t type, int32_t role, int32_t layer,
                       int64_t ne0, int64_t ne1, float scale) {
    jm_error err;
    const float *f = make(w, ne0 * ne1, 0.0f, scale);
    const int64_t bytes = jm_row_size(type, ne0) * ne1;
    void *q = keep(w, malloc(bytes));
    float *back = keep(w, malloc(ne0 * ne1 * sizeof *back));
    jm_quantize(ctx, type, f, q, ne1, ne0, NULL);
    jm_dequantize(type, q, back, ne0 * ne1, NULL);
    if (jm_model_set_tensor(m, layer, role, type, ne0, ne1, q, bytes, &err) != JM_OK) printf("set: %s\n", err.message);
    *view(w, role, layer) = back;
}

static void set_vector(jm_model *m, weights *w, int32_t role, int32_t layer, int64_t ne0, int64_t ne1, const float *f) {
    jm_error err;
    if (jm_model_set_tensor(m, layer, role, JM_TYPE_F32, ne0, ne1, f, ne0 * ne1 * 4, &err) != JM_OK)
        printf("set: %s\n", err.message);
    *view(w, role, layer) = f;
}

static void set_random(jm_model *m, weights *w, int32_t role, int32_t layer, int64_t ne0, int64_t ne1, float c, float s) {
    set_vector(m, w, role, layer, ne0, ne1, make(w, ne0 * ne1, c, s));
}

/*
 * Layer 0's heads reach every branch of the scan: by fours, an ordinary
 * head; one whose dt + dt_bias lies around 4.5, where softplus is
 * log1p(exp(x)) and still differs from x; one above 20, where it is x, with
 * a slow decay; one whose decays are below 1e-20 after a token or two, so
 * the chunked scan flushes them. Layer 1's heads are all ordinary.
 */
static void set_heads(jm_model *m, weights *w, int32_t layer, int64_t H) {
    float *dt_bias = make(w, H, -3.0f, 1.0f), *a = make(w, H, -4.0f, 3.0f);
    for (int64_t h = 0; layer == 0 && h < H; h++) {
        if (h % 4 == 1) { dt_bias[h] = 4.5f; a[h] = -0.05f; }
        if (h % 4 == 2) { dt_bias[h] = 25.0f; a[h] = -0.004f; }
        if (h % 4 == 3) { dt_bias[h] = 3.0f; a[h] = -15.0f; }
    }
    set_vector(m, w, JM_TENSOR_SSM_DT_BIAS, layer, H, 1, dt_bias);
    set_vector(m, w, JM_TENSOR_SSM_A, layer, 1, H, a);
}

static jm_model *build(const jm_model_params *p, int32_t type, weights *w, jm_context *ctx) {
    jm_error err;
    jm_model *m = NULL;
    if (jm_model_create(p, &m, &err) != JM_OK) { printf("create: %s\n", err.message); return NULL; }
    const int64_t N = p->d_state, G = p->n_group, di = p->d_inner, d = p->d_model, H = p->n_head;
    const int64_t conv_dim = di + 2 * G * N, d_in = 2 * di + 2 * G * N + H;
    set_matrix(m, ctx, w, type, JM_TENSOR_TOKEN_EMBD, 0, d, p->n_vocab, 1.0f);
    set_random(m, w, JM_TENSOR_OUTPUT_NORM, 0, d, 1, 1.0f, 0.1f);
    set_matrix(m, ctx, w, type, JM_TENSOR_OUTPUT, 0, d, p->n_vocab, 0.2f);
    for (int il = 0; il < p->n_layer; il++) {
        set_random(m, w, JM_TENSOR_ATTN_NORM, il, d, 1, 1.0f, 0.1f);
        set_matrix(m, ctx, w, type, JM_TENSOR_SSM_IN, il, d, d_in, 0.2f);
        set_random(m, w, JM_TENSOR_SSM_CONV1D, il, p->d_conv, conv_dim, 0.0f, 0.5f);
        set_random(m, w, JM_TENSOR_SSM_CONV1D_BIAS, il, conv_dim, 1, 0.0f, 0.1f);
        set_heads(m, w, il, H);
        set_random(m, w, JM_TENSOR_SSM_D, il, 1, H, 1.0f, 0.1f);
        set_random(m, w, JM_TENSOR_SSM_NORM, il, di / G, G, 1.0f, 0.1f);
        set_matrix(m, ctx, w, type, JM_TENSOR_SSM_OUT, il, di, d, 0.1f);
    }
    if (jm_model_finalize(m, &err) != JM_OK) { printf("finalize: %s\n", err.message); jm_model_free(m); return NULL; }
    return m;
}

/* The reference's model over the same weights. */
static ref_model ref_of(const jm_model_params *p, int32_t type, const weights *w) {
    const ref_act act = type == JM_TYPE_F32 ? REF_ACT_F32 : type == JM_TYPE_F16 ? REF_ACT_F16
                      : type >= JM_TYPE_Q2_K && type <= JM_TYPE_Q6_K ? REF_ACT_Q8_K : REF_ACT_Q8_0;
    ref_model r = {
        .V = p->n_vocab, .d = p->d_model, .L = p->n_layer, .di = p->d_inner, .N = p->d_state, .H = p->n_head,
        .G = p->n_group, .K = p->d_conv, .eps = p->norm_eps, .g = { w->g[0], w->g[1], w->g[2] },
        .t = (const float *(*)[REF_ROLES])w->t, .act = act,
    };
    return r;
}

static double max_rel(const float *a, const float *b, int64_t n) {
    double max = 0, scale = 1e-6;
    for (int64_t i = 0; i < n; i++) scale = fmax(scale, fabs(b[i]));
    for (int64_t i = 0; i < n; i++) max = fmax(max, fabs(a[i] - b[i]));
    return max / scale;
}

/* ||a - b|| / ||b|| over n values */
static double rel_l2(const float *a, const double *b, int64_t n) {
    double num = 0, den = 1e-300;
    for (int64_t i = 0; i < n; i++) { num += (a[i] - b[i]) * (a[i] - b[i]); den += b[i] * b[i]; }
    return sqrt(num / den);
}

/* Per-position relative L2 distances of all-logits rows [T][V] from the reference's: the worst and the median. */
typedef struct dist { double worst, median; int64_t at; } dist;

static int cmp_double(const void *a, const void *b) {
    const double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static dist distance(const float *logits, const double *ref, int64_t T, int64_t V) {
    dist d = {0, 0, 0};
    double *e = malloc(T * sizeof *e);
    for (int64_t t = 0; t < T; t++) {
        e[t] = rel_l2(logits + t * V, ref + t * V, V);
        if (!(e[t] <= d.worst)) { d.worst = e[t]; d.at = t; } /* NaN too */
    }
    qsort(e, T, sizeof *e, cmp_double);
    d.median = e[T / 2];
    free(e);
    return d;
}

/* The model's state laid out as the reference keeps it: per layer, conv rows, then the SSM state. */
static double state_error(const ref_model *r, const ref_state *rs, const float *state) {
    const int64_t C = ref_conv_dim(r), conv = (r->K - 1) * C, ssm = r->di * r->N;
    double worst = 0;
    for (int64_t il = 0; il < r->L; il++) {
        const float *s = state + il * (conv + ssm);
        worst = fmax(worst, rel_l2(s, rs->conv + il * conv, conv));
        worst = fmax(worst, rel_l2(s + conv, rs->ssm + il * ssm, ssm));
    }
    return worst;
}

/*
 * Bounds on the relative L2 distance from the reference, per type: at the
 * worst of the 300 positions and at the median one, each the largest seen
 * over the kernel sets (scalar, AVX2, AVX-VNNI, AVX-512, AVX-512 VNNI, AMX;
 * NEON and dotprod under qemu), times 1.3. F32 differs from the reference
 * by float rounding alone. The others round each matmul input as the
 * model does (the reference does too); where a float input lies within
 * ~1e-7 of a rounding boundary it can round the other way than the
 * double one, and that activation's whole step then differs and is carried
 * on by the state: rare for 8-bit blocks of 32 (Q8_0, Q4_0), a few tokens
 * in 300 for Q8_K's blocks of 256 (K-quants) and for F16. The median keeps
 * those types tight where the worst position cannot.
 */
typedef struct bound { double worst, median, state; } bound;

static bound ref_bound(int32_t type) {
    switch (type) {
    /* Measured, worst over x86-64 (scalar .. AMX) and arm64 (scalar, NEON, dotprod under qemu):
                 worst      median   state
         F32   7.07e-7   2.66e-7   5.77e-7   (state: the AVX2 kernels)
         F16   4.13e-4   6.39e-8   8.67e-5   (state: the scalar kernels; the SIMD ones 1.86e-5)
         Q8_0  7.03e-8   5.31e-8   1.58e-7
         Q4_0  8.18e-3   5.29e-8   1.45e-7   (one flip: arm64's scalar kernels)
         Q4_K  1.25e-2   2.11e-7   1.03e-4
         Q6_K  1.02e-2   1.06e-7   4.59e-7
       Q8_0 shares Q4_0's activations (Q8_0 blocks), so its worst position gets the bound of a flip
       too, and so does every quantized type's state.
       F16's state error is a flip's: stepped one token at a time, it starts near 1e-7 for every
       kernel set, jumps 100-1000 fold at isolated steps and then decays, and the steps differ
       per kernel set (x86 scalar: 87 142 231 276 298; an AMX CPU's default ones: 65 86 161 184
       199 276).
       F32's stays under 4.4e-7 at every step. The x86 scalar kernels flip at step 298 of 300, so
       their final state still carries that jump; the default ones last flipped at 276. */
    case JM_TYPE_F32:  return (bound){ 9.2e-7, 3.5e-7, 7.5e-7 };
    case JM_TYPE_F16:  return (bound){ 5.4e-4, 8.3e-8, 1.13e-4 };
    case JM_TYPE_Q8_0: return (bound){ 1.07e-2, 6.9e-8, 1.34e-4 };
    case JM_TYPE_Q4_0: return (bound){ 1.07e-2, 6.9e-8, 1.34e-4 };
    case JM_TYPE_Q4_K: return (bound){ 1.63e-2, 2.75e-7, 1.34e-4 };
    default:           return (bound){ 1.33e-2, 1.4e-7, 1.34e-4 }; /* Q6_K */
    }
}

/* One all-logits result against the reference. */
static void check_distance(const char *name, const char *what, const float *logits, const double *ref,
                           int64_t T, int64_t V, bound b) {
    const dist d = distance(logits, ref, T, V);
    if (getenv("JM_TEST_VERBOSE")) printf("%s, %s: worst %.3g (position %lld), median %.3g\n", name, what, d.worst, (long long)d.at, d.median);
    CHECK(d.worst <= b.worst && d.median <= b.median,
          "%s, %s: all logits against the reference: worst position %lld at %.3g (bound %.3g), median %.3g (bound %.3g)",
          name, what, (long long)d.at, d.worst, b.worst, d.median, b.median);
}

/* The tiny model of each type: small, but Q*_K rows need 256 columns. */
static jm_model_params tiny_params(int32_t type) {
    jm_model_params p = jm_model_default_params();
    p.n_vocab = 96; p.d_model = 64; p.n_layer = 2; p.d_inner = 128; p.d_state = 16;
    p.n_head = 8; p.n_group = 2; p.d_conv = 4;
    p.norm_eps = 1e-3f; /* large enough that an eps dropped or misplaced shows */
    if (type >= JM_TYPE_Q2_K && type <= JM_TYPE_Q6_K) { p.d_model = 256; p.d_inner = 512; p.n_head = 16; }
    p.cpu_features_mask = test_cpu_features();
    return p;
}

/* The 300 tokens of the long tests and the reference's logits for them ([T][V]); its state after them in rs. */
enum { LONG_T = 300 };
static double *long_reference(const ref_model *r, ref_state *rs, int32_t *toks) {
    const int64_t V = r->V;
    for (int i = 0; i < LONG_T; i++) toks[i] = (int32_t)((i * 37 + 11 + i / 50) % V);
    double *ref = malloc(LONG_T * V * sizeof *ref);
    for (int t = 0; t < LONG_T; t++) ref_step(r, rs, toks[t], ref + t * V);
    return ref;
}

/*
 * 300 tokens (two micro-batches of the forward, five chunks of the scan)
 * against the reference, at every position: one call with all logits, the
 * same tokens one call each, and the scalar kernels; then 1, 2 and 3
 * threads give the same bits.
 */
static void test_long(jm_model *m, const jm_model_params *p, int32_t type, const weights *w, const char *name,
                      jm_context *c1, jm_context *c2, jm_context *c3, jm_context *cs) {
    enum { T = LONG_T };
    const int64_t V = p->n_vocab, S = jm_model_state_size(m);
    int32_t toks[T];
    const ref_model r = ref_of(p, type, w);
    ref_state rs = ref_state_new(&r);
    double *ref = long_reference(&r, &rs, toks);
    float *all = malloc(T * V * 4), *steps = malloc(T * V * 4), *other = malloc(T * V * 4);
    float *st = calloc(S, 1), *st2 = calloc(S, 1);
    jm_error err;
    const bound b = ref_bound(type);

    CHECK(jm_model_eval(c2, m, st, toks, T, all, 1, &err) == JM_OK, "%s: %d tokens: %s", name, T, err.message);
    check_distance(name, "300 tokens in one call", all, ref, T, V, b);
    double es = state_error(&r, &rs, st);
    if (getenv("JM_TEST_VERBOSE")) printf("%s: state after one call %.3g\n", name, es);
    CHECK(es <= b.state, "%s: the state after %d tokens in one call against the reference's: %.3g (bound %.3g)",
          name, T, es, b.state);

    for (int t = 0; t < T; t++) jm_model_eval(c2, m, st2, &toks[t], 1, steps + t * V, 0, &err);
    check_distance(name, "300 single steps", steps, ref, T, V, b);
    es = state_error(&r, &rs, st2);
    if (getenv("JM_TEST_VERBOSE")) printf("%s: state after single steps %.3g\n", name, es);
    CHECK(es <= b.state, "%s: the state after %d single steps against the reference's: %.3g (bound %.3g)",
          name, T, es, b.state);

    memset(st2, 0, S);
    jm_model_eval(cs, m, st2, toks, T, other, 1, &err);
    check_distance(name, "scalar kernels", other, ref, T, V, b);
    es = state_error(&r, &rs, st2);
    if (getenv("JM_TEST_VERBOSE")) printf("%s: state after the scalar kernels %.3g\n", name, es);
    CHECK(es <= b.state, "%s: the state after %d tokens on the scalar kernels against the reference's: %.3g (bound %.3g)",
          name, T, es, b.state);

    jm_context *threads[2] = {c1, c3};
    for (int i = 0; i < 2; i++) {
        memset(st2, 0, S);
        jm_model_eval(threads[i], m, st2, toks, T, other, 1, &err);
        CHECK(memcmp(other, all, T * V * 4) == 0 && memcmp(st2, st, S) == 0,
              "%s: %d threads give the bits of 2 (all logits and state of %d tokens)", name, i ? 3 : 1, T);
    }
    ref_state_free(&rs);
    free(ref); free(all); free(steps); free(other); free(st); free(st2);
}

static void test_type(int32_t type, const char *name) {
    const jm_model_params p = tiny_params(type);
    const uint32_t f = test_cpu_features();
    jm_context *c2 = test_context(2, f), *c1 = test_context(1, f), *c3 = test_context(3, f), *cs = test_context(2, 0);
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

    test_long(m, &p, type, &w, name, c1, c2, c3, cs);

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
    jm_context_free(c1); jm_context_free(c2); jm_context_free(c3); jm_context_free(cs);
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
    CHECK(jm_model_set_tensor(m, 0, JM_TENSOR_ATTN_NORM, JM_TYPE_F32, 7, 1, v, 28, &err) == JM_ERR_SHAPE,
          "wrong shape refused");
    CHECK(strstr(err.message, "blk.0.attn_norm.weight") != NULL, "message names the tensor: %s", err.message);
    CHECK(jm_model_set_tensor(m, 5, JM_TENSOR_ATTN_NORM, JM_TYPE_F32, 8, 1, v, 32, &err) == JM_ERR_INVALID_ARG,
          "layer out of range refused");
    CHECK(jm_model_set_tensor(m, 0, JM_TENSOR_ATTN_NORM, 99, 8, 1, v, 32, &err) == JM_ERR_UNSUPPORTED,
          "unknown type refused");
    CHECK(jm_model_finalize(m, &err) == JM_ERR_MISSING_TENSOR && strstr(err.message, "token_embd") != NULL,
          "missing tensor named: %s", err.message);
    jm_context *ctx = test_context(1, test_cpu_features());
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
    const jm_model_params p = tiny_params(type);
    jm_context *ctx = test_context(n_threads, test_cpu_features());
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

/* A backend whose finish reports a failure: the CPU's steps, then "the device" fails. */
static jm_status failing_finish(jm_context *ctx, jm_error *err) {
    (void)ctx;
    return jm_fail(err, JM_ERR_INTERNAL, "test backend: the device was lost");
}

/*
 * Backends by name: an unknown one is refused naming those the build has;
 * a context runs only models prepared for its backend; the forward returns
 * its backend's finish: a call that failed there says so, with the
 * backend's message.
 */
static void test_backends(void) {
    CHECK(jm_backend_count() >= 1 && strcmp(jm_backend_name(0), "cpu") == 0, "the default backend is cpu");
    CHECK(jm_backend_name(-1) == NULL && jm_backend_name(jm_backend_count()) == NULL, "names outside the table are NULL");
    jm_error err;
    jm_context_params cp = jm_context_default_params();
    jm_context *c = NULL;
    cp.backend = "cuda-not-built";
    CHECK(jm_context_create(&cp, &c, &err) == JM_ERR_UNSUPPORTED && c == NULL && strstr(err.message, "cuda-not-built") &&
          strstr(err.message, "it has: cpu"), "a context on a backend the build lacks is refused: %s", err.message);
    cp.backend = "cpu";
    CHECK(jm_context_create(&cp, &c, &err) == JM_OK, "a context on cpu by name: %s", err.message);
    jm_context_free(c);
    jm_model_params p = tiny_params(JM_TYPE_F32);
    jm_model *bad = NULL;
    p.backend = "cuda-not-built";
    CHECK(jm_model_create(&p, &bad, &err) == JM_ERR_UNSUPPORTED && bad == NULL && strstr(err.message, "cuda-not-built"),
          "a model for a backend the build lacks is refused: %s", err.message);
    p.backend = "cpu";
    jm_context *ctx = test_context(1, test_cpu_features());
    weights w = {0};
    jm_model *m = build(&p, JM_TYPE_F32, &w, ctx);
    CHECK(m != NULL, "backend finish: model builds");
    if (!m) return;
    float *state = calloc(jm_model_state_size(m), 1), *logits = calloc(p.n_vocab, 4);
    const int32_t toks[3] = { 1, 2, 3 };
    const jm_backend *cpu = ctx->backend;
    jm_backend failing = *cpu;
    failing.name = "failing";
    failing.finish = failing_finish;
    ctx->backend = &failing;
    CHECK(jm_model_eval(ctx, m, state, toks, 3, logits, 0, &err) == JM_ERR_INVALID_ARG &&
          strstr(err.message, "'failing'") && strstr(err.message, "'cpu'"),
          "a model prepared for another backend is refused, naming both: %s", err.message);
    m->backend = &failing;
    CHECK(jm_model_eval(ctx, m, state, toks, 3, logits, 0, &err) == JM_ERR_INTERNAL &&
          strstr(err.message, "device was lost"), "jm_model_eval returns the backend's failure: %s", err.message);
    jm_batch_seq seq = { .state = state, .tokens = toks, .n_tokens = 3, .logits = logits };
    CHECK(jm_model_eval_batch(ctx, m, &seq, 1, &err) == JM_ERR_INTERNAL && strstr(err.message, "device was lost"),
          "jm_model_eval_batch returns the backend's failure: %s", err.message);
    ctx->backend = cpu;
    m->backend = cpu;
    CHECK(cpu->finish == NULL && jm_model_eval(ctx, m, state, toks, 3, logits, 0, &err) == JM_OK,
          "the CPU backend has no finish, and its calls succeed: %s", err.message);
    jm_model_free(m);
    for (int i = 0; i < w.n; i++) free(w.buf[i]);
    free(state); free(logits);
    jm_context_free(ctx);
}

/*
 * Level l's kernels on a model packed for them (as a CPU with just that
 * level would pack it), all logits of the 300 tokens against the reference.
 */
static void test_on_level(const test_level *l, int32_t type, const char *name) {
    jm_model_params p = tiny_params(type);
    p.cpu_features_mask = l->needs;
    jm_context *ctx = test_context(2, l->needs);
    CHECK(jm_context_features(ctx) == l->needs, "%s: a context of level %s has its features", name, l->name);
    weights w = {0};
    jm_model *m = build(&p, type, &w, ctx);
    CHECK(m != NULL, "%s: model builds", name);
    if (!m) return;
    const int64_t V = p.n_vocab, S = jm_model_state_size(m);
    int32_t toks[LONG_T];
    const ref_model r = ref_of(&p, type, &w);
    ref_state rs = ref_state_new(&r);
    double *ref = long_reference(&r, &rs, toks);
    float *logits = malloc(LONG_T * V * 4), *st = calloc(S, 1);
    jm_error err;
    CHECK(jm_model_eval(ctx, m, st, toks, LONG_T, logits, 1, &err) == JM_OK, "%s: %d tokens: %s", name, LONG_T, err.message);
    char what[64];
    snprintf(what, sizeof what, "the %s kernels", l->name);
    const bound b = ref_bound(type);
    check_distance(name, what, logits, ref, LONG_T, V, b);
    const double es = state_error(&r, &rs, st);
    if (getenv("JM_TEST_VERBOSE")) printf("%s: state after %s %.3g\n", name, what, es);
    CHECK(es <= b.state, "%s: the state after %d tokens on %s against the reference's: %.3g (bound %.3g)",
          name, LONG_T, what, es, b.state);
    ref_state_free(&rs);
    jm_model_free(m);
    for (int i = 0; i < w.n; i++) free(w.buf[i]);
    free(ref); free(logits); free(st);
    jm_context_free(ctx);
}

/* The types every forward test runs. */
static const struct { int32_t type; const char *name; } k_types[] = {
    {JM_TYPE_F32, "F32"}, {JM_TYPE_F16, "F16"}, {JM_TYPE_Q8_0, "Q8_0"}, {JM_TYPE_Q4_0, "Q4_0"},
    {JM_TYPE_Q4_K, "Q4_K"}, {JM_TYPE_Q6_K, "Q6_K"},
};

/* Level l's kernels against the reference, every type. */
static void check_level(const test_level *l) {
    for (size_t i = 0; i < sizeof k_types / sizeof *k_types; i++) test_on_level(l, k_types[i].type, k_types[i].name);
}

/* Everything but the levels. */
static void check_rest(void) {
    test_bad_models();
    for (size_t i = 0; i < sizeof k_types / sizeof *k_types; i++) test_type(k_types[i].type, k_types[i].name);
    test_batch(JM_TYPE_F32, "F32", 2);
    test_batch(JM_TYPE_Q8_0, "Q8_0", 2);
    test_batch(JM_TYPE_Q4_0, "Q4_0", 1);
    test_batch(JM_TYPE_Q4_K, "Q4_K", 2);
    test_backends(); /* last: its model draws from the weights' random stream, which the bounds above were measured on */
}

/* argv[1]: a level's kernels against the reference (test_levels.h); none: everything else. */
int main(int argc, char **argv) {
    for (size_t i = 0; i < sizeof k_types / sizeof *k_types; i++)
        CHECK(jm_type_can_compute(k_types[i].type), "%s can compute", k_types[i].name);
    const int status = test_levels_main(argc, argv, check_level, check_rest);
    return status ? status : test_report();
}
