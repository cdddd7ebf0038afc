/*
 * gemm_kquant_avx512.c - tiled K-quant x Q8_K products (jm_gemm_fn) with
 * rows across lanes, AVX-512 VNNI: Q2_K, Q3_K, Q4_K, Q5_K and Q6_K.
 *
 * As in the legacy kernels (gemm_legacy_avx512.h), 16 weight rows sit in
 * the 16 int32 lanes of a zmm: step k (k = 0..63) of a super-block holds,
 * in lane i, row i's quants 4k..4k+3 as unsigned bytes, and
 *     s = vpdpbusd(s, w[k], broadcast(y[4k..4k+3]))
 * adds four products for all 16 rows, the activation dword coming from
 * memory as an embedded broadcast. A sub-block (32 quants: 8 steps, for
 * Q4_K and Q5_K; 16 quants: 4 steps, for the others) ends in exact int32
 * sums for all rows, which one convert and one fma scale by d * scale of
 * each row's sub-block. Per 16 rows, super-block and column that is 64
 * vpdpbusd and 8 or 16 convert + fma: the legacy kernels' density, where a
 * lane per sub-block (one row at a time) needs a whole float step per 256
 * products.
 *
 * Per (row, column) and super-block the float sequence is
 *     t = sum over sub-blocks j, in order, of float(s_j) * (d * sc_j)
 *     t -= dmin * m_j * bsum_j, j in order   (Q2_K, Q4_K, Q5_K: the mins)
 *     acc = fma(t, d_y, acc)
 * with s_j starting from -OFF * bsum_j for Q6_K (OFF 32) and Q3_K (OFF 4),
 * whose quants are stored q + OFF. Every tile shape, row split and column count runs that one
 * always-inlined sequence (kr_cols), so (r, c) has the same bits however
 * it was computed: the contract of jm_gemm_fn.
 *
 * The weights come transposed from a packed copy (gemm_pack.c: each dword
 * of the 16 rows' blocks, lane by lane), or are transposed here from the
 * file's rows: once per 16-row group into a buffer for a batch of columns,
 * or per super-block in the loop for decode, which streams the rows from
 * memory with software prefetch ahead (see gemm_legacy_avx512.h for why).
 * Both give the same integers, and so the same bits.
 */
#include "gemm_legacy_avx512.h"
#include "../../quants/kquant_kernels.h"

#define KR_INLINE static inline __attribute__((always_inline))

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

KR_INLINE void kr_prep_col(kr_col *p, const block_q8_K *x, const int NS, const int MINS, const int OFF) {
    p->d = x->d;
    for (int j = 0; j < NS; j++) {
        const int32_t sum = NS == 16 ? x->bsums[j] : x->bsums[2 * j] + x->bsums[2 * j + 1];
        if (MINS) p->bs[j] = (float)sum;
        else p->off[j] = -OFF * sum;
    }
}

/*
 * C columns of one super-block: x[v] the column's Q8_K block, p[v * ps]
 * its prepared sums, acc[v] its accumulator. NS sub-blocks of QK_K / NS; MINS
 * for Q4_K / Q5_K. The sub-block's weights stay in registers for all the
 * columns.
 */
