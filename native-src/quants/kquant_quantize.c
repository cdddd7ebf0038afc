/*
 * kquant_quantize.c - reference quantizers for the K-quants.
 *
 * These must write the bytes llama.cpp's quantize_row_q*_K_ref write, so
 * they follow ggml's searches step by step: the same candidate scales, the
 * same weights, the same float expressions in the same order, the same
 * round-half-to-even through the 1.5*2^23 trick, the same "first wins" on
 * ties and the same integer truncations. Any "simplification" here changes
 * output bytes; the tests pin them against hashes of ggml's output.
 *
 * No fused multiply-add may be formed from these expressions (ggml's
 * reference runs on plain x86-64 where none exists): CMakeLists.txt builds
 * this file without contraction (JM_EXACT_SOURCES).
 */
#include <math.h>
#include <string.h>
#include "kquant_kernels.h"

/* Anything whose largest magnitude is below this counts as all zero. */
#define KQ_GROUP_MAX_EPS 1e-15f

#define KQ_MIN(a, b) ((a) < (b) ? (a) : (b))
#define KQ_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Round to nearest, ties to even, for |f| < 2^22: adding 1.5*2^23 leaves the
 * integer in the low mantissa bits. Outside that range the result is what
 * the same bit trick gives in ggml (no libm call, no range check). */
static inline int kq_round(float f) {
    const float biased = f + 12582912.0f;
    int32_t bits;
    memcpy(&bits, &biased, sizeof bits);
    return (bits & 0x007FFFFF) - 0x00400000;
}

static inline void kq_put_half(jm_fp16 *dst, float v) { *dst = jm_f32_to_fp16(v); }
static inline float kq_get_half(jm_fp16 h) { return jm_fp16_to_f32(h); }

/* ---------------------------------------------------------------------------
 * Symmetric search (Q6_K): L[i] in [0, 2*nmax), x ~ scale*(L[i]-nmax),
 * weighted by x^2. Starts from the scale that maps the largest magnitude to
 * -nmax, then tries 18 nearby scales and keeps the best weighted fit.
 */
