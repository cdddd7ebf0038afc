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
 * memory with software prefetch ahead (jm_gemm_prefetch_rows, kernels.h).
 * Both give the same integers, and so the same bits.
 */
#include "kquant_rows_avx512.h"

/*
 * C columns of one super-block: x[v] the column's Q8_K block, p[v * ps]
 * its prepared sums, acc[v] its accumulator. subblocks sub-blocks of QK_K / subblocks; mins
 * for Q4_K / Q5_K. The sub-block's weights stay in registers for all the
 * columns.
 */
JM_ALWAYS_INLINE void kr_cols(const kr_sb *w, const block_q8_K *const *x, const kr_col *p, int64_t ps, __m512 *acc,
                       const int C, const int subblocks, const int mins) {
    enum { KMAX = 8 };
    const int steps = KR_STEPS / subblocks;
    __m512 t[8];
    for (int j = 0; j < subblocks; j++) {
        __m512i wj[KMAX];
        for (int k = 0; k < steps; k++) wj[k] = w->w[steps * j + k];
        for (int v = 0; v < C; v++) {
            const int32_t *q = (const int32_t *)x[v]->qs + steps * j;
            __m512i s = mins ? _mm512_setzero_si512() : _mm512_set1_epi32(p[v * ps].off[j]);
            if (C < 4) { /* two chains when few columns give the out-of-order core little else */
                __m512i s1 = _mm512_setzero_si512();
                for (int k = 0; k < steps; k += 2) {
                    s = _mm512_dpbusd_epi32(s, wj[k], _mm512_set1_epi32(q[k]));
                    s1 = _mm512_dpbusd_epi32(s1, wj[k + 1], _mm512_set1_epi32(q[k + 1]));
                }
                s = _mm512_add_epi32(s, s1);
            } else {
                for (int k = 0; k < steps; k++) s = _mm512_dpbusd_epi32(s, wj[k], _mm512_set1_epi32(q[k]));
            }
            const __m512 f = _mm512_cvtepi32_ps(s);
            t[v] = j == 0 ? _mm512_mul_ps(f, w->sc[0]) : _mm512_fmadd_ps(f, w->sc[j], t[v]);
        }
    }
    for (int v = 0; v < C; v++) {
        if (mins)
            for (int j = 0; j < subblocks; j++) t[v] = _mm512_fnmadd_ps(w->mn[j], _mm512_set1_ps(p[v * ps].bs[j]), t[v]);
        acc[v] = _mm512_fmadd_ps(t[v], _mm512_set1_ps(p[v * ps].d), acc[v]);
    }
}


/* Decode: a packed group is one stream, the file's rows 16 (kernels.h) */
JM_ALWAYS_INLINE void kr_prefetch(const jm_gemm16_rows *g, int64_t b, int64_t bx) {
    if (g->packed) jm_gemm_prefetch_packed(g->packed, b, JM_GEMM_KPACKED_BYTES(bx));
    else jm_gemm_prefetch_rows(g->p, JM_GEMM16_LANES, g->row_bytes, b, bx);
}

/* =========================================================================
 * One column (decode): each sub-block's weights go from the packed group
 * (or the rows) straight into vpdpbusd, without the super-block's round
 * trip through memory, in kr_cols' order and float steps (so the same
 * bits): its two int32 chains, then float(s_j) * sc_j in order, the mins,
 * and the fma into acc. Q2_K and Q3_K build the super-block. The loops
 * over a super-block are unrolled by pragma: GCC left them rolled, and the
 * straight-line code decodes 10-40% faster (bench_gemm, one column, rows
 * in L2; the same instructions, so the same bits).
 */

/* step k of sub-block j of a Q4_K (or, QH, Q5_K) super-block from its qs dwords T (and qh dwords h) */
JM_ALWAYS_INLINE __m512i kr_k4_step(const __m512i *T, const __m512i *h, int j, int k, const int QH) {
    return QH ? kr_high_bit_step(kr_nib_step(T, j, k), h, 8 * j + k, 4) : kr_nib_step(T, j, k);
}

