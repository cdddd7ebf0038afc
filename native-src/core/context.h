/* context.h - what a jm_context holds: workers, kernels and scratch memory. */
#ifndef JM_CONTEXT_H
#define JM_CONTEXT_H

#include "jmamba.h"
#include "threadpool.h"
#include "../kernels/kernels.h"

/* Scratch slots: each user keeps its own so buffers never alias. */
enum {
    JM_SCRATCH_RESIDUAL = 0, /* u: the residual stream         */
    JM_SCRATCH_NORMED   = 1, /* rmsnorm(u) * weight            */
    JM_SCRATCH_PROJ     = 2, /* ssm_in output: z, xBC, dt      */
    JM_SCRATCH_CONV     = 3, /* silu(conv(xBC))                */
    JM_SCRATCH_Y        = 4, /* scan output                    */
    JM_SCRATCH_OUT      = 5, /* ssm_out output                 */
    JM_SCRATCH_MATMUL   = 6, /* activations in the dot format  */
    JM_SCRATCH_BACKUP   = 7, /* state copy for the op API      */
    JM_SCRATCH_SCAN     = 8, /* the chunked scan, per part     */
    JM_SCRATCH_BATCH    = 9, /* a batched step's sequences and token ids */
    JM_SCRATCH_LOGITS   = 10, /* a batched step's logits       */
    JM_SCRATCH_SLOTS    = 11,
};

struct jm_context {
    jm_pool    *pool;
    jm_kernels  kernels;
    void       *scratch[JM_SCRATCH_SLOTS];
    size_t      scratch_size[JM_SCRATCH_SLOTS];
};

/* Returns slot's buffer grown to at least bytes (64-byte aligned), NULL when out of memory. */
void *jm_scratch(jm_context *ctx, int slot, size_t bytes);

#endif