static float kq_search_symmetric(int n, int nmax, const float *x, int8_t *L) {
    float amax = 0.0f, vmax = 0.0f;
    for (int i = 0; i < n; ++i) {
        const float a = fabsf(x[i]);
        if (a > amax) { amax = a; vmax = x[i]; }
    }
    if (amax < KQ_GROUP_MAX_EPS) {
        memset(L, 0, (size_t)n);
        return 0.0f;
    }
    float iscale = -nmax / vmax;
    float sumlx = 0.0f, suml2 = 0.0f;
    for (int i = 0; i < n; ++i) {
        int l = kq_round(iscale * x[i]);
        l = KQ_MAX(-nmax, KQ_MIN(nmax - 1, l));
        L[i] = (int8_t)(l + nmax);
        const float w = x[i] * x[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    float scale = suml2 ? sumlx / suml2 : 0.0f;
    float best = scale * sumlx;
    for (int step = -9; step <= 9; ++step) {
        if (step == 0) continue;
        iscale = -(nmax + 0.1f * step) / vmax;
        sumlx = 0.0f;
        suml2 = 0.0f;
        for (int i = 0; i < n; ++i) {
            int l = kq_round(iscale * x[i]);
            l = KQ_MAX(-nmax, KQ_MIN(nmax - 1, l));
            const float w = x[i] * x[i];
            sumlx += w * x[i] * l;
            suml2 += w * l * l;
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (int i = 0; i < n; ++i) {
                const int l = kq_round(iscale * x[i]);
                L[i] = (int8_t)(nmax + KQ_MAX(-nmax, KQ_MIN(nmax - 1, l)));
            }
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}

/* ---------------------------------------------------------------------------
 * Symmetric search with coordinate refinement (Q3_K): start as above, then
 * up to five passes that move single quants to where the weighted
 * least-squares fit improves.
 */
static float kq_search_q3(int n, int nmax, const float *x, int8_t *L) {
    float amax = 0.0f, vmax = 0.0f;
    for (int i = 0; i < n; ++i) {
        const float a = fabsf(x[i]);
        if (a > amax) { amax = a; vmax = x[i]; }
    }
    if (amax < KQ_GROUP_MAX_EPS) {
        memset(L, 0, (size_t)n);
        return 0.0f;
    }
    const float iscale = -nmax / vmax;
    float sumlx = 0.0f, suml2 = 0.0f;
    for (int i = 0; i < n; ++i) {
        int l = kq_round(iscale * x[i]);
        l = KQ_MAX(-nmax, KQ_MIN(nmax - 1, l));
        L[i] = (int8_t)l;
        const float w = x[i] * x[i];
        sumlx += w * x[i] * l;
        suml2 += w * l * l;
    }
    for (int pass = 0; pass < 5; ++pass) {
        int changed = 0;
        for (int i = 0; i < n; ++i) {
            const float w = x[i] * x[i];
            float slx = sumlx - w * x[i] * L[i];
            if (slx > 0) {
                float sl2 = suml2 - w * L[i] * L[i];
                int nl = kq_round(x[i] * sl2 / slx);
                nl = KQ_MAX(-nmax, KQ_MIN(nmax - 1, nl));
                if (nl != L[i]) {
                    slx += w * x[i] * nl;
                    sl2 += w * nl * nl;
                    if (sl2 > 0 && slx * slx * suml2 > sumlx * sumlx * sl2) {
                        L[i] = (int8_t)nl;
                        sumlx = slx;
                        suml2 = sl2;
                        ++changed;
                    }
                }
            }
        }
        if (!changed) break;
    }
    for (int i = 0; i < n; ++i) L[i] = (int8_t)(L[i] + nmax);
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}

/* ---------------------------------------------------------------------------
 * Asymmetric search (Q2_K, Q4_K, Q5_K): x ~ scale*L[i] - the_min with
 * L[i] in [0, nmax] and the_min >= 0, minimising the weighted squared (or
 * absolute, use_mad) error over nstep+1 candidate scales around
 * nmax/(max-min). Each candidate solves the 2x2 least-squares problem for
 * scale and min; a better candidate also moves the offset used by the next.
 */
static float kq_search_asymmetric(int n, int nmax, const float *x, const float *weights,
                                  uint8_t *L, float *the_min, uint8_t *Laux,
                                  float rmin, float rdelta, int nstep, int use_mad) {
    float lo = x[0], hi = x[0];
    float sum_w = weights[0];
    float sum_x = sum_w * x[0];
    for (int i = 1; i < n; ++i) {
        if (x[i] < lo) lo = x[i];
        if (x[i] > hi) hi = x[i];
        const float w = weights[i];
        sum_w += w;
        sum_x += w * x[i];
    }
    if (lo > 0) lo = 0;
    if (hi == lo) {
        memset(L, 0, (size_t)n);
        *the_min = -lo;
        return 0.0f;
    }
    float iscale = nmax / (hi - lo);
    float scale = 1 / iscale;
    float best_error = 0;
    for (int i = 0; i < n; ++i) {
        const int l = kq_round(iscale * (x[i] - lo));
        L[i] = (uint8_t)KQ_MAX(0, KQ_MIN(nmax, l));
        float diff = scale * L[i] + lo - x[i];
        diff = use_mad ? fabsf(diff) : diff * diff;
        best_error += weights[i] * diff;
    }
    if (nstep < 1) {
        *the_min = -lo;
        return scale;
    }
    for (int step = 0; step <= nstep; ++step) {
        iscale = (rmin + rdelta * step + nmax) / (hi - lo);
        float sum_l = 0, sum_l2 = 0, sum_xl = 0;
        for (int i = 0; i < n; ++i) {
            int l = kq_round(iscale * (x[i] - lo));
            l = KQ_MAX(0, KQ_MIN(nmax, l));
            Laux[i] = (uint8_t)l;
            const float w = weights[i];
            sum_l += w * l;
            sum_l2 += w * l * l;
            sum_xl += w * l * x[i];
        }
        const float D = sum_w * sum_l2 - sum_l * sum_l;
        if (D > 0) {
            float this_scale = (sum_w * sum_xl - sum_x * sum_l) / D;
            float this_min = (sum_l2 * sum_x - sum_l * sum_xl) / D;
            if (this_min > 0) {
                this_min = 0;
                this_scale = sum_xl / sum_l2;
            }
            float err = 0;
            for (int i = 0; i < n; ++i) {
                float diff = this_scale * Laux[i] + this_min - x[i];
                diff = use_mad ? fabsf(diff) : diff * diff;
                err += weights[i] * diff;
            }
            if (err < best_error) {
                memcpy(L, Laux, (size_t)n);
                best_error = err;
                scale = this_scale;
                lo = this_min;
            }
        }
    }
    *the_min = -lo;
    return scale;
}

/* Packs four 2-bit planes: byte l of each 32-byte group holds values
 * l, l+32, l+64, l+96 of its 128 (Q2_K and Q3_K low bits). */
static void kq_pack_2bit(const uint8_t *L, uint8_t *qs) {
    for (int j = 0; j < QK_K; j += 128) {
        for (int l = 0; l < 32; ++l) {
            qs[j / 4 + l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 2) |
                                      (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
        }
    }
}

/* ====================================================================== Q2_K */

void jm_quantize_row_q2_K_ref(const float *x, void *vy, int64_t n) {
    block_q2_K *y = vy;
    const int64_t nb = n / QK_K;
    uint8_t L[QK_K], Laux[16];
    float weights[16], mins[QK_K / 16], scales[QK_K / 16];
    const float q4scale = 15.0f;

    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        float max_scale = 0, max_min = 0;
        for (int j = 0; j < QK_K / 16; ++j) {
            for (int l = 0; l < 16; ++l) weights[l] = fabsf(x[16 * j + l]);
            scales[j] = kq_search_asymmetric(16, 3, x + 16 * j, weights, L + 16 * j, &mins[j],
                                             Laux, -0.5f, 0.1f, 15, 1);
            if (scales[j] > max_scale) max_scale = scales[j];
            if (mins[j] > max_min) max_min = mins[j];
        }

        if (max_scale > 0) {
            const float iscale = q4scale / max_scale;
            for (int j = 0; j < QK_K / 16; ++j) y[i].scales[j] = (uint8_t)kq_round(iscale * scales[j]);
            kq_put_half(&y[i].d, max_scale / q4scale);
        } else {
            memset(y[i].scales, 0, sizeof y[i].scales);
            kq_put_half(&y[i].d, 0.0f);
        }
        if (max_min > 0) {
            const float iscale = q4scale / max_min;
            for (int j = 0; j < QK_K / 16; ++j) {
                const int l = kq_round(iscale * mins[j]);
                y[i].scales[j] |= (uint8_t)((unsigned)l << 4);
            }
            kq_put_half(&y[i].dmin, max_min / q4scale);
        } else {
            kq_put_half(&y[i].dmin, 0.0f);
        }

        /* requantize against the scales as they were stored */
        for (int j = 0; j < QK_K / 16; ++j) {
            const float d = kq_get_half(y[i].d) * (y[i].scales[j] & 0x0F);
            if (!d) continue;
            const float dm = kq_get_half(y[i].dmin) * (y[i].scales[j] >> 4);
            for (int l = 0; l < 16; ++l) {
                const int q = kq_round((x[16 * j + l] + dm) / d);
                L[16 * j + l] = (uint8_t)KQ_MAX(0, KQ_MIN(3, q));
            }
        }
        kq_pack_2bit(L, y[i].qs);
    }
}

/* ====================================================================== Q3_K */

/* The 6-bit scale of sub-block j (0..15), still offset by 32. */
static int kq_q3_scale(const uint8_t *s, int j) {
    const int low = j < 8 ? (s[j] & 0x0F) : (s[j - 8] >> 4);
    const int high = (s[8 + j % 4] >> (2 * (j / 4))) & 3;
    return low | (high << 4);
}

void jm_quantize_row_q3_K_ref(const float *x, void *vy, int64_t n) {
    block_q3_K *y = vy;
    const int64_t nb = n / QK_K;
    int8_t L[QK_K];
    float scales[QK_K / 16];

    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        float max_scale = 0, amax = 0;
        for (int j = 0; j < QK_K / 16; ++j) {
            scales[j] = kq_search_q3(16, 4, x + 16 * j, L + 16 * j);
            const float a = fabsf(scales[j]);
            if (a > amax) { amax = a; max_scale = scales[j]; }
        }

        memset(y[i].scales, 0, sizeof y[i].scales);
        if (max_scale) {
            const float iscale = -32.0f / max_scale;
            for (int j = 0; j < QK_K / 16; ++j) {
                int8_t l = (int8_t)kq_round(iscale * scales[j]);
                l = (int8_t)(KQ_MAX(-32, KQ_MIN(31, l)) + 32);
                if (j < 8) y[i].scales[j] = l & 0x0F;
                else y[i].scales[j - 8] |= (uint8_t)((l & 0x0F) << 4);
                l >>= 4;
                y[i].scales[j % 4 + 8] |= (uint8_t)(l << (2 * (j / 4)));
            }
            kq_put_half(&y[i].d, 1 / iscale);
        } else {
            kq_put_half(&y[i].d, 0.0f);
        }

        for (int j = 0; j < QK_K / 16; ++j) {
            const int8_t sc = (int8_t)(kq_q3_scale(y[i].scales, j) - 32);
            const float d = kq_get_half(y[i].d) * sc;
            if (!d) continue;
            for (int l = 0; l < 16; ++l) {
                int q = kq_round(x[16 * j + l] / d);
                q = KQ_MAX(-4, KQ_MIN(3, q));
                L[16 * j + l] = (int8_t)(q + 4);
            }
        }

        /* third bit of value e goes to hmask[e % 32], bit e / 32 */
        memset(y[i].hmask, 0, sizeof y[i].hmask);
        for (int e = 0; e < QK_K; ++e) {
            if (L[e] > 3) {
                y[i].hmask[e % 32] |= (uint8_t)(1u << (e / 32));
                L[e] -= 4;
            }
        }
        kq_pack_2bit((const uint8_t *)L, y[i].qs);
    }
}

/* ============================================================== Q4_K, Q5_K */

/* Stores 8 six-bit scales and mins the way kq_scale_min_k4 reads them. */
static void kq_pack_scale_min_k4(uint8_t *s, const uint8_t *ls, const uint8_t *lm) {
    for (int j = 0; j < 8; ++j) {
        if (j < 4) {
            s[j] = ls[j];
            s[j + 4] = lm[j];
        } else {
            s[j + 4] = (uint8_t)((ls[j] & 0x0F) | ((lm[j] & 0x0F) << 4));
            s[j - 4] |= (uint8_t)((ls[j] >> 4) << 6);
            s[j] |= (uint8_t)((lm[j] >> 4) << 6);
        }
    }
}

/* Shared by Q4_K (nmax 15) and Q5_K (nmax 31): 8 sub-blocks of 32, each
 * weighted by rms + |x|, then the scales and mins quantized to 6 bits and
 * the values requantized against what was stored. */
static void kq_quantize_k4_block(const float *x, jm_fp16 *dd, jm_fp16 *dmin, uint8_t *packed,
                                 uint8_t *L, int nmax, float rmin, float rdelta, int nstep) {
    uint8_t Laux[32], ls[8], lm[8];
    float weights[32], mins[8], scales[8];
    float max_scale = 0, max_min = 0;
    for (int j = 0; j < QK_K / 32; ++j) {
        float sum_x2 = 0;
        for (int l = 0; l < 32; ++l) sum_x2 += x[32 * j + l] * x[32 * j + l];
        const float av_x = sqrtf(sum_x2 / 32);
        for (int l = 0; l < 32; ++l) weights[l] = av_x + fabsf(x[32 * j + l]);
        scales[j] = kq_search_asymmetric(32, nmax, x + 32 * j, weights, L + 32 * j, &mins[j],
                                         Laux, rmin, rdelta, nstep, 0);
        if (scales[j] > max_scale) max_scale = scales[j];
        if (mins[j] > max_min) max_min = mins[j];
    }

    const float inv_scale = max_scale > 0 ? 63.0f / max_scale : 0.0f;
    const float inv_min = max_min > 0 ? 63.0f / max_min : 0.0f;
    for (int j = 0; j < QK_K / 32; ++j) {
        /* the conversion to uint8_t wraps before the clamp, as in ggml */
        const uint8_t s = (uint8_t)kq_round(inv_scale * scales[j]);
        const uint8_t m = (uint8_t)kq_round(inv_min * mins[j]);
        ls[j] = KQ_MIN(63, s);
        lm[j] = KQ_MIN(63, m);
    }
    kq_pack_scale_min_k4(packed, ls, lm);
    kq_put_half(dd, max_scale / 63.0f);
    kq_put_half(dmin, max_min / 63.0f);

    for (int j = 0; j < QK_K / 32; ++j) {
        uint8_t sc, mn;
        kq_scale_min_k4(j, packed, &sc, &mn);
        const float d = kq_get_half(*dd) * sc;
        if (!d) continue;
        const float dm = kq_get_half(*dmin) * mn;
        for (int l = 0; l < 32; ++l) {
            const int q = kq_round((x[32 * j + l] + dm) / d);
            L[32 * j + l] = (uint8_t)KQ_MAX(0, KQ_MIN(nmax, q));
        }
    }
}

void jm_quantize_row_q4_K_ref(const float *x, void *vy, int64_t n) {
    block_q4_K *y = vy;
    const int64_t nb = n / QK_K;
    uint8_t L[QK_K];
    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        kq_quantize_k4_block(x, &y[i].d, &y[i].dmin, y[i].scales, L, 15, -1.0f, 0.1f, 20);
        /* 64 values per 32 bytes: first 32 in the low nibbles */
        for (int j = 0; j < QK_K; j += 64) {
            uint8_t *q = y[i].qs + j / 2;
            for (int l = 0; l < 32; ++l) q[l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 4));
        }
    }
}

void jm_quantize_row_q5_K_ref(const float *x, void *vy, int64_t n) {
    block_q5_K *y = vy;
    const int64_t nb = n / QK_K;
    uint8_t L[QK_K];
    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        kq_quantize_k4_block(x, &y[i].d, &y[i].dmin, y[i].scales, L, 31, -0.5f, 0.1f, 15);
        memset(y[i].qh, 0, sizeof y[i].qh);
        for (int j = 0; j < QK_K; j += 64) {
            uint8_t *q = y[i].qs + j / 2;
            const uint8_t bit_lo = (uint8_t)(1u << (j / 32)), bit_hi = (uint8_t)(bit_lo << 1);
            for (int l = 0; l < 32; ++l) {
                int a = L[j + l], b = L[j + l + 32];
                if (a > 15) { a -= 16; y[i].qh[l] |= bit_lo; }
                if (b > 15) { b -= 16; y[i].qh[l] |= bit_hi; }
                q[l] = (uint8_t)(a | (b << 4));
            }
        }
    }
}

