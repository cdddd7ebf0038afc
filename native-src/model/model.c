/*
 * model.c - building a jm_model: check the hyper-parameters, accept each
 * tensor only with the shape and type the forward expects, and refuse to
 * run until every tensor is there.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include "model.h"
#include "backend/backend.h"
#include "core/error.h"
#include "core/platform.h"

#define JM_MAX_DIM   (1 << 24)

static const char *ROLE_NAMES[JM_TENSOR_ROLE_COUNT] = {
    "token_embd.weight", "output_norm.weight", "output.weight", "attn_norm.weight",
    "ssm_in.weight", "ssm_conv1d.weight", "ssm_conv1d.bias", "ssm_dt.bias",
    "ssm_a", "ssm_d", "ssm_norm.weight", "ssm_out.weight",
};

static int is_global_role(int32_t role) { return role <= JM_TENSOR_OUTPUT; }

/* Matrices go through the dot kernels; everything else is read as plain floats. */
static int is_matrix_role(int32_t role) {
    return role == JM_TENSOR_TOKEN_EMBD || role == JM_TENSOR_OUTPUT ||
           role == JM_TENSOR_SSM_IN || role == JM_TENSOR_SSM_OUT;
}

jm_model_params jm_model_default_params(void) {
    jm_model_params p = {
        .n_vocab = 0, .d_model = 0, .n_layer = 0, .d_inner = 0, .d_state = 128,
        .n_head = 0, .n_group = 1, .d_conv = 4, .norm_eps = 1e-5f, .weights_file_mapped = 0,
        .cpu_features_mask = 0xFFFFFFFFu,
    };
    return p;
}

static jm_status check_params(const jm_model_params *p, jm_error *err) {
    const int32_t dims[] = { p->n_vocab, p->d_model, p->n_layer, p->d_inner, p->d_state, p->n_head, p->n_group };
    const char *names[] = { "n_vocab", "d_model", "n_layer", "d_inner", "d_state", "n_head", "n_group" };
    for (int i = 0; i < 7; i++)
        if (dims[i] <= 0 || dims[i] > JM_MAX_DIM)
            return jm_fail(err, JM_ERR_INVALID_ARG, "%s = %d is out of range [1, %d]", names[i], dims[i], JM_MAX_DIM);
    if (p->d_conv < 1 || p->d_conv > JM_MAX_CONV)
        return jm_fail(err, JM_ERR_INVALID_ARG, "d_conv = %d is out of range [1, %d]", p->d_conv, JM_MAX_CONV);
    if (p->d_inner % p->n_head != 0)
        return jm_fail(err, JM_ERR_INVALID_ARG, "d_inner %d is not a multiple of n_head %d", p->d_inner, p->n_head);
    if (p->n_head % p->n_group != 0)
        return jm_fail(err, JM_ERR_INVALID_ARG, "n_head %d is not a multiple of n_group %d", p->n_head, p->n_group);
    if (!(p->norm_eps >= 0.0f) || !isfinite(p->norm_eps))
        return jm_fail(err, JM_ERR_INVALID_ARG, "norm_eps %g is not a finite non-negative number", p->norm_eps);
    return JM_OK;
}

