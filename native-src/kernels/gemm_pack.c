/*
 * gemm_pack.c - Q4_0 and Q8_0 weight matrices repacked at load for the
 * AVX-512 gemm kernels (kernels/avx512/gemm_legacy_avx512.h).
 *
 * Those kernels put 16 rows in the 16 lanes of a register, so from the
 * file's layout they gather each block's scales and transpose its quants
 * (lane i = row i's dword k) on every call: more instructions than a decode
 * step's memory traffic leaves time for. The packed copy stores each group
 * of 16 rows block by block, already in that form:
 *     [16 x fp16 d][nq x 64 bytes: dword k of row i at k * 64 + i * 4]
 * (nq = 4 quant dwords for Q4_0, 8 for Q8_0; Q8_0's quants stored xor 0x80,
 * i.e. as w + 128, the unsigned operand of the kernels' decode form),
 * groups one after the other, the last group padded with its last row. The
 * kernels load what they built before and so compute the same bits.
 */
#include <string.h>
#include "kernels.h"

enum { LANES = 16 };

static int quant_dwords(int32_t type) {
    return type == JM_TYPE_Q4_0 ? 4 : type == JM_TYPE_Q8_0 ? 8 : 0;
}

size_t jm_gemm_packed_size(int32_t type, int64_t ne0, int64_t ne1) {
    const int nq = quant_dwords(type);
    if (!nq || ne0 % 32 || ne0 <= 0 || ne1 <= 0) return 0;
    return (size_t)((ne1 + LANES - 1) / LANES * (ne0 / 32) * JM_GEMM_PACKED_BYTES(nq));
}

void jm_gemm_pack(int32_t type, const void *src, int64_t ne0, int64_t ne1, void *dst) {
    const int nq = quant_dwords(type);
    const int64_t bx = 2 + 4 * nq; /* fp16 d, then the quants */
    const int64_t nb = ne0 / 32, row_bytes = nb * bx;
    const uint8_t flip = type == JM_TYPE_Q8_0 ? 0x80 : 0x00;
    uint8_t *out = dst;
    for (int64_t r0 = 0; r0 < ne1; r0 += LANES) {
        for (int64_t b = 0; b < nb; b++, out += JM_GEMM_PACKED_BYTES(nq)) {
            for (int i = 0; i < LANES; i++) {
                const int64_t r = r0 + i < ne1 ? r0 + i : ne1 - 1;
                const uint8_t *blk = (const uint8_t *)src + r * row_bytes + b * bx;
                memcpy(out + 2 * i, blk, 2);
                for (int k = 0; k < nq; k++)
                    for (int j = 0; j < 4; j++) out[32 + 64 * k + 4 * i + j] = blk[2 + 4 * k + j] ^ flip;
            }
        }
    }
}
