/*
 * model.c - building a jm_model: check the hyper-parameters, accept each
 * tensor only with the shape and type the forward expects, and refuse to
 * run until every tensor is there. The tensor names, the rules on the
 * hyper-parameters and the sizes derived from them live here and nowhere
 * else: Java reads the GGUF file and hands the tensors over by name.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "model.h"
#include "backend/backend.h"
#include "core/error.h"
#include "core/platform.h"

#define JM_MAX_DIM   (1 << 24)
/* Longest tensor name read; GGUF files written by ggml keep them under 64 bytes. */
#define JM_MAX_NAME  255

/*
 * What each role is: its name in GGUF files (per-layer roles after
 * "blk.N."), its dimensions as the file stores them, whether it is a weight
 * matrix read by the dot kernels (any type they compute) or floats read as
 * they are (F32 only), and whether only its length matters to
 * jm_model_set_tensor (vectors may arrive there as [n] or [1, n]).
 */
static const struct role_info {
    const char *name;
    int n_dims, matrix, vector;
} ROLES[JM_TENSOR_ROLE_COUNT] = {
    [JM_TENSOR_TOKEN_EMBD]      = { "token_embd.weight",  2, 1, 0 },
    [JM_TENSOR_OUTPUT_NORM]     = { "output_norm.weight", 1, 0, 1 },
    [JM_TENSOR_OUTPUT]          = { "output.weight",      2, 1, 0 },
    [JM_TENSOR_ATTN_NORM]       = { "attn_norm.weight",   1, 0, 1 },
    [JM_TENSOR_SSM_IN]          = { "ssm_in.weight",      2, 1, 0 },
    [JM_TENSOR_SSM_CONV1D]      = { "ssm_conv1d.weight",  2, 0, 0 },
    [JM_TENSOR_SSM_CONV1D_BIAS] = { "ssm_conv1d.bias",    1, 0, 1 },
    [JM_TENSOR_SSM_DT_BIAS]     = { "ssm_dt.bias",        1, 0, 1 },
    [JM_TENSOR_SSM_A]           = { "ssm_a",              2, 0, 1 },
    [JM_TENSOR_SSM_D]           = { "ssm_d",              2, 0, 1 },
    [JM_TENSOR_SSM_NORM]        = { "ssm_norm.weight",    2, 0, 0 },
    [JM_TENSOR_SSM_OUT]         = { "ssm_out.weight",     2, 1, 0 },
};

static int is_global_role(int32_t role) { return role <= JM_TENSOR_OUTPUT; }

const char *jm_tensor_role_name(int32_t role) {
    return role >= 0 && role < JM_TENSOR_ROLE_COUNT ? ROLES[role].name : NULL;
}

/* ggml's names of its type ids, for messages (ids it retired are NULL). */
static const char *type_name(int32_t type) {
    static const char *const NAMES[] = {
        "F32", "F16", "Q4_0", "Q4_1", NULL, NULL, "Q5_0", "Q5_1", "Q8_0", "Q8_1",
        "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "IQ2_XXS", "IQ2_XS", "IQ3_XXS", "IQ1_S",
        "IQ4_NL", "IQ3_S", "IQ2_S", "IQ4_XS", "I8", "I16", "I32", "I64", "F64", "IQ1_M",
        "BF16", NULL, NULL, NULL, "TQ1_0", "TQ2_0", NULL, NULL, NULL, "MXFP4",
    };
    return type >= 0 && type < (int32_t)(sizeof NAMES / sizeof NAMES[0]) ? NAMES[type] : NULL;
}

/* "Q4_0", or "type 99" for an id ggml does not know; buf holds 16 bytes. */
static const char *type_text(int32_t type, char buf[16]) {
    const char *n = type_name(type);
    if (n) return n;
    snprintf(buf, 16, "type %d", type);
    return buf;
}

jm_model_params jm_model_default_params(void) {
    jm_model_params p = {
        .n_vocab = 0, .d_model = 0, .n_layer = 0, .d_inner = 0, .d_state = 128,
        .n_head = 0, .n_group = 1, .d_conv = 4, .norm_eps = 1e-5f, .weights_file_mapped = 0,
        .cpu_features_mask = 0xFFFFFFFFu,
    };
    return p;
}

