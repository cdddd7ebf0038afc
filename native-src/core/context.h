/* context.h - what a jm_context holds: workers, kernels and scratch memory. */
#ifndef JM_CONTEXT_H
#define JM_CONTEXT_H

#include "jmamba.h"
#include "threadpool.h"
#include "../kernels/kernels.h"

/* Scratch slots: each op family keeps its own so buffers never alias. */
enum { JM_SCRATCH_SLOTS = 8 };

struct jm_context {
    jm_pool    *pool;
    jm_kernels  kernels;
    void       *scratch[JM_SCRATCH_SLOTS];
    size_t      scratch_size[JM_SCRATCH_SLOTS];
};

/* Returns slot's buffer grown to at least bytes (64-byte aligned), NULL when out of memory. */
void *jm_scratch(jm_context *ctx, int slot, size_t bytes);

#endif