jm_status jm_model_create(const jm_model_params *params, jm_model **out, jm_error *err) {
    if (!params || !out) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_create: NULL argument");
    *out = NULL;
    jm_status st = check_params(params, err);
    if (st != JM_OK) return st;
    jm_model *m = calloc(1, sizeof *m);
    if (!m) return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for the model");
    m->layers = calloc((size_t)params->n_layer, sizeof *m->layers);
    if (!m->layers) { free(m); return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for %d layers", params->n_layer); }
    m->p = *params;
    m->head_dim = params->d_inner / params->n_head;
    m->conv_dim = params->d_inner + 2 * (int64_t)params->n_group * params->d_state;
    m->d_in_proj = 2 * (int64_t)params->d_inner + 2 * (int64_t)params->n_group * params->d_state + params->n_head;
    m->layer_state_floats = (params->d_conv - 1) * m->conv_dim + (int64_t)params->d_inner * params->d_state;
    *out = m;
    return jm_ok(err);
}

void jm_model_free(jm_model *m) {
    if (!m) return;
    if (m->layers) jm_backend_default()->release_model(m);
    free(m->conv_w_t);
    free(m->layers);
    free(m);
}

int64_t jm_model_state_size(const jm_model *m) {
    return m ? m->layer_state_floats * m->p.n_layer * (int64_t)sizeof(float) : 0;
}

const jm_tensor *jm_model_output(const jm_model *m) {
    return m->global[JM_TENSOR_OUTPUT].data ? &m->global[JM_TENSOR_OUTPUT] : &m->global[JM_TENSOR_TOKEN_EMBD];
}

/* The shape a role must have: ne0 values per row, ne1 rows (vectors: count only). */
static void expected_shape(const jm_model *m, int32_t role, int64_t *ne0, int64_t *ne1) {
    const jm_model_params *p = &m->p;
    switch (role) {
    case JM_TENSOR_TOKEN_EMBD:
    case JM_TENSOR_OUTPUT:          *ne0 = p->d_model;  *ne1 = p->n_vocab;     break;
    case JM_TENSOR_OUTPUT_NORM:
    case JM_TENSOR_ATTN_NORM:       *ne0 = p->d_model;  *ne1 = 1;              break;
    case JM_TENSOR_SSM_IN:          *ne0 = p->d_model;  *ne1 = m->d_in_proj;   break;
    case JM_TENSOR_SSM_CONV1D:      *ne0 = p->d_conv;   *ne1 = m->conv_dim;    break;
    case JM_TENSOR_SSM_CONV1D_BIAS: *ne0 = m->conv_dim; *ne1 = 1;              break;
    case JM_TENSOR_SSM_DT_BIAS:
    case JM_TENSOR_SSM_A:
    case JM_TENSOR_SSM_D:           *ne0 = p->n_head;   *ne1 = 1;              break;
    case JM_TENSOR_SSM_NORM:        *ne0 = p->d_inner / p->n_group; *ne1 = p->n_group; break;
    case JM_TENSOR_SSM_OUT:         *ne0 = p->d_inner;  *ne1 = p->d_model;     break;
    default:                        *ne0 = *ne1 = 0;
    }
}

static jm_status check_tensor(const jm_model *m, int32_t layer, int32_t role, int32_t type,
                              int64_t ne0, int64_t ne1, const void *data, int64_t nbytes, jm_error *err) {
    char name[64];
    if (is_global_role(role)) snprintf(name, sizeof name, "%s", ROLE_NAMES[role]);
    else snprintf(name, sizeof name, "blk.%d.%s", layer, ROLE_NAMES[role]);
    int64_t e0, e1;
    expected_shape(m, role, &e0, &e1);
    /* 1-D vectors may arrive as [n] or [1, n]; only their length matters */
    const int vector = !is_matrix_role(role) && role != JM_TENSOR_SSM_CONV1D && role != JM_TENSOR_SSM_NORM;
    const int shape_ok = vector ? (ne0 > 0 && ne1 > 0 && ne0 * ne1 == e0 * e1) : (ne0 == e0 && ne1 == e1);
    if (!shape_ok)
        return jm_fail(err, JM_ERR_INVALID_ARG, "tensor %s has shape [%lld, %lld], the model needs [%lld, %lld]",
                       name, (long long)ne0, (long long)ne1, (long long)e0, (long long)e1);
    if (is_matrix_role(role)) {
        if (!jm_type_can_compute(type))
            return jm_fail(err, JM_ERR_UNSUPPORTED, "tensor %s has type %d, which this library cannot compute", name, type);
    } else if (type != JM_TYPE_F32) {
        return jm_fail(err, JM_ERR_UNSUPPORTED, "tensor %s must be F32, found type %d", name, type);
    }
    const int64_t row = jm_row_size(type, ne0);
    if (row < 0)
        return jm_fail(err, JM_ERR_INVALID_ARG, "tensor %s: row length %lld is not a multiple of its type's block size",
                       name, (long long)ne0);
    if (nbytes != row * ne1)
        return jm_fail(err, JM_ERR_INVALID_ARG, "tensor %s: %lld bytes given, its shape and type need %lld",
                       name, (long long)nbytes, (long long)(row * ne1));
    if (!data) return jm_fail(err, JM_ERR_INVALID_ARG, "tensor %s: data is NULL", name);
    return JM_OK;
}

jm_status jm_model_set_tensor(jm_model *m, int32_t layer, int32_t role, int32_t type,
                              int64_t ne0, int64_t ne1, const void *data, int64_t nbytes, jm_error *err) {
    if (!m) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_set_tensor: model is NULL");
    if (m->finalized) return jm_fail(err, JM_ERR_STATE, "the model is final; tensors can no longer be set");
    if (role < 0 || role >= JM_TENSOR_ROLE_COUNT) return jm_fail(err, JM_ERR_INVALID_ARG, "unknown tensor role %d", role);
    if (!is_global_role(role) && (layer < 0 || layer >= m->p.n_layer))
        return jm_fail(err, JM_ERR_INVALID_ARG, "layer %d is out of range [0, %d)", layer, m->p.n_layer);
    jm_status st = check_tensor(m, layer, role, type, ne0, ne1, data, nbytes, err);
    if (st != JM_OK) return st;
    jm_tensor t = { .type = type, .ne0 = ne0, .ne1 = ne1, .data = data, .nbytes = nbytes };
    if (is_global_role(role)) m->global[role] = t;
    else m->layers[layer].t[role] = t;
    return jm_ok(err);
}

jm_status jm_model_finalize(jm_model *m, jm_error *err) {
    if (!m) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_finalize: model is NULL");
    if (!m->global[JM_TENSOR_TOKEN_EMBD].data) return jm_fail(err, JM_ERR_STATE, "tensor token_embd.weight is missing");
    if (!m->global[JM_TENSOR_OUTPUT_NORM].data) return jm_fail(err, JM_ERR_STATE, "tensor output_norm.weight is missing");
    for (int32_t il = 0; il < m->p.n_layer; il++)
        for (int32_t role = JM_TENSOR_ATTN_NORM; role < JM_TENSOR_ROLE_COUNT; role++)
            if (!m->layers[il].t[role].data)
                return jm_fail(err, JM_ERR_STATE, "tensor blk.%d.%s is missing", il, ROLE_NAMES[role]);
    /* the conv reads one tap of many channels at a time: keep the weights that way round */
    const int64_t K = m->p.d_conv, C = m->conv_dim;
    m->conv_w_t = malloc((size_t)(m->p.n_layer * K * C) * sizeof(float));
    if (!m->conv_w_t) return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for the conv weights");
    for (int32_t il = 0; il < m->p.n_layer; il++) {
        const float *w = m->layers[il].t[JM_TENSOR_SSM_CONV1D].data;
        float *wt = m->conv_w_t + il * K * C;
        for (int64_t c = 0; c < C; c++)
            for (int64_t k = 0; k < K; k++) wt[k * C + c] = w[c * K + k];
    }
    jm_status st = jm_backend_default()->prepare_model(m, err);
    if (st != JM_OK) return st;
    m->finalized = 1;
    return jm_ok(err);
}
