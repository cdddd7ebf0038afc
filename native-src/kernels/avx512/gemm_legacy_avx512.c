/*
 * gemm_legacy_avx512.c - tiled Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 weights x
 * Q8_0 / Q8_1 activations, AVX-512 VNNI (the scheme is in
 * gemm_legacy_avx512.h): each type's block builders, the one tile, and the
 * tile driver ../gemm_legacy_driver.inc over them.
 */
#include "gemm_legacy_avx512.h"

/* ---- the weight blocks, by type ------------------------------------------
 * q*_build_u: the unsigned form decode takes (w only); q*_build: the
 * signed one with corr, for batches. */

/* Q4_0: the nibbles 0..15; signed, nibble - 8 */
JM_ALWAYS_INLINE void q4_0_build_u(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out) {
    __m512i t[4];
    jm_gemm16_quants(t, g, b, sizeof(jm_block_q4_0), 4);
    jm_gemm16_nibbles(out->w, t);
}

JM_ALWAYS_INLINE void q4_0_build(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out) {
    q4_0_build_u(g, b, out);
    for (int k = 0; k < 8; k++) out->w[k] = _mm512_sub_epi8(out->w[k], _mm512_set1_epi8(8));
    out->corr = jm_gemm16_corr(out->w);
}

/* Q8_0: w + 128 (a packed group holds it so); signed, w */
JM_ALWAYS_INLINE void q8_0_build_u(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out) {
    jm_gemm16_quants(out->w, g, b, sizeof(jm_block_q8_0), 8);
    if (!g->packed)
        for (int k = 0; k < 8; k++) out->w[k] = _mm512_xor_si512(out->w[k], _mm512_set1_epi8((char)0x80));
}

JM_ALWAYS_INLINE void q8_0_build(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out) {
    jm_gemm16_quants(out->w, g, b, sizeof(jm_block_q8_0), 8);
    if (g->packed)
        for (int k = 0; k < 8; k++) out->w[k] = _mm512_xor_si512(out->w[k], _mm512_set1_epi8((char)0x80));
    out->corr = jm_gemm16_corr(out->w);
}

/* Q4_1: the nibbles 0..15 both ways, the min through Q8_1's s */
JM_ALWAYS_INLINE void q4_1_build_u(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out) {
    __m512i t[4];
    jm_gemm16_t16x4(t, g, b * sizeof(jm_block_q4_1) + 4);
    jm_gemm16_nibbles(out->w, t);
}

JM_ALWAYS_INLINE void q4_1_build(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out) {
    q4_1_build_u(g, b, out);
    out->corr = jm_gemm16_corr(out->w);
}

/* Q5_0: the five-bit quants 0..31; signed, quant - 16 */
JM_ALWAYS_INLINE void q5_0_build_u(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out) {
    enum { BX = sizeof(jm_block_q5_0) };
    __m512i t[4];
    jm_gemm16_t16x4(t, g, b * BX + 6);
    jm_gemm16_nibbles(out->w, t);
    jm_gemm16_add_qh(out->w, jm_gemm16_gather(g, b * BX + 2));
}

JM_ALWAYS_INLINE void q5_0_build(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out) {
    q5_0_build_u(g, b, out);
    for (int k = 0; k < 8; k++) out->w[k] = _mm512_sub_epi8(out->w[k], _mm512_set1_epi8(16));
    out->corr = jm_gemm16_corr(out->w);
}

/* Q5_1: the five-bit quants 0..31 both ways */
JM_ALWAYS_INLINE void q5_1_build_u(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out) {
    enum { BX = sizeof(jm_block_q5_1) };
    __m512i t[4];
    jm_gemm16_t16x4(t, g, b * BX + 8);
    jm_gemm16_nibbles(out->w, t);
    jm_gemm16_add_qh(out->w, jm_gemm16_gather(g, b * BX + 4));
}

JM_ALWAYS_INLINE void q5_1_build(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out) {
    q5_1_build_u(g, b, out);
    out->corr = jm_gemm16_corr(out->w);
}

