/*
 * kquant_rows_avx512.h - K-quant super-blocks of 16 weight rows with rows
 * across lanes (the layout of gemm_kquant_avx512.c, whose comment explains
 * it), built from the file's rows or a packed group, and the per-column
 * sums that go with them. Shared by the AVX-512 VNNI kernels and the AMX
 * ones (kernels/amx/gemm_kquant_amx.c), so both see the same integers.
 */
#ifndef JM_KQUANT_ROWS_AVX512_H
#define JM_KQUANT_ROWS_AVX512_H

#include "gemm_legacy_avx512.h"
#include "../../quants/kquant_kernels.h"


enum { KR_STEPS = QK_K / 4 }; /* vpdpbusd steps per super-block */

/* One super-block of a 16-row group, rows across lanes. */
typedef struct {
    __m512i w[KR_STEPS]; /* step k, lane i: row i's quants 4k..4k+3, unsigned */
    __m512 sc[16];       /* d * scale per sub-block (8 of 32, or 16 of 16)     */
    __m512 mn[16];       /* dmin * min per sub-block (Q2_K, Q4_K, Q5_K)        */
} kr_sb;

/* One activation column's super-block, what kr_cols needs beside the
   quants: the Q8_K d, and the bsums per sub-block. */
typedef struct {
    float d;
    float bs[16];     /* with mins: the sum of each sub-block's quants       */
    int32_t off[16];  /* without: -OFF times the sum of each sub-block's ones */
} kr_col;

JM_ALWAYS_INLINE void kr_prep_col(kr_col *p, const block_q8_K *x, const int subblocks, const int mins, const int offset) {
    p->d = x->d;
    for (int j = 0; j < subblocks; j++) {
        const int32_t sum = subblocks == 16 ? x->bsums[j] : x->bsums[2 * j] + x->bsums[2 * j + 1];
        if (mins) p->bs[j] = (float)sum;
        else p->off[j] = -offset * sum;
    }
}
/* =========================================================================
 * Building a super-block of 16 rows, from a packed group or the file's rows.
 */

/* t[k], k < n (4 or 8): dword k from byte off of each row's block b (off a
   multiple of 4 where the group is packed) */
JM_ALWAYS_INLINE void kr_dwords(__m512i *t, const jm_gemm16_rows *g, int64_t b, int64_t bx, int64_t off, const int n) {
    if (g->packed) {
        const uint8_t *p = g->packed + b * JM_GEMM_KPACKED_BYTES(bx) + off * 16;
        for (int k = 0; k < n; k++) t[k] = _mm512_loadu_si512(p + 64 * k);
    } else if (n == 4) {
        jm_gemm16_t16x4(t, g, b * bx + off);
    } else {
        jm_gemm16_t16x8(t, g, b * bx + off);
    }
}

/* The dword at byte off (a multiple of 4) of each row's block b */
JM_ALWAYS_INLINE __m512i kr_dword(const jm_gemm16_rows *g, int64_t b, int64_t bx, int64_t off) {
    if (g->packed) return _mm512_loadu_si512(g->packed + b * JM_GEMM_KPACKED_BYTES(bx) + off * 16);
    return jm_gemm16_gather(g, b * bx + off);
}

/* The fp16 at the even byte off of each row's block b, widened. A dword
   read from the file's rows stays inside the block (the last one of a
   tensor may end a mapping). */
JM_ALWAYS_INLINE __m512 kr_fp16(const jm_gemm16_rows *g, int64_t b, int64_t bx, int64_t off) {
    if (g->packed || off + 4 <= bx) return jm_gemm16_fp16(kr_dword(g, b, bx, off & ~3), (off & 2) != 0);
    return jm_gemm16_fp16(jm_gemm16_gather(g, b * bx + off - 2), 1);
}

/* Q4_K / Q5_K: d, dmin at 0, the 12 scale bytes at 4; six-bit scales and
 * mins as ggml's get_scale_min_k4, lane by lane on bytes 0-3 (S0), 4-7
 * (S1) and 8-11 (S2) */
