/* model.h - a Mamba-2 model: hyper-parameters and pointers to caller-owned weights. */
#ifndef JM_MODEL_H
#define JM_MODEL_H

#include "jmamba.h"
#include "backend/tensor.h"

typedef struct jm_layer {
    jm_tensor t[JM_TENSOR_ROLE_COUNT]; /* indexed by the per-layer roles */
} jm_layer;

struct jm_model {
    jm_model_params p;
    int64_t   head_dim;   /* d_inner / n_head             */
    int64_t   conv_dim;   /* d_inner + 2 * n_group * N    */
    int64_t   d_in_proj;  /* 2 d_inner + 2 G N + n_head   */
    int64_t   layer_state_floats;
    jm_tensor global[JM_TENSOR_ROLE_COUNT]; /* token_embd, output_norm, output */
    jm_layer *layers;
    float    *conv_w_t;   /* per layer [d_conv][conv_dim]: ssm_conv1d transposed at finalize */
    const struct jm_backend *backend; /* prepares the weights; only its contexts run the model */
    int       finalized;
};

/* Float offsets of one layer's conv and SSM state inside a sequence's state. */
static inline float *jm_layer_conv_state(const jm_model *m, float *state, int32_t il) {
    return state + il * m->layer_state_floats;
}
static inline float *jm_layer_ssm_state(const jm_model *m, float *state, int32_t il) {
    return state + il * m->layer_state_floats + (m->p.d_conv - 1) * m->conv_dim;
}

/* Layer il's conv weights as [d_conv][conv_dim]. */
static inline const float *jm_layer_conv_w_t(const jm_model *m, int32_t il) {
    return m->conv_w_t + (int64_t)il * m->p.d_conv * m->conv_dim;
}

/* The output projection: output.weight, or token_embd.weight when tied. */
const jm_tensor *jm_model_output(const jm_model *m);

#endif