/* Q4_K, and Q5_K with the fifth bit of quant 32j + l from bit j of qh[l] */
JM_ALWAYS_INLINE void kr_one_k4(const jm_gemm16_rows *g, int64_t b, const block_q8_K *x, const kr_col *p, __m512 *acc,
                         const int64_t bx, const int64_t qs, const int QH, const int64_t qh) {
    kr_sb w; /* the scales and mins only */
    kr_scales_k4(&w, g, b, bx);
    __m512i h[8];
    if (QH) kr_dwords(h, g, b, bx, qh, 8);
    const int32_t *y = (const int32_t *)x->qs;
    __m512 t = _mm512_setzero_ps();
#pragma GCC unroll 4
    for (int q = 0; q < 4; q++) {
        __m512i T[8];
        kr_dwords(T, g, b, bx, qs + 32 * q, 8);
#pragma GCC unroll 2
        for (int j = 2 * q; j < 2 * q + 2; j++) {
            /* two int32 chains, as kr_cols for C < 4, each step unpacked where it is used */
            __m512i s = _mm512_setzero_si512(), s1 = _mm512_setzero_si512();
            for (int k = 0; k < 8; k += 2) {
                s = _mm512_dpbusd_epi32(s, kr_k4_step(T, h, j, k, QH), _mm512_set1_epi32(y[8 * j + k]));
                s1 = _mm512_dpbusd_epi32(s1, kr_k4_step(T, h, j, k + 1, QH), _mm512_set1_epi32(y[8 * j + k + 1]));
            }
            s = _mm512_add_epi32(s, s1);
            const __m512 f = _mm512_cvtepi32_ps(s);
            t = j == 0 ? _mm512_mul_ps(f, w.sc[0]) : _mm512_fmadd_ps(f, w.sc[j], t);
        }
    }
    for (int j = 0; j < 8; j++) t = _mm512_fnmadd_ps(w.mn[j], _mm512_set1_ps(p->bs[j]), t);
    *acc = _mm512_fmadd_ps(t, _mm512_set1_ps(p->d), *acc);
}

JM_ALWAYS_INLINE void kr_one_q4_K(const jm_gemm16_rows *g, int64_t b, const block_q8_K *x, const kr_col *p, __m512 *acc) {
    kr_one_k4(g, b, x, p, acc, sizeof(block_q4_K), offsetof(block_q4_K, qs), 0, 0);
}

JM_ALWAYS_INLINE void kr_one_q5_K(const jm_gemm16_rows *g, int64_t b, const block_q8_K *x, const kr_col *p, __m512 *acc) {
    kr_one_k4(g, b, x, p, acc, sizeof(block_q5_K), offsetof(block_q5_K, qs), 1, offsetof(block_q5_K, qh));
}

JM_ALWAYS_INLINE void kr_one_q6_K(const jm_gemm16_rows *g, int64_t b, const block_q8_K *x, const kr_col *p, __m512 *acc) {
    kr_sb w; /* the scales only */
    kr_scales_q6(&w, g, b);
    const int32_t *y = (const int32_t *)x->qs;
    __m512 t = _mm512_setzero_ps();
#pragma GCC unroll 2
    for (int h = 0; h < 2; h++) {
        __m512i lo[2][8], hi[8];
        kr_q6_half(lo, hi, g, b, h);
#pragma GCC unroll 4
        for (int gg = 0; gg < 4; gg++)
#pragma GCC unroll 2
            for (int u = 0; u < 2; u++) { /* sub-blocks of 16: steps 4u..4u + 3 of the 32 */
                const int j = 2 * (4 * h + gg) + u;
                __m512i s = _mm512_set1_epi32(p->off[j]), s1 = _mm512_setzero_si512();
                for (int k = 0; k < 4; k += 2) {
                    s = _mm512_dpbusd_epi32(s, kr_q6_step(lo[gg % 2], hi, gg, 4 * u + k), _mm512_set1_epi32(y[4 * j + k]));
                    s1 = _mm512_dpbusd_epi32(s1, kr_q6_step(lo[gg % 2], hi, gg, 4 * u + k + 1), _mm512_set1_epi32(y[4 * j + k + 1]));
                }
                s = _mm512_add_epi32(s, s1);
                const __m512 f = _mm512_cvtepi32_ps(s);
                t = j == 0 ? _mm512_mul_ps(f, w.sc[0]) : _mm512_fmadd_ps(f, w.sc[j], t);
            }
    }
    *acc = _mm512_fmadd_ps(t, _mm512_set1_ps(p->d), *acc);
}

/* Q2_K and Q3_K: the super-block built, then kr_cols for one column */
JM_ALWAYS_INLINE void kr_one_built(const jm_gemm16_rows *g, int64_t b, const block_q8_K *x, const kr_col *p, __m512 *acc,
                            const int T) {
    kr_sb w;
    if (T == JM_TYPE_Q2_K) kr_build_q2_K(&w, g, b);
    else kr_build_q3_K(&w, g, b);
    kr_cols(&w, &x, p, 1, acc, 1, 16, T == JM_TYPE_Q2_K);
}

/* =========================================================================
 * The building blocks of the tile driver (gemm_kquant_driver.inc), by type.
 */
JM_ALWAYS_INLINE void kr_store(const jm_gemm_args *a, int64_t r, int nrows, int64_t c, const __m512 *acc, const int C) {
    const __mmask16 m = (__mmask16)((1u << nrows) - 1);
    for (int v = 0; v < C; v++) _mm512_mask_storeu_ps(a->y + (c + v) * a->y_stride + r, m, acc[v]);
}

