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


/* Decode: a packed group is one stream, the file's rows 16 (kernels.h) */
KR_INLINE void kr_prefetch(const jm_gemm_rows *g, int64_t b, int64_t bx) {
    if (g->packed) jm_gemm_prefetch_packed(g->packed, b, JM_GEMM_KPACKED_BYTES(bx));
    else jm_gemm_prefetch_rows(g->p, JM_GEMM_LANES, g->row_bytes, b, bx);
}

/* =========================================================================
 * One column (decode): each sub-block's weights go from the packed group
 * (or the rows) straight into vpdpbusd, without the super-block's round
 * trip through memory, in kr_cols' order and float steps (so the same
 * bits): its two int32 chains, then float(s_j) * sc_j in order, the mins,
 * and the fma into acc. Q2_K and Q3_K build the super-block.
 */

/* the int32 sums of 8 (or 4) steps w[k] against the quants y[k] in two chains, as kr_cols for C < 4 */
#define KR_ONE_DOT(s, KS, W, Y)                                                   \
    do {                                                                         \
        __m512i s1_ = _mm512_setzero_si512();                                    \
        for (int k = 0; k < (KS); k += 2) {                                      \
            s = _mm512_dpbusd_epi32(s, W(k), _mm512_set1_epi32((Y)[k]));         \
            s1_ = _mm512_dpbusd_epi32(s1_, W(k + 1), _mm512_set1_epi32((Y)[k + 1])); \
        }                                                                        \
        s = _mm512_add_epi32(s, s1_);                                            \
    } while (0)

/* Q4_K, and Q5_K with the fifth bit of quant 32j + l from bit j of qh[l] */
KR_INLINE void kr_one_k4(const jm_gemm_rows *g, int64_t b, const block_q8_K *x, const kr_col *p, __m512 *acc,
                         const int64_t bx, const int64_t qs, const int QH, const int64_t qh) {
    kr_sb w; /* the scales and mins only */
    kr_scales_k4(&w, g, b, bx);
    __m512i h[8];
    if (QH) kr_dwords(h, g, b, bx, qh, 8);
    const int32_t *y = (const int32_t *)x->qs;
    __m512 t = _mm512_setzero_ps();
    for (int q = 0; q < 4; q++) {
        __m512i T[8];
        kr_dwords(T, g, b, bx, qs + 32 * q, 8);
        for (int j = 2 * q; j < 2 * q + 2; j++) {
            __m512i s = _mm512_setzero_si512();
#define KR_W(k) (QH ? kr_high_bit_step(kr_nib_step(T, j, k), h, 8 * j + (k), 4) : kr_nib_step(T, j, k))
            KR_ONE_DOT(s, 8, KR_W, y + 8 * j);
#undef KR_W
            const __m512 f = _mm512_cvtepi32_ps(s);
            t = j == 0 ? _mm512_mul_ps(f, w.sc[0]) : _mm512_fmadd_ps(f, w.sc[j], t);
        }
    }
    for (int j = 0; j < 8; j++) t = _mm512_fnmadd_ps(w.mn[j], _mm512_set1_ps(p->bs[j]), t);
    *acc = _mm512_fmadd_ps(t, _mm512_set1_ps(p->d), *acc);
}

KR_INLINE void kr_one_q4_K(const jm_gemm_rows *g, int64_t b, const block_q8_K *x, const kr_col *p, __m512 *acc) {
    kr_one_k4(g, b, x, p, acc, sizeof(block_q4_K), offsetof(block_q4_K, qs), 0, 0);
}

KR_INLINE void kr_one_q5_K(const jm_gemm_rows *g, int64_t b, const block_q8_K *x, const kr_col *p, __m512 *acc) {
    kr_one_k4(g, b, x, p, acc, sizeof(block_q5_K), offsetof(block_q5_K, qs), 1, offsetof(block_q5_K, qh));
}