/* The sizes of a model with these (range-checked) hyper-parameters; 64-bit, so nothing wraps. */
static jm_model_sizes derived_sizes(const jm_model_params *p) {
    const int64_t groups = 2 * (int64_t)p->n_group * p->d_state; /* B and C */
    jm_model_sizes s;
    s.head_dim = p->d_inner / p->n_head;
    s.conv_dim = p->d_inner + groups;
    s.d_in_proj = 2 * (int64_t)p->d_inner + groups + p->n_head;
    s.layer_state_floats = (p->d_conv - 1) * s.conv_dim + (int64_t)p->d_inner * p->d_state;
    s.state_bytes = 0; /* set once it is known to fit */
    return s;
}

jm_status jm_model_params_check(const jm_model_params *p, jm_model_sizes *sizes, jm_error *err) {
    if (!p) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_params_check: params is NULL");
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
    jm_model_sizes s = derived_sizes(p);
    /* ssm_in's row count is an int in the bindings' callers; conv_dim is less */
    if (s.d_in_proj > INT32_MAX)
        return jm_fail(err, JM_ERR_INVALID_ARG, "d_inner %d, n_group %d and d_state %d give ssm_in %lld rows, more than %d",
                       p->d_inner, p->n_group, p->d_state, (long long)s.d_in_proj, INT32_MAX);
    if (s.layer_state_floats > INT64_MAX / (int64_t)sizeof(float) / p->n_layer)
        return jm_fail(err, JM_ERR_INVALID_ARG, "%d layers of %lld state floats overflow a byte count",
                       p->n_layer, (long long)s.layer_state_floats);
    s.state_bytes = s.layer_state_floats * p->n_layer * (int64_t)sizeof(float);
    if (sizes) *sizes = s;
    return jm_ok(err);
}

jm_status jm_model_create(const jm_model_params *params, jm_model **out, jm_error *err) {
    if (!params || !out) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_create: NULL argument");
    *out = NULL;
    jm_model_sizes s;
    jm_status st = jm_model_params_check(params, &s, err);
    if (st != JM_OK) return st;
    const jm_backend *backend;
    st = jm_backend_find(params->backend, &backend, err);
    if (st != JM_OK) return st;
    jm_model *m = calloc(1, sizeof *m);
    if (!m) return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for the model");
    m->layers = calloc((size_t)params->n_layer, sizeof *m->layers);
    if (!m->layers) { free(m); return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for %d layers", params->n_layer); }
    m->p = *params;
    m->p.backend = backend->name; /* the caller's string need not outlive the call */
    m->backend = backend;
    m->head_dim = s.head_dim;
    m->conv_dim = s.conv_dim;
    m->d_in_proj = s.d_in_proj;
    m->layer_state_floats = s.layer_state_floats;
    *out = m;
    return jm_ok(err);
}

void jm_model_free(jm_model *m) {
    if (!m) return;
    if (m->layers) m->backend->release_model(m);
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

/* The shape a role must have, as GGUF stores it: ne0 values per row, ne1 rows (1 for vectors). */
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
    case JM_TENSOR_SSM_DT_BIAS:     *ne0 = p->n_head;   *ne1 = 1;              break;
    case JM_TENSOR_SSM_A:
    case JM_TENSOR_SSM_D:           *ne0 = 1;           *ne1 = p->n_head;      break;
    case JM_TENSOR_SSM_NORM:        *ne0 = p->d_inner / p->n_group; *ne1 = p->n_group; break;
    case JM_TENSOR_SSM_OUT:         *ne0 = p->d_inner;  *ne1 = p->d_model;     break;
    default:                        *ne0 = *ne1 = 0;
    }
}

/* "[64, 328]": n dimensions, as Java and llama.cpp print shapes; buf holds 96 bytes. */
static const char *shape_text(int n, const int64_t *ne, char buf[96]) {
    int at = snprintf(buf, 96, "[");
    for (int i = 0; i < n && at < 96; i++) at += snprintf(buf + at, 96 - (size_t)at, i ? ", %lld" : "%lld", (long long)ne[i]);
    if (at < 96) snprintf(buf + at, 96 - (size_t)at, "]");
    return buf;
}

/* A role's name in messages and files: "output_norm.weight", "blk.3.ssm_in.weight". */
static void tensor_name(int32_t layer, int32_t role, char buf[64]) {
    if (is_global_role(role)) snprintf(buf, 64, "%s", ROLES[role].name);
    else snprintf(buf, 64, "blk.%d.%s", layer, ROLES[role].name);
}