/* ---- the building blocks of ../gemm_legacy_driver.inc ------------------- */
typedef jm_gemm16_wblk lgemm_wblk;
typedef jm_gemm16_rows lgemm_group;
enum { LGEMM_LANES = JM_GEMM16_LANES, LGEMM_TILE = 8, LGEMM_ALIGN = 64,
       /* from this many columns, buffer the weights: below, building them
          unsigned in the loop for all the columns at once is cheaper */
       LGEMM_BATCH = 7 };

JM_ALWAYS_INLINE size_t lgemm_wblk_bytes(const int T) { return sizeof(jm_gemm16_wblk); }
JM_ALWAYS_INLINE int lgemm_unsigned(const int T) { return 1; }
/* the unsigned forms start the sums from -OFF * sum(y); the signed ones from corr */
JM_ALWAYS_INLINE int lgemm_off(const int T, const int U) {
    if (!U) return 0;
    return T == JM_TYPE_Q4_0 ? 8 : T == JM_TYPE_Q5_0 ? 16 : T == JM_TYPE_Q8_0 ? 128 : 0;
}
/* the signed forms take the activations + 128 (xor 0x80), prepared once in batches */
JM_ALWAYS_INLINE int lgemm_wants_q(const int T, const int U) { return !U; }
JM_ALWAYS_INLINE int32_t lgemm_sum32(const uint8_t *p) { return jm_gemm16_sum32(p); }
JM_ALWAYS_INLINE void lgemm_widen(float *d, const uint8_t *p, int64_t nb, int64_t bx) { jm_gemm16_widen(d, p, nb, bx); }

JM_ALWAYS_INLINE void lgemm_build_type(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out, const int T, const int U) {
    switch (T) {
    case JM_TYPE_Q4_0: if (U) q4_0_build_u(g, b, out); else q4_0_build(g, b, out); break;
    case JM_TYPE_Q4_1: if (U) q4_1_build_u(g, b, out); else q4_1_build(g, b, out); break;
    case JM_TYPE_Q5_0: if (U) q5_0_build_u(g, b, out); else q5_0_build(g, b, out); break;
    case JM_TYPE_Q5_1: if (U) q5_1_build_u(g, b, out); else q5_1_build(g, b, out); break;
    default:           if (U) q8_0_build_u(g, b, out); else q8_0_build(g, b, out); break;
    }
}

/* Block b of the group: the type's weights (unsigned if U), and the
   scales (and mins). */
JM_ALWAYS_INLINE void lgemm_build(const jm_gemm16_rows *g, int64_t b, jm_gemm16_wblk *out, const int T, const int U) {
    const int nq = lgemm_pack_nq(T);
    if (nq && g->packed) {
        jm_gemm_prefetch_packed(g->packed, b, JM_GEMM_PACKED_BYTES(nq));
        lgemm_build_type(g, b, out, T, U);
        out->d = _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)(g->packed + b * JM_GEMM_PACKED_BYTES(nq))));
        return;
    }
    const int64_t bx = lgemm_bx(T);
    jm_gemm_prefetch_rows(g->p, JM_GEMM16_LANES, g->row_bytes, b, bx);
    lgemm_build_type(g, b, out, T, U);
    const __m512i h = jm_gemm16_gather(g, b * bx);
    out->d = jm_gemm16_fp16(h, 0);
    if (lgemm_q81(T)) out->m = jm_gemm16_fp16(h, 1);
}

/*
 * C columns from c for the group g: weights from wbuf (w_buffered) or built
 * here, activations from pc (y_prepared: tile column j = pc column j0 + j)
 * or read here. C is a constant at every call, so acc[] lives in
 * registers. Weights built here take their unsigned form.
 */