/* ====================================================================== Q6_K */

void jm_quantize_row_q6_K_ref(const float *x, void *vy, int64_t n) {
    block_q6_K *y = vy;
    const int64_t nb = n / QK_K;
    int8_t L[QK_K];
    float scales[QK_K / 16];

    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        float max_scale = 0, max_abs_scale = 0;
        for (int j = 0; j < QK_K / 16; ++j) {
            scales[j] = kq_search_symmetric(16, 32, x + 16 * j, L + 16 * j);
            const float a = fabsf(scales[j]);
            if (a > max_abs_scale) { max_abs_scale = a; max_scale = scales[j]; }
        }
        if (max_abs_scale < KQ_GROUP_MAX_EPS) {
            memset(&y[i], 0, sizeof y[i]);
            continue;
        }

        const float iscale = -128.0f / max_scale;
        kq_put_half(&y[i].d, 1 / iscale);
        for (int j = 0; j < QK_K / 16; ++j) y[i].scales[j] = (int8_t)KQ_MIN(127, kq_round(iscale * scales[j]));

        for (int j = 0; j < QK_K / 16; ++j) {
            const float d = kq_get_half(y[i].d) * y[i].scales[j];
            if (!d) continue;
            for (int l = 0; l < 16; ++l) {
                int q = kq_round(x[16 * j + l] / d);
                q = KQ_MAX(-32, KQ_MIN(31, q));
                L[16 * j + l] = (int8_t)(q + 32);
            }
        }

        for (int h = 0; h < 2; ++h) {
            const int8_t *Lh = L + 128 * h;
            uint8_t *ql = y[i].ql + 64 * h, *qh = y[i].qh + 32 * h;
            for (int l = 0; l < 32; ++l) {
                const int a = Lh[l], b = Lh[l + 32], c = Lh[l + 64], e = Lh[l + 96];
                ql[l] = (uint8_t)((a & 0x0F) | ((c & 0x0F) << 4));
                ql[l + 32] = (uint8_t)((b & 0x0F) | ((e & 0x0F) << 4));
                qh[l] = (uint8_t)((a >> 4) | ((b >> 4) << 2) | ((c >> 4) << 4) | ((e >> 4) << 6));
            }
        }
    }
}

/* ====================================================================== Q8_K */

void jm_quantize_row_q8_K_ref(const float *x, void *vy, int64_t n) {
    block_q8_K *y = vy;
    const int64_t nb = n / QK_K;
    for (int64_t i = 0; i < nb; ++i, x += QK_K) {
        float amax = 0, vmax = 0;
        for (int j = 0; j < QK_K; ++j) {
            const float a = fabsf(x[j]);
            if (a > amax) { amax = a; vmax = x[j]; }
        }
        if (!amax) {
            /* ggml leaves bsums untouched here; zero is the only sane value */
            memset(&y[i], 0, sizeof y[i]);
            continue;
        }
        const float iscale = -127.0f / vmax;
        for (int j = 0; j < QK_K; ++j) {
            const int v = kq_round(iscale * x[j]);
            y[i].qs[j] = (int8_t)KQ_MIN(127, v);
        }
        for (int j = 0; j < QK_K / 16; ++j) {
            int sum = 0;
            for (int l = 0; l < 16; ++l) sum += y[i].qs[16 * j + l];
            y[i].bsums[j] = (int16_t)sum;
        }
        y[i].d = 1 / iscale;
    }
}
