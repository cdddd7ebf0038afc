/* context.h - what a jm_context holds: workers, kernels, scratch memory and its backend. */
#ifndef JM_CONTEXT_H
#define JM_CONTEXT_H

#include "jmamba.h"
#include "threadpool.h"
#include "../kernels/kernels.h"

/* A buffer that grows on demand, 64-byte aligned. */
typedef struct jm_buffer {
    void   *data;
    size_t  size;
} jm_buffer;

/* Returns b's memory grown to at least bytes (contents not kept), NULL when out of memory. */
void *jm_buffer_reserve(jm_buffer *b, size_t bytes);
void  jm_buffer_free(jm_buffer *b);

/* Scratch slots of the host's ops: each user keeps its own so buffers never alias. */
enum {
    JM_SCRATCH_MATMUL   = 0, /* activations in the dot format  */
    JM_SCRATCH_BACKUP   = 1, /* state copy for the op API      */
    JM_SCRATCH_SCAN     = 2, /* the chunked scan, per part     */
    JM_SCRATCH_BATCH    = 3, /* a batched step's sequences and token ids */
    JM_SCRATCH_SLOTS    = 4,
};

struct jm_backend;

struct jm_context {
    jm_pool    *pool;
    jm_kernels  kernels;
    jm_buffer   scratch[JM_SCRATCH_SLOTS];
    const struct jm_backend *backend;  /* runs the model forward (backend/backend.h) */
    void       *backend_data;          /* the backend's own, from its init           */
};

/* Returns slot's buffer grown to at least bytes (64-byte aligned), NULL when out of memory. */
void *jm_scratch(jm_context *ctx, int slot, size_t bytes);

#endif