typedef kr_sb kgemm_sb;
typedef kr_col kgemm_col;
typedef jm_gemm16_rows kgemm_group;
typedef __m512 kgemm_acc;
enum { KGEMM_LANES = JM_GEMM16_LANES, KGEMM_TILE = 8, KGEMM_ALIGN = 64 };

/* sub-blocks per super-block, whether the type has mins, and the offset
   its quants are stored with (see the top) */
JM_ALWAYS_INLINE int kr_subblocks(const int T) { return T == JM_TYPE_Q4_K || T == JM_TYPE_Q5_K ? 8 : 16; }
JM_ALWAYS_INLINE int kr_mins(const int T) { return T != JM_TYPE_Q3_K && T != JM_TYPE_Q6_K; }
JM_ALWAYS_INLINE int kr_offset(const int T) { return T == JM_TYPE_Q3_K ? 4 : T == JM_TYPE_Q6_K ? 32 : 0; }

JM_ALWAYS_INLINE __m512 kgemm_zero(void) { return _mm512_setzero_ps(); }

JM_ALWAYS_INLINE void kgemm_group_rows(jm_gemm16_rows *g, const jm_gemm_args *a, int64_t r, int nrows, int64_t bx) {
    kr_rows(g, a, r, nrows, bx);
}

JM_ALWAYS_INLINE void kgemm_prefetch(const jm_gemm16_rows *g, int64_t b, int64_t bx) { kr_prefetch(g, b, bx); }

JM_ALWAYS_INLINE void kgemm_build(kr_sb *w, const jm_gemm16_rows *g, int64_t b, const int T) {
    switch (T) {
    case JM_TYPE_Q2_K: kr_build_q2_K(w, g, b); break;
    case JM_TYPE_Q3_K: kr_build_q3_K(w, g, b); break;
    case JM_TYPE_Q4_K: kr_build_q4_K(w, g, b); break;
    case JM_TYPE_Q5_K: kr_build_q5_K(w, g, b); break;
    default:           kr_build_q6_K(w, g, b); break;
    }
}

JM_ALWAYS_INLINE void kgemm_prep_col(kr_col *p, const block_q8_K *x, const int T) {
    kr_prep_col(p, x, kr_subblocks(T), kr_mins(T), kr_offset(T));
}

JM_ALWAYS_INLINE void kgemm_cols(const kr_sb *w, const block_q8_K *const *x, const kr_col *p, int64_t ps, __m512 *acc,
                          const int C, const int T) {
    kr_cols(w, x, p, ps, acc, C, kr_subblocks(T), kr_mins(T));
}

JM_ALWAYS_INLINE void kgemm_one(const jm_gemm16_rows *g, int64_t b, const block_q8_K *x, const kr_col *p, __m512 *acc,
                         const int T) {
    switch (T) {
    case JM_TYPE_Q4_K: kr_one_q4_K(g, b, x, p, acc); break;
    case JM_TYPE_Q5_K: kr_one_q5_K(g, b, x, p, acc); break;
    case JM_TYPE_Q6_K: kr_one_q6_K(g, b, x, p, acc); break;
    default:           kr_one_built(g, b, x, p, acc, T); break;
    }
}

JM_ALWAYS_INLINE void kgemm_store(const jm_gemm_args *a, int64_t r, int nrows, int64_t c, const __m512 *acc, const int C) {
    kr_store(a, r, nrows, c, acc, C);
}

#include "../gemm_kquant_driver.inc"

/* The kernels, and their decode paths as functions of their own */
JM_NOINLINE void q2_K_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_decode(a, r0, r1, JM_TYPE_Q2_K); }
JM_NOINLINE void q3_K_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_decode(a, r0, r1, JM_TYPE_Q3_K); }
JM_NOINLINE void q4_K_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_decode(a, r0, r1, JM_TYPE_Q4_K); }
JM_NOINLINE void q5_K_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_decode(a, r0, r1, JM_TYPE_Q5_K); }
JM_NOINLINE void q6_K_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_decode(a, r0, r1, JM_TYPE_Q6_K); }

void jm_gemm_q2_K_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_run(a, r0, r1, JM_TYPE_Q2_K, q2_K_decode); }
void jm_gemm_q3_K_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_run(a, r0, r1, JM_TYPE_Q3_K, q3_K_decode); }
void jm_gemm_q4_K_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_run(a, r0, r1, JM_TYPE_Q4_K, q4_K_decode); }
void jm_gemm_q5_K_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_run(a, r0, r1, JM_TYPE_Q5_K, q5_K_decode); }
void jm_gemm_q6_K_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { kgemm_run(a, r0, r1, JM_TYPE_Q6_K, q6_K_decode); }
