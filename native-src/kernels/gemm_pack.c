/*
 * gemm_pack.c - weight matrices repacked at load for the gemm kernels that
 * put L rows in the L lanes of a register: L = 16 for AVX-512
 * (kernels/avx512/gemm_legacy_avx512.h, gemm_kquant_avx512.c, kernels/amx/),
 * L = 8 for AVX2 (kernels/avx2/gemm_legacy_avx2.h, gemm_kquant_avx2.c).
 *
 * From the file's layout those kernels gather each block's scales and
 * transpose its quants (lane i = row i's dword k) on every call: more
 * instructions than a decode step's memory traffic leaves time for. The
 * packed copy stores each group of L rows block by block, already in that
 * form, groups one after the other, the last group padded with its last row:
 *   Q4_0, Q8_0: [L x fp16 d][nq x 4L bytes: dword k of row i at 2L + 4Lk + 4i]
 *     (nq = 4 quant dwords for Q4_0, 8 for Q8_0; in 16-row groups Q8_0's
 *     quants are stored xor 0x80, i.e. as w + 128, the unsigned operand of
 *     the AVX-512 decode form; the AVX2 kernels take them signed, as they are)
 *   K-quants: every dword of the block, row i's dword k at 4Lk + 4i, the
 *     block padded with zeros to whole dwords (Q3_K 110 -> 112 bytes, Q6_K
 *     210 -> 212): the kernels' transposes done once, the bytes as they are.
 * The kernels load what they built before and so compute the same bits.
 */
#include <stdlib.h>
#include <string.h>
#include "kernels.h"
#include "../quants/blocks_k.h"

static int quant_dwords(int32_t type) {
    return type == JM_TYPE_Q4_0 ? 4 : type == JM_TYPE_Q8_0 ? 8 : 0;
}

/* the block bytes of a K-quant, 0 for other types */
static int64_t kquant_block_bytes(int32_t type) {
    switch (type) {
    case JM_TYPE_Q2_K: case JM_TYPE_Q3_K: case JM_TYPE_Q4_K: case JM_TYPE_Q5_K: case JM_TYPE_Q6_K:
        return (int64_t)jm_type_traits_get(type)->type_size;
    default:
        return 0;
    }
}

size_t jm_gemm_packed_size(int32_t type, int64_t ne0, int64_t ne1, int lanes) {
    if (ne0 <= 0 || ne1 <= 0 || (lanes != 8 && lanes != 16)) return 0;
    const int64_t groups = (ne1 + lanes - 1) / lanes, kbx = kquant_block_bytes(type);
    if (kbx) return ne0 % QK_K ? 0 : (size_t)(groups * (ne0 / QK_K) * JM_GEMM_KPACKED_BYTES_L(kbx, lanes));
    const int nq = quant_dwords(type);
    if (!nq || ne0 % 32) return 0;
    return (size_t)(groups * (ne0 / 32) * JM_GEMM_PACKED_BYTES_L(nq, lanes));
}

/* K-quants: each block's dwords across the rows of its group */
static void pack_kquant(int64_t bx, const uint8_t *src, int64_t ne0, int64_t ne1, int lanes, uint8_t *out) {
    const int64_t nb = ne0 / QK_K, row_bytes = nb * bx, words = (bx + 3) / 4;
    for (int64_t r0 = 0; r0 < ne1; r0 += lanes)
        for (int64_t b = 0; b < nb; b++, out += JM_GEMM_KPACKED_BYTES_L(bx, lanes))
            for (int i = 0; i < lanes; i++) {
                const int64_t r = r0 + i < ne1 ? r0 + i : ne1 - 1;
                const uint8_t *blk = src + r * row_bytes + b * bx;
                for (int64_t k = 0; k < words; k++) {
                    uint8_t *d = out + 4 * lanes * k + 4 * i;
                    const int64_t n = bx - 4 * k < 4 ? bx - 4 * k : 4;
                    memset(d, 0, 4);
                    memcpy(d, blk + 4 * k, (size_t)n);
                }
            }
}

/* A decode step streams gigabytes of packed weights through the TLB; in
   2 MiB pages the copy also faults in with a 500th of the page faults. */
void *jm_gemm_packed_alloc(size_t bytes) {
    enum { HUGE_PAGE = 2 << 20 };
    const size_t align = bytes >= HUGE_PAGE ? HUGE_PAGE : 64;
    void *p = jm_aligned_alloc(align, (bytes + align - 1) / align * align);
    if (p && align == HUGE_PAGE) jm_advise_huge_pages(p, (bytes + align - 1) / align * align);
    return p;
}

void jm_gemm_pack(int32_t type, const void *src, int64_t ne0, int64_t ne1, int lanes, void *dst) {
    const int64_t kbx = kquant_block_bytes(type);
    if (kbx) {
        pack_kquant(kbx, src, ne0, ne1, lanes, dst);
        return;
    }
    const int nq = quant_dwords(type);
    const int64_t bx = 2 + 4 * nq; /* fp16 d, then the quants */
    const int64_t nb = ne0 / 32, row_bytes = nb * bx;
    const uint8_t flip = type == JM_TYPE_Q8_0 && lanes == 16 ? 0x80 : 0x00;
    uint8_t *out = dst;
    for (int64_t r0 = 0; r0 < ne1; r0 += lanes) {
        for (int64_t b = 0; b < nb; b++, out += JM_GEMM_PACKED_BYTES_L(nq, lanes)) {
            for (int i = 0; i < lanes; i++) {
                const int64_t r = r0 + i < ne1 ? r0 + i : ne1 - 1;
                const uint8_t *blk = (const uint8_t *)src + r * row_bytes + b * bx;
                memcpy(out + 2 * i, blk, 2);
                for (int k = 0; k < nq; k++)
                    for (int j = 0; j < 4; j++) out[2 * lanes + 4 * lanes * k + 4 * i + j] = blk[2 + 4 * k + j] ^ flip;
            }
        }
    }
}