/* Type and byte count, once the shape is right. */
static jm_status check_type(const char *name, int32_t role, int32_t type, int64_t ne0, int64_t ne1,
                            const void *data, int64_t nbytes, jm_error *err) {
    char tb[16];
    if (ROLES[role].matrix) {
        if (!jm_type_can_compute(type))
            return jm_fail(err, JM_ERR_UNSUPPORTED, "tensor %s has type %s, which jmamba cannot compute", name,
                           type_text(type, tb));
    } else if (type != JM_TYPE_F32) {
        return jm_fail(err, JM_ERR_UNSUPPORTED, "tensor %s has type %s; this tensor must be F32", name, type_text(type, tb));
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

static void store_tensor(jm_model *m, int32_t layer, int32_t role, int32_t type, int64_t ne0, int64_t ne1,
                         const void *data, int64_t nbytes) {
    jm_tensor t = { .type = type, .ne0 = ne0, .ne1 = ne1, .data = data, .nbytes = nbytes };
    if (is_global_role(role)) m->global[role] = t;
    else m->layers[layer].t[role] = t;
}

static const jm_tensor *slot(const jm_model *m, int32_t layer, int32_t role) {
    return is_global_role(role) ? &m->global[role] : &m->layers[layer].t[role];
}

jm_status jm_model_set_tensor(jm_model *m, int32_t layer, int32_t role, int32_t type,
                              int64_t ne0, int64_t ne1, const void *data, int64_t nbytes, jm_error *err) {
    if (!m) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_set_tensor: model is NULL");
    if (m->finalized) return jm_fail(err, JM_ERR_STATE, "the model is final; tensors can no longer be set");
    if (role < 0 || role >= JM_TENSOR_ROLE_COUNT) return jm_fail(err, JM_ERR_INVALID_ARG, "unknown tensor role %d", role);
    if (!is_global_role(role) && (layer < 0 || layer >= m->p.n_layer))
        return jm_fail(err, JM_ERR_INVALID_ARG, "layer %d is out of range [0, %d)", layer, m->p.n_layer);
    char name[64];
    tensor_name(layer, role, name);
    int64_t e0, e1;
    expected_shape(m, role, &e0, &e1);
    /* vectors may arrive as [n] or [1, n]; only their length matters */
    const int shape_ok = ROLES[role].vector ? (ne0 > 0 && ne1 > 0 && ne0 * ne1 == e0 * e1) : (ne0 == e0 && ne1 == e1);
    if (!shape_ok) {
        char have[96], need[96];
        return jm_fail(err, JM_ERR_SHAPE, "tensor %s has shape %s, the model's hyper-parameters need %s", name,
                       shape_text(2, (const int64_t[]){ ne0, ne1 }, have), shape_text(2, (const int64_t[]){ e0, e1 }, need));
    }
    jm_status st = check_type(name, role, type, ne0, ne1, data, nbytes, err);
    if (st != JM_OK) return st;
    store_tensor(m, layer, role, type, ne0, ne1, data, nbytes);
    return jm_ok(err);
}

/*
 * "blk.N.<role>" or a global role's name to (layer, role). N is decimal
 * without sign or leading zeros, so each tensor has one name. Returns 0
 * with *role = -1 for a name no role has, or with *layer = -1 and the
 * layer number too large for the model, which the caller reports.
 */
static void parse_name(const char *name, int64_t *layer, int32_t *role) {
    *layer = -1;
    *role = -1;
    const char *rest = name;
    if (strncmp(name, "blk.", 4) == 0) {
        const char *d = name + 4;
        int64_t n = 0;
        int digits = 0;
        while (*d >= '0' && *d <= '9') {
            if (n <= INT32_MAX) n = n * 10 + (*d - '0'); /* past INT32_MAX only "too large" matters */
            d++;
            digits++;
        }
        if (digits == 0 || *d != '.' || (digits > 1 && name[4] == '0')) return;
        *layer = n;
        rest = d + 1;
    }
    for (int32_t r = 0; r < JM_TENSOR_ROLE_COUNT; r++)
        if (is_global_role(r) == (*layer < 0) && strcmp(rest, ROLES[r].name) == 0) *role = r;
}

/* Equal shapes, ignoring trailing 1s ([64] is [64, 1]). */
static int same_shape(int n, const int64_t *ne, int64_t e0, int64_t e1) {
    const int64_t want[JM_MAX_DIMS] = { e0, e1, 1, 1 };
    for (int i = 0; i < JM_MAX_DIMS; i++)
        if ((i < n ? ne[i] : 1) != want[i]) return 0;
    return 1;
}

jm_status jm_model_set_tensor_by_name(jm_model *m, const char *name, int32_t type, int32_t n_dims, const int64_t *ne,
                                      const void *data, int64_t nbytes, jm_error *err) {
    if (!m || !name || !ne) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_set_tensor_by_name: NULL argument");
    if (m->finalized) return jm_fail(err, JM_ERR_STATE, "the model is final; tensors can no longer be set");
    const size_t len = strnlen(name, JM_MAX_NAME + 1);
    if (len > JM_MAX_NAME)
        return jm_fail(err, JM_ERR_INVALID_ARG, "tensor name '%.64s...' is longer than %d bytes", name, JM_MAX_NAME);
    if (n_dims < 1 || n_dims > JM_MAX_DIMS)
        return jm_fail(err, JM_ERR_INVALID_ARG, "tensor %s has %d dimensions, at most %d are allowed", name, n_dims, JM_MAX_DIMS);
    int64_t layer;
    int32_t role;
    parse_name(name, &layer, &role);
    if (role < 0)
        return jm_fail(err, JM_ERR_UNSUPPORTED, "tensor %s is not a tensor of a Mamba-2 model", name);
    if (!is_global_role(role) && layer >= m->p.n_layer)
        return jm_fail(err, JM_ERR_UNSUPPORTED, "tensor %s: layer %s%lld is out of range [0, %d)", name,
                       layer > INT32_MAX ? "> " : "", (long long)(layer > INT32_MAX ? INT32_MAX : layer), m->p.n_layer);
    const int32_t il = (int32_t)layer;
    if (slot(m, il, role)->data) return jm_fail(err, JM_ERR_INVALID_ARG, "tensor %s is given twice", name);
    int64_t e0, e1;
    expected_shape(m, role, &e0, &e1);
    if (!same_shape(n_dims, ne, e0, e1)) {
        char have[96], need[96];
        return jm_fail(err, JM_ERR_SHAPE, "tensor %s has shape %s, the model's hyper-parameters need %s", name,
                       shape_text(n_dims, ne, have), shape_text(ROLES[role].n_dims, (const int64_t[]){ e0, e1 }, need));
    }
    jm_status st = check_type(name, role, type, e0, e1, data, nbytes, err);
    if (st != JM_OK) return st;
    store_tensor(m, il, role, type, e0, e1, data, nbytes);
    return jm_ok(err);
}

int32_t jm_model_next_missing(const jm_model *m, char *name, int32_t size) {
    if (!m) return 0;
    int32_t layer = -1, role = -1;
    if (!m->global[JM_TENSOR_TOKEN_EMBD].data) role = JM_TENSOR_TOKEN_EMBD;
    else if (!m->global[JM_TENSOR_OUTPUT_NORM].data) role = JM_TENSOR_OUTPUT_NORM; /* output is optional: tied */
    for (int32_t il = 0; role < 0 && il < m->p.n_layer; il++)
        for (int32_t r = JM_TENSOR_ATTN_NORM; role < 0 && r < JM_TENSOR_ROLE_COUNT; r++)
            if (!m->layers[il].t[r].data) layer = il, role = r;
    if (role < 0) return 0;
    if (name && size > 0) {
        char full[64];
        tensor_name(layer, role, full);
        snprintf(name, (size_t)size, "%s", full);
    }
    return 1;
}

jm_status jm_model_finalize(jm_model *m, jm_error *err) {
    if (!m) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_model_finalize: model is NULL");
    if (m->finalized) return jm_fail(err, JM_ERR_STATE, "the model is final already");
    char name[64];
    if (jm_model_next_missing(m, name, sizeof name))
        return jm_fail(err, JM_ERR_MISSING_TENSOR, "tensor %s is missing", name);
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
    jm_status st = m->backend->prepare_model(m, err);
    if (st != JM_OK) return st;
    m->finalized = 1;
    return jm_ok(err);
}