KR_INLINE void kr_cols(const kr_sb *w, const block_q8_K *const *x, const kr_col *p, int64_t ps, __m512 *acc,
                       const int C, const int NS, const int MINS) {
    enum { KMAX = 8 };
    const int KS = KR_STEPS / NS;
    __m512 t[8];
    for (int j = 0; j < NS; j++) {
        __m512i wj[KMAX];
        for (int k = 0; k < KS; k++) wj[k] = w->w[KS * j + k];
        for (int v = 0; v < C; v++) {
            const int32_t *q = (const int32_t *)x[v]->qs + KS * j;
            __m512i s = MINS ? _mm512_setzero_si512() : _mm512_set1_epi32(p[v * ps].off[j]);
            if (C < 4) { /* two chains when few columns give the out-of-order core little else */
                __m512i s1 = _mm512_setzero_si512();
                for (int k = 0; k < KS; k += 2) {
                    s = _mm512_dpbusd_epi32(s, wj[k], _mm512_set1_epi32(q[k]));
                    s1 = _mm512_dpbusd_epi32(s1, wj[k + 1], _mm512_set1_epi32(q[k + 1]));
                }
                s = _mm512_add_epi32(s, s1);
            } else {
                for (int k = 0; k < KS; k++) s = _mm512_dpbusd_epi32(s, wj[k], _mm512_set1_epi32(q[k]));
            }
            const __m512 f = _mm512_cvtepi32_ps(s);
            t[v] = j == 0 ? _mm512_mul_ps(f, w->sc[0]) : _mm512_fmadd_ps(f, w->sc[j], t[v]);
        }
    }
    for (int v = 0; v < C; v++) {
        if (MINS)
            for (int j = 0; j < NS; j++) t[v] = _mm512_fnmadd_ps(w->mn[j], _mm512_set1_ps(p[v * ps].bs[j]), t[v]);
        acc[v] = _mm512_fmadd_ps(t[v], _mm512_set1_ps(p[v * ps].d), acc[v]);
    }
}

/* =========================================================================
 * Building a super-block of 16 rows, from a packed group or the file's rows.
 */

/* t[k], k < n (4 or 8): dword k from byte off of each row's block b (off a
   multiple of 4 where the group is packed) */
KR_INLINE void kr_dwords(__m512i *t, const jm_gemm_rows *g, int64_t b, int64_t bx, int64_t off, const int n) {
    if (g->packed) {
        const uint8_t *p = g->packed + b * JM_GEMM_KPACKED_BYTES(bx) + off * 16;
        for (int k = 0; k < n; k++) t[k] = _mm512_loadu_si512(p + 64 * k);
    } else if (n == 4) {
        jm_gemm_t16x4(t, g, b * bx + off);
    } else {
        jm_gemm_t16x8(t, g, b * bx + off);
    }
}

/* The dword at byte off (a multiple of 4) of each row's block b */
KR_INLINE __m512i kr_dword(const jm_gemm_rows *g, int64_t b, int64_t bx, int64_t off) {
    if (g->packed) return _mm512_loadu_si512(g->packed + b * JM_GEMM_KPACKED_BYTES(bx) + off * 16);
    return jm_gemm_gather(g, b * bx + off);
}

/* The fp16 at the even byte off of each row's block b, widened. A dword
   read from the file's rows stays inside the block (the last one of a
   tensor may end a mapping). */
KR_INLINE __m512 kr_fp16(const jm_gemm_rows *g, int64_t b, int64_t bx, int64_t off) {
    if (g->packed || off + 4 <= bx) return jm_gemm_fp16(kr_dword(g, b, bx, off & ~3), (off & 2) != 0);
    return jm_gemm_fp16(jm_gemm_gather(g, b * bx + off - 2), 1);
}

/* Q4_K / Q5_K: d, dmin at 0, the 12 scale bytes at 4; six-bit scales and
 * mins as ggml's get_scale_min_k4, lane by lane on bytes 0-3 (S0), 4-7
 * (S1) and 8-11 (S2) */
KR_INLINE void kr_scales_k4(kr_sb *o, const jm_gemm_rows *g, int64_t b, int64_t bx) {
    __m512i S[4];
    kr_dwords(S, g, b, bx, 4, 4);
    const __m512i h = kr_dword(g, b, bx, 0);
    const __m512 d = jm_gemm_fp16(h, 0), dmin = jm_gemm_fp16(h, 1);
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
 * sub-block 2p) and 64p + 32 + l (high, sub-block 2p + 1) */
KR_INLINE void kr_nibbles_k4(kr_sb *o, const jm_gemm_rows *g, int64_t b, int64_t bx, int64_t qs) {
    const __m512i m4 = _mm512_set1_epi8(0x0F);
    for (int p = 0; p < 4; p++) {
        __m512i t[8];
        kr_dwords(t, g, b, bx, qs + 32 * p, 8);
        for (int k = 0; k < 8; k++) {
            o->w[16 * p + k] = _mm512_and_si512(t[k], m4);
            o->w[16 * p + 8 + k] = _mm512_and_si512(_mm512_srli_epi16(t[k], 4), m4);
        }
    }
}

