/*
 * ssm_scan_chunked.c - the selective scan of a prompt in the chunked form
 * of the Mamba-2 paper (state space duality). Within a chunk of L tokens,
 * with dec(t, s) = dA[s+1] * ... * dA[t] the decay from token s to t and
 * cum(t) = dA[0] * ... * dA[t] the decay from the chunk's start,
 *
 *     y[t]  = cum(t) * (C[t] . S)  +  sum_{s <= t} (C[t] . B[s]) dec(t, s) dt[s] x[s]  +  D x[t]
 *     S'    = cum(L-1) * S  +  sum_s  dec(L-1, s) dt[s] x[s] (x) B[s]
 *
 * so a chunk is four small matrix products (ssd_gemm) instead of L passes
 * over the whole state: about 2 N P + L P / 2 multiply-adds per token and
 * head, against the recurrence's 3 N P operations, and in the shape the
 * fma units run best. C[t] . B[s] is shared by every head of a group and
 * computed once per group. The decays are running products, in the order
 * the recurrence multiplies them, never exp of differences of sums (which
 * lose precision as the sums grow), and values below 1e-20 are flushed to
 * zero: what they would still add is far below a float's precision, and a
 * fast decay cannot fill the products with denormals, which cost a
 * microcode assist each (a fast-decaying layer ran 1.7x slower without).
 *
 * The products want the state as [N][P], so each head's is transposed in
 * and out once per window of WINDOW tokens.
 *
 * The result is the recurrence's up to float rounding, the same bits for
 * every thread count (a head is always computed by one part, in one order).
 */
#include <math.h>
#include "ops.h"

enum {
    CHUNK  = 64,   /* L: tokens per chunk                                   */
    WINDOW = 256,  /* tokens whose C . B products are kept at once, per group */
};

static int64_t chunks_in(int64_t n) { return (n + CHUNK - 1) / CHUNK; }
static int64_t pad16(int64_t n) { return (n + 15) & ~(int64_t)15; }

/* One part's scratch, carved from the floats jm_ssm_scan_work_floats counted. */
typedef struct ssd_work {
    float *st;    /* [N][P]: the head's state, transposed for the products */
    float *bt;    /* [chunks][N][L]: B of the group, per chunk transposed  */
    float *cb;    /* [chunks][L][L]: C[t] . B[s] of the group              */
    float *m;     /* [L][L]: cb masked, weighted by dec(t, s) dt[s], + D  */
    float *xw;    /* [L][P]: x[s] dec(L-1, s) dt[s]                        */
    float *dt, *da, *cum, *dec;  /* [L] each */
} ssd_work;

static int64_t work_layout(const jm_scan_args *a, float *base, ssd_work *w) {
    const int64_t N = a->d_state, P = a->head_dim, L = CHUNK;
    const int64_t nc = chunks_in(a->n_tokens < WINDOW ? a->n_tokens : WINDOW);
    const int64_t sizes[9] = { N * P, nc * N * L, nc * L * L, L * L, L * P, L, L, L, L };
    float **slots[9] = { &w->st, &w->bt, &w->cb, &w->m, &w->xw, &w->dt, &w->da, &w->cum, &w->dec };
    int64_t at = 0;
    for (int i = 0; i < 9; i++) {
        if (base) *slots[i] = base + at;
        at += pad16(sizes[i]);
    }
    return at;
}

int64_t jm_ssm_scan_work_floats(const jm_scan_args *a) {
    ssd_work w;
    return a->ssd_gemm && a->n_tokens >= JM_SSD_MIN_TOKENS ? work_layout(a, NULL, &w) : 0;
}

static float flush(float v) { return v < 1e-20f ? 0.0f : v; }

/* B of group g for tokens [t0, t0 + n) transposed per chunk, and C[t] . B[s] within each chunk. */
static void group_products(const jm_scan_args *a, const ssd_work *w,
                           int64_t g, int64_t t0, int64_t n) {
    const int64_t N = a->d_state, G = a->n_group, L = CHUNK;
    const int64_t conv_dim = (int64_t)a->n_head * a->head_dim + 2 * G * N;
    const float *Bg = a->xbc + (int64_t)a->n_head * a->head_dim + g * N;
    const float *Cg = Bg + G * N;
    for (int64_t c = 0; c < chunks_in(n); c++) {
        const int64_t tc = t0 + c * L, lc = n - c * L < L ? n - c * L : L;
        float *bt = w->bt + c * N * L;
        a->transpose(bt, L, Bg + tc * conv_dim, conv_dim, lc, N);
        a->ssd_gemm(w->cb + c * L * L, L, 0.0f, NULL, Cg + tc * conv_dim, conv_dim, bt, L, lc, lc, N, 0);
    }
}

/* The per-token decays of head h over one chunk: dt, dA and their running product from the chunk's start. */
static void chunk_decays(const jm_scan_args *a, const ssd_work *w, int64_t h, int64_t tc, int64_t lc) {
    float run = 1.0f;
    for (int64_t t = 0; t < lc; t++) {
        w->dt[t] = jm_softplus(a->dt[(tc + t) * a->dt_stride + h] + a->dt_bias[h]);
        w->da[t] = expf(w->dt[t] * a->a[h]);
        w->cum[t] = run = flush(run * w->da[t]);
    }
}