JM_ALWAYS_INLINE void kr_scales_k4(kr_sb *o, const jm_gemm16_rows *g, int64_t b, int64_t bx) {
    __m512i S[4];
    kr_dwords(S, g, b, bx, 4, 4);
    const __m512i h = kr_dword(g, b, bx, 0);
    const __m512 d = jm_gemm16_fp16(h, 0), dmin = jm_gemm16_fp16(h, 1);
    const __m512i m63 = _mm512_set1_epi32(63), m15 = _mm512_set1_epi32(15), m48 = _mm512_set1_epi32(0x30);
    for (int j = 0; j < 4; j++) {
        const __m512i sc = _mm512_and_si512(_mm512_srli_epi32(S[0], 8 * j), m63);
        const __m512i mn = _mm512_and_si512(_mm512_srli_epi32(S[1], 8 * j), m63);
        const __m512i sc4 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(S[2], 8 * j), m15),
                                            _mm512_and_si512(_mm512_srli_epi32(S[0], 8 * j + 2), m48));
        const __m512i mn4 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(S[2], 8 * j + 4), m15),
                                            _mm512_and_si512(_mm512_srli_epi32(S[1], 8 * j + 2), m48));
        o->sc[j] = _mm512_mul_ps(_mm512_cvtepi32_ps(sc), d);
        o->mn[j] = _mm512_mul_ps(_mm512_cvtepi32_ps(mn), dmin);
        o->sc[4 + j] = _mm512_mul_ps(_mm512_cvtepi32_ps(sc4), d);
        o->mn[4 + j] = _mm512_mul_ps(_mm512_cvtepi32_ps(mn4), dmin);
    }
}

/* Q4_K / Q5_K nibbles: qs byte 32p + l holds quant 64p + l (low nibble,
 * sub-block 2p) and 64p + 32 + l (high, sub-block 2p + 1): step k of
 * sub-block j from the 8 qs dwords t of its pair */
JM_ALWAYS_INLINE __m512i kr_nib_step(const __m512i *t, int j, int k) {
    return _mm512_and_si512(j & 1 ? _mm512_srli_epi16(t[k], 4) : t[k], _mm512_set1_epi8(0x0F));
}

JM_ALWAYS_INLINE void kr_nibbles_k4(kr_sb *o, const jm_gemm16_rows *g, int64_t b, int64_t bx, int64_t qs) {
    for (int p = 0; p < 4; p++) {
        __m512i t[8];
        kr_dwords(t, g, b, bx, qs + 32 * p, 8);
        for (int k = 0; k < 16; k++) o->w[16 * p + k] = kr_nib_step(t, 2 * p + k / 8, k % 8);
    }
}

JM_ALWAYS_INLINE void kr_build_q4_K(kr_sb *o, const jm_gemm16_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q4_K);
    kr_nibbles_k4(o, g, b, bx, offsetof(block_q4_K, qs));
    kr_scales_k4(o, g, b, bx);
}

/* |= (b & m) */
#define KR_OR_MASKED(a, b, m) _mm512_ternarylogic_epi32((a), (b), (m), 0xF8)

/* w[k] |= bit k / 8 of each byte of h[k % 8], moved to bit pos: the top
 * bit of Q5_K (pos 4) and Q3_K (pos 2) quants, which sits in bit j of a
 * byte for sub-block j of 32 (the mask drops what the shift moves across
 * bytes) */
JM_ALWAYS_INLINE __m512i kr_high_bit_step(__m512i w, const __m512i h[8], int k, const int pos) {
    const int bit = k / 8;
    const __m512i hb = bit <= pos ? _mm512_slli_epi32(h[k % 8], pos - bit) : _mm512_srli_epi32(h[k % 8], bit - pos);
    return KR_OR_MASKED(w, hb, _mm512_set1_epi8((char)(1 << pos)));
}

JM_ALWAYS_INLINE void kr_or_high_bit(kr_sb *o, const __m512i h[8], const int pos) {
    for (int k = 0; k < KR_STEPS; k++) o->w[k] = kr_high_bit_step(o->w[k], h, k, pos);
}

