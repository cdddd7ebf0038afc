/*
 * gemm_legacy.h - what the legacy-quant gemm kernels (gemm_legacy_driver.inc
 * and the blocks of each instruction set) know about the block types,
 * T a constant: Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 weights against Q8_0 / Q8_1
 * activations.
 */
#ifndef JM_GEMM_LEGACY_H
#define JM_GEMM_LEGACY_H

#include "../quants/blocks_legacy.h"
#include "kernels.h"

/* Weight block bytes; whether a type has a min (and Q8_1 activations);
   the activation block's bytes and where its quants start. */
JM_ALWAYS_INLINE int64_t lgemm_bx(const int T) {
    switch (T) {
    case JM_TYPE_Q4_0: return sizeof(jm_block_q4_0);
    case JM_TYPE_Q4_1: return sizeof(jm_block_q4_1);
    case JM_TYPE_Q5_0: return sizeof(jm_block_q5_0);
    case JM_TYPE_Q5_1: return sizeof(jm_block_q5_1);
    default:           return sizeof(jm_block_q8_0);
    }
}
JM_ALWAYS_INLINE int lgemm_q81(const int T) {
    return T == JM_TYPE_Q4_1 || T == JM_TYPE_Q5_1;
}
JM_ALWAYS_INLINE int64_t lgemm_by(const int T) {
    return lgemm_q81(T) ? sizeof(jm_block_q8_1) : sizeof(jm_block_q8_0);
}
JM_ALWAYS_INLINE int64_t lgemm_qy(const int T) { return lgemm_q81(T) ? 4 : 2; }
/* quant dwords per block in the packed layout (gemm_pack.c), 0: no packed form */
JM_ALWAYS_INLINE int lgemm_pack_nq(const int T) {
    return T == JM_TYPE_Q4_0 ? 4 : T == JM_TYPE_Q8_0 ? 8 : 0;
}

/* Prepared activation columns, nb blocks a column: the quants xor 0x80
   (lgemm_wants_q), off per block (lgemm_off), the widened d (and s). */
typedef struct {
    uint8_t *q;
    int32_t *off;
    float   *d, *s;
    int64_t  nb;
} lgemm_cols;

#endif