KR_INLINE void kr_build_q4_K(kr_sb *o, const jm_gemm_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q4_K);
    kr_nibbles_k4(o, g, b, bx, offsetof(block_q4_K, qs));
    kr_scales_k4(o, g, b, bx);
}

/* |= (b & m) */
#define KR_OR_MASKED(a, b, m) _mm512_ternarylogic_epi32((a), (b), (m), 0xF8)

/* Q5_K: the fifth bit of quant 32j + l is bit j of qh[l] */
KR_INLINE void kr_build_q5_K(kr_sb *o, const jm_gemm_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q5_K);
    kr_nibbles_k4(o, g, b, bx, offsetof(block_q5_K, qs));
    __m512i h[8];
    kr_dwords(h, g, b, bx, offsetof(block_q5_K, qh), 8);
    const __m512i m16 = _mm512_set1_epi8(0x10);
    for (int j = 0; j < 8; j++)
        for (int k = 0; k < 8; k++) {
            /* bit j of each byte to bit 4 (the mask drops what crosses bytes) */
            const __m512i hb = j <= 4 ? _mm512_slli_epi32(h[k], 4 - j) : _mm512_srli_epi32(h[k], j - 4);
            o->w[8 * j + k] = KR_OR_MASKED(o->w[8 * j + k], hb, m16);
        }
    kr_scales_k4(o, g, b, bx);
}

/* Q6_K: quant 128h + 32g + l has its low four bits in ql[64h + 32(g & 1) + l]
 * (high nibble when g >= 2) and its top two in qh[32h + l] bits 2g, 2g + 1;
 * stored q + 32 in 0..63, with int8 scales per 16 quants */
KR_INLINE void kr_build_q6_K(kr_sb *o, const jm_gemm_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q6_K);
    const __m512i m4 = _mm512_set1_epi8(0x0F), m48 = _mm512_set1_epi8(0x30);
    for (int h = 0; h < 2; h++) {
        __m512i hi[8];
        kr_dwords(hi, g, b, bx, offsetof(block_q6_K, qh) + 32 * h, 8);
        for (int half = 0; half < 2; half++) { /* ql bytes 64h + 32 half: g = half, half + 2 */
            __m512i lo[8];
            kr_dwords(lo, g, b, bx, offsetof(block_q6_K, ql) + 64 * h + 32 * half, 8);
            for (int n = 0; n < 2; n++) {
                const int gg = half + 2 * n, j = 4 * h + gg;
                for (int k = 0; k < 8; k++) {
                    const __m512i l4 = _mm512_and_si512(n ? _mm512_srli_epi16(lo[k], 4) : lo[k], m4);
                    const __m512i h2 = gg < 2 ? _mm512_slli_epi32(hi[k], 4 - 2 * gg)
                                              : gg == 2 ? hi[k] : _mm512_srli_epi32(hi[k], 2);
                    o->w[8 * j + k] = KR_OR_MASKED(l4, h2, m48);
                }
            }
        }
    }
    __m512i S[4];
    kr_dwords(S, g, b, bx, offsetof(block_q6_K, scales), 4);
    const __m512 d = kr_fp16(g, b, bx, offsetof(block_q6_K, d));
    for (int s = 0; s < 16; s++) {
        const __m512i v = _mm512_srai_epi32(_mm512_slli_epi32(S[s / 4], 24 - 8 * (s % 4)), 24);
        o->sc[s] = _mm512_mul_ps(_mm512_cvtepi32_ps(v), d);
    }
}

/* Q2_K / Q3_K two-bit quants: quant 128h + 32g + l is qs[32h + l] bits 2g,
 * 2g + 1, so step 32h + 8g + k takes them from qs dword 8h + k */