/* Q5_K: the fifth bit of quant 32j + l is bit j of qh[l] */
JM_ALWAYS_INLINE void kr_build_q5_K(kr_sb *o, const jm_gemm16_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q5_K);
    kr_nibbles_k4(o, g, b, bx, offsetof(block_q5_K, qs));
    __m512i h[8];
    kr_dwords(h, g, b, bx, offsetof(block_q5_K, qh), 8);
    kr_or_high_bit(o, h, 4);
    kr_scales_k4(o, g, b, bx);
}

/* Q6_K: quant 128h + 32g + l has its low four bits in ql[64h + 32(g & 1) + l]
 * (high nibble when g >= 2) and its top two in qh[32h + l] bits 2g, 2g + 1;
 * stored q + 32 in 0..63, with int8 scales per 16 quants */
/* Q6_K step k of 32-quant sub-block 4h + gg, from the half's ql dwords lo
 * (ql bytes 64h + 32(gg % 2)) and the qh dwords hi (qh bytes 32h) */
JM_ALWAYS_INLINE __m512i kr_q6_step(const __m512i *lo, const __m512i *hi, int gg, int k) {
    const __m512i l4 = _mm512_and_si512(gg >= 2 ? _mm512_srli_epi16(lo[k], 4) : lo[k], _mm512_set1_epi8(0x0F));
    const __m512i h2 = gg < 2 ? _mm512_slli_epi32(hi[k], 4 - 2 * gg) : gg == 2 ? hi[k] : _mm512_srli_epi32(hi[k], 2);
    return KR_OR_MASKED(l4, h2, _mm512_set1_epi8(0x30));
}

/* the ql and qh dwords of half h (quants 128h..128h + 127) */
JM_ALWAYS_INLINE void kr_q6_half(__m512i lo[2][8], __m512i hi[8], const jm_gemm16_rows *g, int64_t b, int h) {
    const int64_t bx = sizeof(block_q6_K);
    kr_dwords(hi, g, b, bx, offsetof(block_q6_K, qh) + 32 * h, 8);
    for (int half = 0; half < 2; half++) kr_dwords(lo[half], g, b, bx, offsetof(block_q6_K, ql) + 64 * h + 32 * half, 8);
}

/* Q6_K: int8 scales per 16 quants times d (the fp16 at 208) */
JM_ALWAYS_INLINE void kr_scales_q6(kr_sb *o, const jm_gemm16_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q6_K);
    __m512i S[4];
    kr_dwords(S, g, b, bx, offsetof(block_q6_K, scales), 4);
    const __m512 d = kr_fp16(g, b, bx, offsetof(block_q6_K, d));
    for (int s = 0; s < 16; s++) {
        const __m512i v = _mm512_srai_epi32(_mm512_slli_epi32(S[s / 4], 24 - 8 * (s % 4)), 24);
        o->sc[s] = _mm512_mul_ps(_mm512_cvtepi32_ps(v), d);
    }
}

JM_ALWAYS_INLINE void kr_build_q6_K(kr_sb *o, const jm_gemm16_rows *g, int64_t b) {
    for (int h = 0; h < 2; h++) {
        __m512i lo[2][8], hi[8];
        kr_q6_half(lo, hi, g, b, h);
        for (int gg = 0; gg < 4; gg++)
            for (int k = 0; k < 8; k++) o->w[8 * (4 * h + gg) + k] = kr_q6_step(lo[gg % 2], hi, gg, k);
    }
    kr_scales_q6(o, g, b);
}

/* Q2_K / Q3_K two-bit quants: quant 128h + 32g + l is qs[32h + l] bits 2g,
 * 2g + 1, so step 32h + 8g + k takes them from qs dword 8h + k */
JM_ALWAYS_INLINE void kr_two_bits(kr_sb *o, const jm_gemm16_rows *g, int64_t b, int64_t bx, int64_t qs) {
    const __m512i m3 = _mm512_set1_epi8(3);
    for (int h = 0; h < 2; h++) {
        __m512i t[8];
        kr_dwords(t, g, b, bx, qs + 32 * h, 8);
        for (int gg = 0; gg < 4; gg++)
            for (int k = 0; k < 8; k++)
                o->w[32 * h + 8 * gg + k] = _mm512_and_si512(_mm512_srli_epi32(t[k], 2 * gg), m3);
    }
}

/* Q2_K: a byte per sub-block of 16, scale in the low nibble and min in the
 * high one; d, dmin at 80 */