JM_ALWAYS_INLINE void lgemm_tile(const jm_gemm_args *a, const jm_gemm16_rows *g, int64_t r, int nrows, int64_t c,
                                 const uint8_t *wbuf, const lgemm_cols *pc, int64_t j0, const int T, const int C,
                                 const int w_buffered, const int y_prepared) {
    const int64_t nb = a->n / 32, by = lgemm_by(T), qy = lgemm_qy(T);
    const int U = !w_buffered, off = lgemm_off(T, U);
    const uint8_t *y[8];
    __m512 acc[8];
    for (int j = 0; j < C; j++) {
        y[j] = (const uint8_t *)a->act + (c + j) * a->act_stride;
        acc[j] = _mm512_setzero_ps();
    }
    for (int64_t b = 0; b < nb; b++) {
        jm_gemm16_wblk wl;
        const jm_gemm16_wblk *w = &wl;
        if (w_buffered) w = (const jm_gemm16_wblk *)wbuf + b;
        else lgemm_build(g, b, &wl, T, U);
        for (int j = 0; j < C; j++) {
            const uint8_t *yq = y_prepared && !U ? pc->q + ((j0 + j) * nb + b) * 32 : y[j] + b * by + qy;
            /* two chains when few columns give the out-of-order core little else */
            __m512i s0, s1 = _mm512_setzero_si512();
            if (U) s0 = _mm512_set1_epi32(!off ? 0 : y_prepared ? pc->off[(j0 + j) * nb + b] : -off * jm_gemm16_sum32(yq));
            else s0 = w->corr;
            for (int k = 0; k < 8; k++) {
                __m512i p;
                if (U) p = _mm512_dpbusd_epi32(k & 1 && C < 4 ? s1 : s0, w->w[k], _mm512_set1_epi32((int)jm_rd32(yq + 4 * k)));
                else {
                    const uint32_t u = y_prepared ? jm_rd32(yq + 4 * k) : jm_rd32(yq + 4 * k) ^ 0x80808080u;
                    p = _mm512_dpbusd_epi32(k & 1 && C < 4 ? s1 : s0, _mm512_set1_epi32((int)u), w->w[k]);
                }
                if (C < 4 && (k & 1)) s1 = p;
                else s0 = p;
            }
            if (C < 4) s0 = _mm512_add_epi32(s0, s1);
            const float dy = y_prepared ? pc->d[(j0 + j) * nb + b] : jm_rd_fp16(y[j] + b * by);
            acc[j] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s0), _mm512_mul_ps(w->d, _mm512_set1_ps(dy)), acc[j]);
            if (lgemm_q81(T)) {
                const float sy = y_prepared ? pc->s[(j0 + j) * nb + b] : jm_rd_fp16(y[j] + b * by + 2);
                acc[j] = _mm512_fmadd_ps(w->m, _mm512_set1_ps(sy), acc[j]);
            }
        }
    }
    const __mmask16 m = (__mmask16)((1u << nrows) - 1);
    for (int j = 0; j < C; j++) _mm512_mask_storeu_ps(a->y + (c + j) * a->y_stride + r, m, acc[j]);
}

#include "../gemm_legacy_driver.inc"

/* The kernels, and their decode paths as functions of their own */
JM_NOINLINE void q4_0_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_decode(a, r0, r1, JM_TYPE_Q4_0); }
JM_NOINLINE void q4_1_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_decode(a, r0, r1, JM_TYPE_Q4_1); }
JM_NOINLINE void q5_0_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_decode(a, r0, r1, JM_TYPE_Q5_0); }
JM_NOINLINE void q5_1_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_decode(a, r0, r1, JM_TYPE_Q5_1); }
JM_NOINLINE void q8_0_decode(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_decode(a, r0, r1, JM_TYPE_Q8_0); }

void jm_gemm_q4_0_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_run(a, r0, r1, JM_TYPE_Q4_0, q4_0_decode); }
void jm_gemm_q4_1_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_run(a, r0, r1, JM_TYPE_Q4_1, q4_1_decode); }
void jm_gemm_q5_0_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_run(a, r0, r1, JM_TYPE_Q5_0, q5_0_decode); }
void jm_gemm_q5_1_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_run(a, r0, r1, JM_TYPE_Q5_1, q5_1_decode); }
void jm_gemm_q8_0_avx512vnni(const jm_gemm_args *a, int64_t r0, int64_t r1) { lgemm_run(a, r0, r1, JM_TYPE_Q8_0, q8_0_decode); }