KR_INLINE void kr_two_bits(kr_sb *o, const jm_gemm_rows *g, int64_t b, int64_t bx, int64_t qs) {
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
KR_INLINE void kr_build_q2_K(kr_sb *o, const jm_gemm_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q2_K);
    kr_two_bits(o, g, b, bx, offsetof(block_q2_K, qs));
    __m512i S[4];
    kr_dwords(S, g, b, bx, offsetof(block_q2_K, scales), 4);
    const __m512i h = kr_dword(g, b, bx, offsetof(block_q2_K, d));
    const __m512 d = jm_gemm_fp16(h, 0), dmin = jm_gemm_fp16(h, 1);
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
KR_INLINE void kr_build_q3_K(kr_sb *o, const jm_gemm_rows *g, int64_t b) {
    const int64_t bx = sizeof(block_q3_K);
    kr_two_bits(o, g, b, bx, offsetof(block_q3_K, qs));
    __m512i hm[8];
    kr_dwords(hm, g, b, bx, offsetof(block_q3_K, hmask), 8);
    const __m512i m04 = _mm512_set1_epi8(4);
    for (int k = 0; k < KR_STEPS; k++) {
        const int bit = k / 8; /* to bit 2 (the mask drops what crosses bytes) */
        const __m512i hb = bit <= 2 ? _mm512_slli_epi32(hm[k % 8], 2 - bit) : _mm512_srli_epi32(hm[k % 8], bit - 2);
        o->w[k] = KR_OR_MASKED(o->w[k], hb, m04);
    }
    /* the 12 scale bytes at 96; from the file's rows, from the 16 at 94
       (the block ends at 110): scale dword i is D[i] >> 16 | D[i + 1] << 16 */
    __m512i D[4], a[4];
    if (g->packed) {
        kr_dwords(a, g, b, bx, offsetof(block_q3_K, scales), 4);
    } else {
        jm_gemm_t16x4(D, g, b * bx + offsetof(block_q3_K, scales) - 2);
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

/* Decode streams 16 rows from memory: prefetch each JM_GEMM_PF_BYTES ahead,
   a line per 64 bytes of the block, on into the next group near the end;
   a packed group is one stream */
KR_INLINE void kr_prefetch(const jm_gemm_rows *g, int64_t b, int64_t bx) {
    if (g->packed) {
        jm_gemm_prefetch_packed(g, b, JM_GEMM_KPACKED_BYTES(bx));
        return;
    }
    int64_t o = b * bx + JM_GEMM_PF_BYTES;
    if (o >= g->row_bytes) o += (JM_GEMM_LANES - 1) * g->row_bytes;
    for (int i = 0; i < JM_GEMM_LANES; i++)
        for (int64_t l = 0; l < bx; l += 64) _mm_prefetch((const char *)g->p[i] + o + l, _MM_HINT_T0);
}

/* =========================================================================
 * Tiles and the kernels. KR_KERNEL(T, BLK, NS, MINS, OFF) defines
 * jm_gemm_T_avx512vnni.
 */
enum { KR_CT = 16,     /* columns prepared at a time in batches             */
       KR_CHUNK = 4,   /* row groups transposed at a time in batches        */
       KR_BATCH = 4 }; /* from this many columns, weights go to a buffer    */

static void kr_rows(jm_gemm_rows *g, const jm_gemm_args *a, int64_t r, int nrows, int64_t bx) {
    g->row_bytes = a->w_row_bytes;
    /* packed groups start at multiples of 16 rows, as the matmul's ranges do */
    g->packed = a->w_packed && r % JM_GEMM_LANES == 0
                    ? (const uint8_t *)a->w_packed + r / JM_GEMM_LANES * (a->n / QK_K) * JM_GEMM_KPACKED_BYTES(bx)
                    : NULL;
    for (int i = 0; i < JM_GEMM_LANES; i++)
        g->p[i] = (const uint8_t *)a->w + (r + (i < nrows ? i : nrows - 1)) * a->w_row_bytes;
}

KR_INLINE void kr_store(const jm_gemm_args *a, int64_t r, int nrows, int64_t c, const __m512 *acc, const int C) {
    const __mmask16 m = (__mmask16)((1u << nrows) - 1);
    for (int v = 0; v < C; v++) _mm512_mask_storeu_ps(a->y + (c + v) * a->y_stride + r, m, acc[v]);
}

#define KR_KERNEL(T, BLK, NS, MINS, OFF)                                                                         \
    /* C columns from c, weights from wb (nb super-blocks), sums from pc (tile column v = pc column v0 + v) */ \
    KR_INLINE void kr_tile_##T(const jm_gemm_args *a, int64_t r, int nrows, int64_t c, const kr_sb *wb,      \
                               const kr_col *pc, int64_t v0, const int C) {                                 \
        const int64_t nb = a->n / QK_K;                                                                     \
        __m512 acc[8];                                                                                      \
        for (int v = 0; v < C; v++) acc[v] = _mm512_setzero_ps();                                           \
        for (int64_t i = 0; i < nb; i++) {                                                                  \
            const block_q8_K *x[8];                                                                         \
            for (int v = 0; v < C; v++)                                                                     \
                x[v] = (const block_q8_K *)((const char *)a->act + (c + v) * a->act_stride) + i;            \
            kr_cols(wb + i, x, pc + v0 * nb + i, nb, acc, C, NS, MINS);                                     \
        }                                                                                                   \
        kr_store(a, r, nrows, c, acc, C);                                                                   \
    }                                                                                                       \
    static void kr_tile8_##T(const jm_gemm_args *a, int64_t r, int nrows, int64_t c, const kr_sb *wb,       \
                             const kr_col *pc, int64_t v0) { kr_tile_##T(a, r, nrows, c, wb, pc, v0, 8); }  \
    static void kr_tile4_##T(const jm_gemm_args *a, int64_t r, int nrows, int64_t c, const kr_sb *wb,       \
                             const kr_col *pc, int64_t v0) { kr_tile_##T(a, r, nrows, c, wb, pc, v0, 4); }  \
    static void kr_tile1_##T(const jm_gemm_args *a, int64_t r, int nrows, int64_t c, const kr_sb *wb,       \
                             const kr_col *pc, int64_t v0) { kr_tile_##T(a, r, nrows, c, wb, pc, v0, 1); }  \
    /* decode: each super-block built in the loop for all C (< KR_BATCH) columns */                       \
    KR_INLINE void kr_stream_##T(const jm_gemm_args *a, const jm_gemm_rows *g, int64_t r, int nrows, const int C) { \
        const int64_t nb = a->n / QK_K;                                                                     \
        __m512 acc[KR_BATCH];                                                                               \
        for (int v = 0; v < C; v++) acc[v] = _mm512_setzero_ps();                                           \
        for (int64_t i = 0; i < nb; i++) {                                                                  \
            kr_sb w;                                                                                        \
            kr_prefetch(g, i, sizeof(BLK));                                                                 \
            kr_build_##T(&w, g, i);                                                                         \
            const block_q8_K *x[KR_BATCH];                                                                  \
            kr_col p[KR_BATCH];                                                                             \
            for (int v = 0; v < C; v++) {                                                                   \
                x[v] = (const block_q8_K *)((const char *)a->act + v * a->act_stride) + i;                  \
                kr_prep_col(&p[v], x[v], NS, MINS, OFF);                                                             \
            }                                                                                               \
            kr_cols(&w, x, p, 1, acc, C, NS, MINS);                                                            \
        }                                                                                                   \
        kr_store(a, r, nrows, 0, acc, C);                                                                   \
    }                                                                                                       \
    static void kr_decode_##T(const jm_gemm_args *a, int64_t r0, int64_t r1) {                              \
        for (int64_t r = r0; r < r1; r += JM_GEMM_LANES) {                                                  \
            const int nrows = (int)(r1 - r < JM_GEMM_LANES ? r1 - r : JM_GEMM_LANES);                      \
            jm_gemm_rows g;                                                                                 \
            kr_rows(&g, a, r, nrows, sizeof(BLK));                                                                       \
            switch (a->n_cols) {                                                                            \
            case 1: kr_stream_##T(a, &g, r, nrows, 1); break;                                               \
            case 2: kr_stream_##T(a, &g, r, nrows, 2); break;                                               \
            default: kr_stream_##T(a, &g, r, nrows, 3); break;                                              \
            }                                                                                               \
        }                                                                                                   \
    }                                                                                                       \
    void jm_gemm_##T##_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) {                          \
        _Static_assert(KR_BATCH == 4, "kr_decode handles 1 to 3 columns");                                  \
        const int64_t nb = a->n / QK_K;                                                                     \
        if (a->n_cols <= 0 || r1 <= r0) return;                                                             \
        const int64_t groups = (r1 - r0 + JM_GEMM_LANES - 1) / JM_GEMM_LANES;                              \
        const int64_t chunk = groups < KR_CHUNK ? groups : KR_CHUNK;                                        \
        const size_t wbytes = (size_t)(chunk * nb) * sizeof(kr_sb);                                         \
        kr_sb *wb = a->n_cols >= KR_BATCH ? aligned_alloc(64, wbytes + (size_t)(KR_CT * nb) * sizeof(kr_col)) : NULL; \
        if (!wb) { /* few columns, or no memory: the same floats, built in the loop */                     \
            const int64_t nc = a->n_cols;                                                                   \
            for (int64_t c = 0; c < nc; c += KR_BATCH - 1) {                                                \
                jm_gemm_args s = *a;                                                                        \
                s.act = (const char *)a->act + c * a->act_stride;                                           \
                s.y = a->y + c * a->y_stride;                                                               \
                s.n_cols = nc - c < KR_BATCH - 1 ? nc - c : KR_BATCH - 1;                                   \
                kr_decode_##T(&s, r0, r1);                                                                  \
            }                                                                                               \
            return;                                                                                         \
        }                                                                                                   \
        kr_col *pc = (kr_col *)((char *)wb + wbytes);                                                       \
        for (int64_t rc = r0; rc < r1; rc += chunk * JM_GEMM_LANES) {                                       \
            const int64_t rc1 = rc + chunk * JM_GEMM_LANES < r1 ? rc + chunk * JM_GEMM_LANES : r1;          \
            int nrows[KR_CHUNK];                                                                            \
            int ng = 0;                                                                                     \
            for (int64_t r = rc; r < rc1; r += JM_GEMM_LANES, ng++) {                                       \
                nrows[ng] = (int)(rc1 - r < JM_GEMM_LANES ? rc1 - r : JM_GEMM_LANES);                      \
                jm_gemm_rows g;                                                                             \
                kr_rows(&g, a, r, nrows[ng], sizeof(BLK));                                                               \
                for (int64_t i = 0; i < nb; i++) kr_build_##T(wb + ng * nb + i, &g, i);                     \
            }                                                                                               \
            for (int64_t c0 = 0; c0 < a->n_cols; c0 += KR_CT) {                                             \
                const int64_t cn = a->n_cols - c0 < KR_CT ? a->n_cols - c0 : KR_CT;                         \
                for (int64_t v = 0; v < cn; v++)                                                            \
                    for (int64_t i = 0; i < nb; i++)                                                        \
                        kr_prep_col(&pc[v * nb + i],                                                        \
                                    (const block_q8_K *)((const char *)a->act + (c0 + v) * a->act_stride) + i, NS, MINS, OFF); \
                for (int gi = 0; gi < ng; gi++) {                                                           \
                    const int64_t r = rc + gi * JM_GEMM_LANES;                                              \
                    const kr_sb *w = wb + gi * nb;                                                          \
                    int64_t v = 0;                                                                          \
                    for (; v + 8 <= cn; v += 8) kr_tile8_##T(a, r, nrows[gi], c0 + v, w, pc, v);           \
                    for (; v + 4 <= cn; v += 4) kr_tile4_##T(a, r, nrows[gi], c0 + v, w, pc, v);           \
                    for (; v < cn; v++) kr_tile1_##T(a, r, nrows[gi], c0 + v, w, pc, v);                   \
                }                                                                                           \
            }                                                                                               \
        }                                                                                                   \
        free(wb);                                                                                           \
    }

KR_KERNEL(q2_K, block_q2_K, 16, 1, 0)
KR_KERNEL(q3_K, block_q3_K, 16, 0, 4)
KR_KERNEL(q4_K, block_q4_K, 8, 1, 0)
KR_KERNEL(q5_K, block_q5_K, 8, 1, 0)
KR_KERNEL(q6_K, block_q6_K, 16, 0, 32)
