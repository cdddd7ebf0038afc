/*
 * ref_mamba2.h - the oracle of test_forward.c: the Mamba-2 forward written
 * once more, token by token, in double precision, straight from the paper's
 * recurrence (no chunks, no micro-batches, no threads, no flushing, no
 * softplus cut-off). It shares no code with the library: the weights come
 * in as floats (quantized matrices already expanded), and the only float
 * step it keeps is the rounding of matmul inputs to the dot product's
 * activation format (Q8_0, Q8_K, F16), because that rounding is part of
 * what the model computes, not an error of it.
 */
#ifndef JM_REF_MAMBA2_H
#define JM_REF_MAMBA2_H

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* How a matmul's input is rounded before the dot products. */
typedef enum ref_act { REF_ACT_F32, REF_ACT_F16, REF_ACT_Q8_0, REF_ACT_Q8_K } ref_act;

/* Roles as in jmamba.h: token_embd, output_norm, output, then per layer. */
enum { REF_EMBD, REF_OUT_NORM, REF_OUT, REF_ATTN_NORM, REF_IN, REF_CONV, REF_CONV_B, REF_DT_B, REF_A, REF_D,
       REF_NORM, REF_OUT_PROJ, REF_ROLES };

typedef struct ref_model {
    int64_t V, d, L, di, N, H, G, K; /* n_vocab, d_model, layers, d_inner, d_state, heads, groups, d_conv */
    double eps;
    const float *g[3];                /* global roles, row-major [rows][ne0] */
    const float *(*t)[REF_ROLES];     /* [L][role] */
    ref_act act;                      /* rounding of every matmul input */
} ref_model;

typedef struct ref_state {
    double *conv; /* [L][K-1][conv_dim], oldest row first */
    double *ssm;  /* [L][H][P][N] */
} ref_state;

static int64_t ref_conv_dim(const ref_model *m) { return m->di + 2 * m->G * m->N; }

static ref_state ref_state_new(const ref_model *m) {
    ref_state s = {
        .conv = calloc((size_t)(m->L * (m->K - 1) * ref_conv_dim(m)), sizeof(double)),
        .ssm = calloc((size_t)(m->L * m->di * m->N), sizeof(double)),
    };
    return s;
}

static void ref_state_free(ref_state *s) { free(s->conv); free(s->ssm); }

static double ref_silu(double x) { return x / (1.0 + exp(-x)); }

/* float -> IEEE half -> float, round to nearest even (what F16 dot products see) */
static float ref_round_f16(float x) {
    const float a = fabsf(x);
    if (a == 0.0f || !isfinite(x)) return x;
    if (a >= 65520.0f) return x > 0 ? INFINITY : -INFINITY;
    int e;
    frexpf(a, &e);                            /* a = f * 2^e, f in [0.5, 1) */
    const int q = e - 1 < -14 ? -24 : e - 11; /* the spacing of halfs near a: 2^q */
    return copysignf(ldexpf(nearbyintf(ldexpf(a, -q)), q), x);
}

/* x rounded in place to what the dot product reads back, per its blocks. */
static void ref_round_act(ref_act act, double *x, int64_t n) {
    if (act == REF_ACT_F32) return;
    if (act == REF_ACT_F16) {
        for (int64_t i = 0; i < n; i++) x[i] = ref_round_f16((float)x[i]);
        return;
    }
    const int64_t bs = act == REF_ACT_Q8_0 ? 32 : 256;
    for (int64_t b = 0; b < n; b += bs) {
        float v[256], amax = 0.0f, vmax = 0.0f;
        for (int64_t j = 0; j < bs; j++) {
            v[j] = (float)x[b + j];
            if (fabsf(v[j]) > amax) { amax = fabsf(v[j]); vmax = v[j]; }
        }
        for (int64_t j = 0; j < bs; j++) {
            if (amax == 0.0f) { x[b + j] = 0.0; continue; }
            if (act == REF_ACT_Q8_0) { /* llama.cpp's x86 rule: scale by 127/amax, half to even; d stored as half */
                const float q = nearbyintf(v[j] * (127.0f / amax));
                x[b + j] = (double)q * ref_round_f16(amax / 127.0f);
            } else {                   /* Q8_K: scale by -127/vmax, clamp at 127, d stored as float */
                const float is = -127.0f / vmax;
                const float q = fminf(127.0f, nearbyintf(is * v[j]));
                x[b + j] = (double)q * (1.0f / is);
            }
        }
    }
}

