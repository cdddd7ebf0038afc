/*
 * blocks_legacy.h - byte layouts of ggml's "legacy" quantized blocks, as
 * GGUF files store them. 32 values per block; the fp16 fields are IEEE
 * half bits (fp16.h converts them). All fields are byte arrays or 16-bit
 * words, so the structs have no padding and an alignment of 2; kernels load
 * the 16-bit fields with memcpy so a block at any address works.
 *
 *   Q4_0  x = (q - 8) * d             q in 0..15, 4 bits
 *   Q4_1  x = q * d + m               q in 0..15
 *   Q5_0  x = (q - 16) * d            q in 0..31, low 4 bits in qs, 5th in qh
 *   Q5_1  x = q * d + m               q in 0..31
 *   Q8_0  x = q * d                   q in -127..127 (int8)
 *   Q8_1  x = q * d, s = fp16(d * sum(q))   activation format only
 *
 * Nibble order: byte qs[j] holds value j in its low nibble and value j+16
 * in its high nibble. qh is a little-endian 32-bit word whose bit j is the
 * 5th bit of value j.
 */
#ifndef JM_BLOCKS_LEGACY_H
#define JM_BLOCKS_LEGACY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "fp16.h"

#define JM_QK4_0 32
#define JM_QK4_1 32
#define JM_QK5_0 32
#define JM_QK5_1 32
#define JM_QK8_0 32
#define JM_QK8_1 32

typedef struct {
    jm_fp16 d;                 /* scale */
    uint8_t qs[JM_QK4_0 / 2];  /* nibbles */
} jm_block_q4_0;

typedef struct {
    jm_fp16 d;                 /* scale */
    jm_fp16 m;                 /* minimum */
    uint8_t qs[JM_QK4_1 / 2];  /* nibbles */
} jm_block_q4_1;

typedef struct {
    jm_fp16 d;                 /* scale */
    uint8_t qh[4];             /* 5th bits */
    uint8_t qs[JM_QK5_0 / 2];  /* low nibbles */
} jm_block_q5_0;

typedef struct {
    jm_fp16 d;                 /* scale */
    jm_fp16 m;                 /* minimum */
    uint8_t qh[4];             /* 5th bits */
    uint8_t qs[JM_QK5_1 / 2];  /* low nibbles */
} jm_block_q5_1;

typedef struct {
    jm_fp16 d;                 /* scale */
    int8_t  qs[JM_QK8_0];
} jm_block_q8_0;

typedef struct {
    jm_fp16 d;                 /* scale */
    jm_fp16 s;                 /* d * sum(qs), rounded to fp16 */
    int8_t  qs[JM_QK8_1];
} jm_block_q8_1;

_Static_assert(sizeof(jm_block_q4_0) == 18, "block_q4_0 must be 18 bytes");
_Static_assert(sizeof(jm_block_q4_1) == 20, "block_q4_1 must be 20 bytes");
_Static_assert(sizeof(jm_block_q5_0) == 22, "block_q5_0 must be 22 bytes");
_Static_assert(sizeof(jm_block_q5_1) == 24, "block_q5_1 must be 24 bytes");
_Static_assert(sizeof(jm_block_q8_0) == 34, "block_q8_0 must be 34 bytes");
_Static_assert(sizeof(jm_block_q8_1) == 36, "block_q8_1 must be 36 bytes");
_Static_assert(offsetof(jm_block_q5_0, qs) == 6, "block_q5_0 layout");
_Static_assert(offsetof(jm_block_q5_1, qh) == 4, "block_q5_1 layout");
_Static_assert(offsetof(jm_block_q8_1, qs) == 4, "block_q8_1 layout");

/* Alignment-safe reads of a block's 16-bit and 32-bit fields. */
static inline uint16_t jm_rd16(const void *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static inline uint32_t jm_rd32(const void *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static inline float jm_rd_fp16(const void *p) { return jm_fp16_to_f32(jm_rd16(p)); }

#endif