JM_ALWAYS_INLINE void kr_build_q2_K(kr_sb *o, const jm_gemm16_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q2_K);
    kr_two_bits(o, g, b, bx, offsetof(block_q2_K, qs));
    __m512i S[4];
    kr_dwords(S, g, b, bx, offsetof(block_q2_K, scales), 4);
    const __m512i h = kr_dword(g, b, bx, offsetof(block_q2_K, d));
    const __m512 d = jm_gemm16_fp16(h, 0), dmin = jm_gemm16_fp16(h, 1);
    const __m512i m15 = _mm512_set1_epi32(15);
    for (int j = 0; j < 16; j++) {
        const __m512i v = _mm512_srli_epi32(S[j / 4], 8 * (j % 4));
        o->sc[j] = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_and_si512(v, m15)), d);
        o->mn[j] = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_and_si512(_mm512_srli_epi32(v, 4), m15)), dmin);
    }
}

/* Q3_K: quant e is its two bits plus 4 times bit e / 32 of hmask[e % 32],
 * stored so in 0..7 (q + 4); six-bit scales minus 32, packed as ggml's
 * kmask1 / kmask2 unpacking reads them, lane by lane */
JM_ALWAYS_INLINE void kr_build_q3_K(kr_sb *o, const jm_gemm16_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q3_K);
    kr_two_bits(o, g, b, bx, offsetof(block_q3_K, qs));
    __m512i hm[8];
    kr_dwords(hm, g, b, bx, offsetof(block_q3_K, hmask), 8);
    kr_or_high_bit(o, hm, 2);
    /* the 12 scale bytes at 96; from the file's rows, from the 16 at 94
       (the block ends at 110): scale dword i is D[i] >> 16 | D[i + 1] << 16 */
    __m512i D[4], a[4];
    if (g->packed) {
        kr_dwords(a, g, b, bx, offsetof(block_q3_K, scales), 4);
    } else {
        jm_gemm16_t16x4(D, g, b * bx + offsetof(block_q3_K, scales) - 2);
        for (int i = 0; i < 3; i++) a[i] = _mm512_or_si512(_mm512_srli_epi32(D[i], 16), _mm512_slli_epi32(D[i + 1], 16));
    }
    const __m512i k1 = _mm512_set1_epi32(0x03030303), k2 = _mm512_set1_epi32(0x0f0f0f0f);
    const __m512i tmp = a[2];
    a[2] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(a[0], 4), k2),
                           _mm512_slli_epi32(_mm512_and_si512(_mm512_srli_epi32(tmp, 4), k1), 4));
    a[3] = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi32(a[1], 4), k2),
                           _mm512_slli_epi32(_mm512_and_si512(_mm512_srli_epi32(tmp, 6), k1), 4));
    a[0] = _mm512_or_si512(_mm512_and_si512(a[0], k2), _mm512_slli_epi32(_mm512_and_si512(tmp, k1), 4));
    a[1] = _mm512_or_si512(_mm512_and_si512(a[1], k2),
                           _mm512_slli_epi32(_mm512_and_si512(_mm512_srli_epi32(tmp, 2), k1), 4));
    const __m512 d = kr_fp16(g, b, bx, offsetof(block_q3_K, d));
    const __m512i m63 = _mm512_set1_epi32(63), m32 = _mm512_set1_epi32(32);
    for (int j = 0; j < 16; j++) {
        const __m512i v = _mm512_and_si512(_mm512_srli_epi32(a[j / 4], 8 * (j % 4)), m63);
        o->sc[j] = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_sub_epi32(v, m32)), d);
    }
}

static inline void kr_rows(jm_gemm16_rows *g, const jm_gemm_args *a, int64_t r, int nrows, int64_t bx) {
    g->row_bytes = a->w_row_bytes;
    g->packed = jm_gemm_packed_group(a, r, JM_GEMM16_LANES, a->n / QK_K, JM_GEMM_KPACKED_BYTES(bx));
    for (int i = 0; i < JM_GEMM16_LANES; i++)
        g->p[i] = (const uint8_t *)a->w + (r + (i < nrows ? i : nrows - 1)) * a->w_row_bytes;
}

#endif