/* y[r] = W[r] . round(x) for rows r < rows; W is [rows][n] */
static void ref_matmul(const ref_model *m, const float *w, const double *x, int64_t n, int64_t rows, double *y) {
    double *xr = malloc((size_t)n * sizeof *xr);
    memcpy(xr, x, (size_t)n * sizeof *xr);
    ref_round_act(m->act, xr, n);
    for (int64_t r = 0; r < rows; r++) {
        double acc = 0.0;
        for (int64_t i = 0; i < n; i++) acc += (double)w[r * n + i] * xr[i];
        y[r] = acc;
    }
    free(xr);
}

static void ref_rmsnorm(const double *x, const float *w, double *y, int64_t n, double eps) {
    double ss = 0.0;
    for (int64_t i = 0; i < n; i++) ss += x[i] * x[i];
    const double scale = 1.0 / sqrt(ss / (double)n + eps);
    for (int64_t i = 0; i < n; i++) y[i] = x[i] * scale * w[i];
}

/* One mixer on one token: u is the residual stream, read and added to. */
static void ref_mixer(const ref_model *m, ref_state *st, int64_t il, double *u) {
    const float *const *t = m->t[il];
    const int64_t d = m->d, di = m->di, N = m->N, H = m->H, G = m->G, K = m->K, P = di / H;
    const int64_t C = ref_conv_dim(m), d_in = 2 * di + 2 * G * N + H;
    double *xn = malloc(d * sizeof *xn), *proj = malloc(d_in * sizeof *proj), *xbc = malloc(C * sizeof *xbc);
    double *y = malloc(di * sizeof *y), *out = malloc(d * sizeof *out);
    ref_rmsnorm(u, t[REF_ATTN_NORM], xn, d, m->eps);
    ref_matmul(m, t[REF_IN], xn, d, d_in, proj);
    const double *z = proj, *xbc_in = proj + di, *dt_in = proj + di + C;

    /* causal depthwise conv: tap 0 on the oldest of the K inputs, tap K-1 on this token's */
    double *hist = st->conv + il * (K - 1) * C;
    for (int64_t c = 0; c < C; c++) {
        double acc = t[REF_CONV_B][c];
        for (int64_t k = 0; k < K - 1; k++) acc += (double)t[REF_CONV][c * K + k] * hist[k * C + c];
        acc += (double)t[REF_CONV][c * K + K - 1] * xbc_in[c];
        xbc[c] = ref_silu(acc);
    }
    if (K > 1) {
        memmove(hist, hist + C, (size_t)((K - 2) * C) * sizeof *hist);
        memcpy(hist + (K - 2) * C, xbc_in, (size_t)C * sizeof *hist);
    }

    /* the selective scan: per head, S = exp(dt A) S + dt x B^T, y = S C + D x */
    double *S = st->ssm + il * di * N;
    for (int64_t h = 0; h < H; h++) {
        const int64_t g = h / (H / G);
        const double *x = xbc + h * P, *B = xbc + di + g * N, *Cv = xbc + di + G * N + g * N;
        const double raw = dt_in[h] + t[REF_DT_B][h];
        const double dt = raw > 700.0 ? raw : log1p(exp(raw)); /* softplus, exact in double */
        const double dA = exp(dt * t[REF_A][h]);
        for (int64_t p = 0; p < P; p++) {
            double acc = 0.0, *s = S + (h * P + p) * N;
            for (int64_t n = 0; n < N; n++) {
                s[n] = s[n] * dA + dt * x[p] * B[n];
                acc += s[n] * Cv[n];
            }
            y[h * P + p] = acc + t[REF_D][h] * x[p];
        }
    }
    /* gate with silu(z), then RMSNorm per group */
    for (int64_t i = 0; i < di; i++) y[i] *= ref_silu(z[i]);
    for (int64_t g = 0; g < G; g++) ref_rmsnorm(y + g * (di / G), t[REF_NORM] + g * (di / G), y + g * (di / G), di / G, m->eps);
    ref_matmul(m, t[REF_OUT_PROJ], y, di, d, out);
    for (int64_t i = 0; i < d; i++) u[i] += out[i];
    free(xn); free(proj); free(xbc); free(y); free(out);
}

/* One token through the model; logits [V]. */
static void ref_step(const ref_model *m, ref_state *st, int32_t token, double *logits) {
    double *u = malloc(m->d * sizeof *u), *xn = malloc(m->d * sizeof *xn);
    for (int64_t i = 0; i < m->d; i++) u[i] = m->g[REF_EMBD][token * m->d + i];
    for (int64_t il = 0; il < m->L; il++) ref_mixer(m, st, il, u);
    ref_rmsnorm(u, m->g[REF_OUT_NORM], xn, m->d, m->eps);
    ref_matmul(m, m->g[REF_OUT] ? m->g[REF_OUT] : m->g[REF_EMBD], xn, m->d, m->V, logits);
    free(u); free(xn);
}

#endif