KR_INLINE void kr_one_q6_K(const jm_gemm_rows *g, int64_t b, const block_q8_K *x, const kr_col *p, __m512 *acc) {
    kr_sb w; /* the scales only */
    kr_scales_q6(&w, g, b);
    const int32_t *y = (const int32_t *)x->qs;
    __m512 t = _mm512_setzero_ps();
    for (int h = 0; h < 2; h++) {
        __m512i lo[2][8], hi[8];
        kr_q6_half(lo, hi, g, b, h);
        for (int gg = 0; gg < 4; gg++)
            for (int u = 0; u < 2; u++) { /* sub-blocks of 16: steps 4u..4u + 3 of the 32 */
                const int j = 2 * (4 * h + gg) + u;
                __m512i s = _mm512_set1_epi32(p->off[j]);
#define KR_W(k) kr_q6_step(lo[gg % 2], hi, gg, 4 * u + (k))
                KR_ONE_DOT(s, 4, KR_W, y + 4 * j);
#undef KR_W
                const __m512 f = _mm512_cvtepi32_ps(s);
                t = j == 0 ? _mm512_mul_ps(f, w.sc[0]) : _mm512_fmadd_ps(f, w.sc[j], t);
            }
    }
    *acc = _mm512_fmadd_ps(t, _mm512_set1_ps(p->d), *acc);
}

#define KR_ONE_BUILT(T, NS, MINS)                                                                     \
    KR_INLINE void kr_one_##T(const jm_gemm_rows *g, int64_t b, const block_q8_K *x, const kr_col *p, \
                              __m512 *acc) {                                                         \
        kr_sb w;                                                                                     \
        kr_build_##T(&w, g, b);                                                                      \
        kr_cols(&w, &x, p, 1, acc, 1, NS, MINS);                                                     \
    }
KR_ONE_BUILT(q2_K, 16, 1)
KR_ONE_BUILT(q3_K, 16, 0)

/* =========================================================================
 * Tiles and the kernels. KR_KERNEL(T, BLK, NS, MINS, OFF) defines
 * jm_gemm_T_avx512vnni.
 */
enum { KR_CT = 16,     /* columns prepared at a time in batches             */
       KR_CHUNK = 4,   /* row groups transposed at a time in batches        */
       KR_BATCH = 4 }; /* from this many columns, weights go to a buffer    */

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
            kr_prefetch(g, i, sizeof(BLK));                                                                 \
            if (C == 1) {                                                                                   \
                const block_q8_K *x0 = (const block_q8_K *)a->act + i;                                      \
                kr_col p0;                                                                                  \
                kr_prep_col(&p0, x0, NS, MINS, OFF);                                                        \
                kr_one_##T(g, i, x0, &p0, acc);                                                             \
                continue;                                                                                   \
            }                                                                                               \
            kr_sb w;                                                                                        \
            kr_build_##T(&w, g, i);                                                                         \
            const block_q8_K *x[KR_BATCH];                                                                  \
            kr_col p[KR_BATCH];                                                                             \
            for (int v = 0; v < C; v++) {                                                                   \
                x[v] = (const block_q8_K *)((const char *)a->act + v * a->act_stride) + i;                  \
                kr_prep_col(&p[v], x[v], NS, MINS, OFF);                                                    \
            }                                                                                               \
            kr_cols(&w, x, p, 1, acc, C, NS, MINS);                                                         \
        }                                                                                                   \
        kr_store(a, r, nrows, 0, acc, C);                                                                   \
    }                                                                                                       \
    static void kr_decode_##T(const jm_gemm_args *a, int64_t r0, int64_t r1) {                              \
        for (int64_t r = r0; r < r1; r += JM_GEMM_LANES) {                                                  \
            const int nrows = (int)(r1 - r < JM_GEMM_LANES ? r1 - r : JM_GEMM_LANES);                      \
            jm_gemm_rows g;                                                                                 \
            kr_rows(&g, a, r, nrows, sizeof(BLK));                                                          \
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
        kr_sb *wb = a->n_cols >= KR_BATCH ? jm_aligned_alloc(64, wbytes + (size_t)(KR_CT * nb) * sizeof(kr_col)) : NULL; \
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
                kr_rows(&g, a, r, nrows[ng], sizeof(BLK));                                                  \
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
        jm_aligned_free(wb);                                                                                \
    }

KR_KERNEL(q2_K, block_q2_K, 16, 1, 0)
KR_KERNEL(q3_K, block_q3_K, 16, 0, 4)
KR_KERNEL(q4_K, block_q4_K, 8, 1, 0)
KR_KERNEL(q5_K, block_q5_K, 8, 1, 0)
KR_KERNEL(q6_K, block_q6_K, 16, 0, 32)
