/* context.c - create/free a context; its scratch buffers grow on demand. */
#include <stdlib.h>
#include "context.h"
#include "error.h"
#include "platform.h"
#include "backend/backend.h"

#define JM_MAX_THREADS 512

jm_context_params jm_context_default_params(void) {
    jm_context_params p = { .n_threads = 0, .cpu_features_mask = 0xFFFFFFFFu, .backend = NULL };
    return p;
}

jm_status jm_context_create(const jm_context_params *params, jm_context **out, jm_error *err) {
    if (!out) return jm_fail(err, JM_ERR_INVALID_ARG, "jm_context_create: out is NULL");
    *out = NULL;
    jm_context_params p = params ? *params : jm_context_default_params();
    const jm_backend *backend;
    jm_status st = jm_backend_find(p.backend, &backend, err);
    if (st != JM_OK) return st;
    int n = p.n_threads > 0 ? p.n_threads : jm_cores_online();
    if (n > JM_MAX_THREADS)
        return jm_fail(err, JM_ERR_INVALID_ARG, "n_threads %d is above the limit of %d", n, JM_MAX_THREADS);
    jm_context *ctx = calloc(1, sizeof *ctx);
    if (!ctx) return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "out of memory for the context");
    ctx->pool = jm_pool_create(n);
    if (!ctx->pool) {
        free(ctx);
        return jm_fail(err, JM_ERR_OUT_OF_MEMORY, "could not start %d threads", n);
    }
    jm_kernels_init(&ctx->kernels, jm_cpu_features() & p.cpu_features_mask);
    ctx->backend = backend;
    st = ctx->backend->init(ctx, err);
    if (st != JM_OK) {
        jm_pool_free(ctx->pool);
        free(ctx);
        return st;
    }
    *out = ctx;
    return jm_ok(err);
}

void jm_context_free(jm_context *ctx) {
    if (!ctx) return;
    ctx->backend->free(ctx);
    jm_pool_free(ctx->pool);
    for (int i = 0; i < JM_SCRATCH_SLOTS; i++) jm_buffer_free(&ctx->scratch[i]);
    free(ctx);
}

int32_t jm_context_n_threads(const jm_context *ctx) { return ctx ? jm_pool_size(ctx->pool) : 0; }
int32_t jm_context_kernel_level(const jm_context *ctx) { return ctx ? ctx->kernels.level : 0; }
uint32_t jm_context_features(const jm_context *ctx) { return ctx ? ctx->kernels.features : 0; }

void *jm_buffer_reserve(jm_buffer *b, size_t bytes) {
    if (bytes <= b->size) return b->data;
    size_t size = (bytes + 63) & ~(size_t)63;
    void *p = jm_aligned_alloc(64, size);
    if (!p) return NULL;
    jm_aligned_free(b->data);
    b->data = p;
    b->size = size;
    return p;
}

void jm_buffer_free(jm_buffer *b) {
    jm_aligned_free(b->data);
    b->data = NULL;
    b->size = 0;
}

void *jm_scratch(jm_context *ctx, int slot, size_t bytes) { return jm_buffer_reserve(&ctx->scratch[slot], bytes); }
