/*
 * blocks_k.h - the K-quant super-blocks, byte for byte as GGUF stores them
 * (ggml's block_q2_K .. block_q8_K). A super-block holds QK_K = 256 values
 * split into sub-blocks of 16 or 32 whose scales (and mins) are themselves
 * quantized against the fp16 super-block scale d (and dmin).
 *
 * Element order inside a super-block (e = 0..255):
 *   Q2_K  qs[32*(e/128) + e%32] >> (2*((e%128)/32)) & 3, sub-block e/16,
 *         scales[s] = scale (low nibble) | min (high nibble),
 *         x = d*scale*q - dmin*min
 *   Q3_K  low two bits as Q2_K; the third bit is hmask[e%32] bit e/32, and a
 *         clear bit subtracts 4: x = d*(scale-32)*(q - 4*!hbit);
 *         16 six-bit scales: low nibbles in bytes 0..7 (sub-blocks 0..7 in
 *         the low nibbles, 8..15 in the high ones), top two bits in bytes
 *         8..11 (byte 8 + s%4, bit pair s/4)
 *   Q4_K  qs[32*(e/64) + e%32], low nibble when (e%64) < 32 else high,
 *         sub-block e/32, 8 six-bit scales and 8 six-bit mins packed in 12
 *         bytes (see kq_scale_min_k4), x = d*scale*q - dmin*min
 *   Q5_K  as Q4_K plus a fifth bit: qh[e%32] bit e/32
 *   Q6_K  ql[64*(e/128) + e%64] (low nibble when (e%128) < 64 else high),
 *         two high bits qh[32*(e/128) + e%32] >> (2*((e%128)/32)),
 *         int8 scale per 16, x = d*scale*(q - 32)
 *   Q8_K  float d, qs[e], bsums[s] = sum of qs over sub-block s of 16
 */
#ifndef JM_BLOCKS_K_H
#define JM_BLOCKS_K_H

#include <stdint.h>
#include "fp16.h"

#define QK_K 256
#define K_SCALE_SIZE 12

typedef struct {
    uint8_t scales[QK_K / 16]; /* 4-bit scale | 4-bit min << 4, per 16 values */
    uint8_t qs[QK_K / 4];      /* 2-bit quants                                */
    jm_fp16 d;                 /* scale of the scales                         */
    jm_fp16 dmin;              /* scale of the mins                           */
} block_q2_K;

typedef struct {
    uint8_t hmask[QK_K / 8];      /* third bit of each quant                  */
    uint8_t qs[QK_K / 4];         /* low two bits                             */
    uint8_t scales[K_SCALE_SIZE]; /* 16 six-bit scales, offset by 32          */
    jm_fp16 d;
} block_q3_K;

typedef struct {
    jm_fp16 d;
    jm_fp16 dmin;
    uint8_t scales[K_SCALE_SIZE]; /* 8 six-bit scales + 8 six-bit mins        */
    uint8_t qs[QK_K / 2];         /* 4-bit quants                             */
} block_q4_K;

typedef struct {
    jm_fp16 d;
    jm_fp16 dmin;
    uint8_t scales[K_SCALE_SIZE];
    uint8_t qh[QK_K / 8];         /* fifth bit                                */
    uint8_t qs[QK_K / 2];         /* low four bits                            */
} block_q5_K;

typedef struct {
    uint8_t ql[QK_K / 2];      /* low four bits                               */
    uint8_t qh[QK_K / 4];      /* high two bits                               */
    int8_t  scales[QK_K / 16]; /* signed 8-bit scales                         */
    jm_fp16 d;
} block_q6_K;

typedef struct {
    float   d;
    int8_t  qs[QK_K];
    int16_t bsums[QK_K / 16];
} block_q8_K;

_Static_assert(sizeof(block_q2_K) == 84,  "block_q2_K must be 84 bytes");
_Static_assert(sizeof(block_q3_K) == 110, "block_q3_K must be 110 bytes");
_Static_assert(sizeof(block_q4_K) == 144, "block_q4_K must be 144 bytes");
_Static_assert(sizeof(block_q5_K) == 176, "block_q5_K must be 176 bytes");
_Static_assert(sizeof(block_q6_K) == 210, "block_q6_K must be 210 bytes");
_Static_assert(sizeof(block_q8_K) == 292, "block_q8_K must be 292 bytes");

/* The 6-bit scale and min of sub-block j (0..7) of a Q4_K / Q5_K block:
 * sub-blocks 0..3 keep theirs in the low six bits of bytes j and j+4; 4..7
 * keep the low four bits in the nibbles of byte j+4 and the top two bits in
 * the spare top bits of bytes j-4 (scale) and j (min). */
static inline void kq_scale_min_k4(int j, const uint8_t *q, uint8_t *sc, uint8_t *mn) {
    if (j < 4) {
        *sc = q[j] & 63;
        *mn = q[j + 4] & 63;
    } else {
        *sc = (uint8_t)((q[j + 4] & 0x0F) | ((q[j - 4] >> 6) << 4));
        *mn = (uint8_t)((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
    }
}

#endif