/*
 * m[t][s] = cb[t][s] dec(t, s) dt[s] for s <= t, 0 above the diagonal,
 * plus the skip connection's D on the diagonal (so m x is the outputs' whole
 * share from the chunk itself); leaves dec[s] = dec(lc-1, s), the decay of
 * token s to the chunk's end.
 */
static void chunk_mask(const ssd_work *w, const float *cb, float D, int64_t lc) {
    const int64_t L = CHUNK;
    float *dec = w->dec;
    for (int64_t t = 0; t < lc; t++) {
        for (int64_t s = 0; s < t; s++) dec[s] = flush(dec[s] * w->da[t]);
        dec[t] = 1.0f;
        float *mt = w->m + t * L;
        for (int64_t s = 0; s <= t; s++) mt[s] = cb[t * L + s] * dec[s] * w->dt[s];
        mt[t] += D;
        for (int64_t s = t + 1; s < lc; s++) mt[s] = 0.0f;
    }
}

/* One chunk of one head: its outputs from the carried state and the chunk itself, then the state carried on. */
static void chunk_forward(const jm_scan_args *a, const ssd_work *w,
                          int64_t h, int64_t g, int64_t tc, int64_t lc, const float *bt, const float *cb) {
    const int64_t N = a->d_state, P = a->head_dim, G = a->n_group, L = CHUNK;
    const int64_t d_inner = (int64_t)a->n_head * P, conv_dim = d_inner + 2 * G * N;
    const float *x = a->xbc + tc * conv_dim + h * P;
    const float *C = a->xbc + tc * conv_dim + d_inner + G * N + g * N;
    float *y = a->y + tc * d_inner + h * P;
    chunk_decays(a, w, h, tc, lc);
    chunk_mask(w, cb, a->d[h], lc);
    /* y = cum(t) (C[t] . S) + m x */
    a->ssd_gemm(y, d_inner, 0.0f, w->cum, C, conv_dim, w->st, P, lc, P, N, 0);
    a->ssd_gemm(y, d_inner, 1.0f, NULL, w->m, L, x, conv_dim, lc, P, lc, 1);
    /* S' = cum(lc-1) S + B^T (x dec(lc-1, s) dt[s]) */
    for (int64_t s = 0; s < lc; s++) {
        const float ws = w->dec[s] * w->dt[s];
        for (int64_t p = 0; p < P; p++) w->xw[s * P + p] = x[s * conv_dim + p] * ws;
    }
    a->ssd_gemm(w->st, P, w->cum[lc - 1], NULL, bt, L, w->xw, P, N, P, lc, 0);
}

/*
 * Asks for head h's x rows and y rows of tokens [tc, tc + lc) ahead of
 * their chunk: rows a whole xBC row apart sit on different pages, where the
 * hardware prefetchers do not follow, so each row would otherwise be a
 * full cache miss in the middle of the products.
 */
static void prefetch_chunk(const jm_scan_args *a, int64_t h, int64_t tc, int64_t lc) {
    const int64_t P = a->head_dim, d_inner = (int64_t)a->n_head * P;
    const int64_t conv_dim = d_inner + 2 * (int64_t)a->n_group * a->d_state;
    for (int64_t t = tc; t < tc + lc; t++) {
        const char *x = (const char *)(a->xbc + t * conv_dim + h * P);
        const char *y = (const char *)(a->y + t * d_inner + h * P);
        for (int64_t o = 0; o < P * (int64_t)sizeof(float); o += 64) {
            __builtin_prefetch(x + o, 0, 3);
            __builtin_prefetch(y + o, 1, 3);
        }
    }
}

void jm_ssm_scan_chunked_range(const jm_scan_args *a, int64_t h0, int64_t h1, float *work) {
    const int64_t N = a->d_state, P = a->head_dim, L = CHUNK, H = a->n_head;
    ssd_work w;
    work_layout(a, work, &w);
    for (int64_t t0 = 0; t0 < a->n_tokens; t0 += WINDOW) {
        const int64_t n = a->n_tokens - t0 < WINDOW ? a->n_tokens - t0 : WINDOW;
        int64_t have = -1; /* the group whose products w holds */
        for (int64_t h = h0; h < h1; h++) {
            const int64_t g = h / (H / a->n_group);
            if (g != have) group_products(a, &w, have = g, t0, n);
            float *S = a->s + h * P * N;
            a->transpose(w.st, P, S, N, P, N);
            for (int64_t c = 0; c < chunks_in(n); c++) {
                const int64_t lc = n - c * L < L ? n - c * L : L;
                /* the next chunk of this head, or the first of the next head */
                if (c + 1 < chunks_in(n)) prefetch_chunk(a, h, t0 + (c + 1) * L, n - (c + 1) * L < L ? n - (c + 1) * L : L);
                else if (h + 1 < h1) prefetch_chunk(a, h + 1, t0, n < L ? n : L);
                chunk_forward(a, &w, h, g, t0 + c * L, lc, w.bt + c * N * L, w.cb + c * L * L);
            }
            a->transpose(S, N, w.st, P, N, P);
        }
    }
}
