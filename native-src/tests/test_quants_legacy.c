/*
 * test_quants_legacy.c - the float and legacy-quant types (F32 F16 BF16
 * Q4_0 Q4_1 Q5_0 Q5_1 Q8_0 Q8_1): traits, hand-computed blocks, the
 * reference quantizers against an independent formulation written here and
 * against golden hashes of ggml's reference output, quantize->dequantize
 * error bounds, every SIMD kernel the CPU can run against its scalar twin
 * (exact bytes for quantizers and dequantizers; dots within 1e-6 of the sum
 * of |terms|, i.e. up to float summation order), odd lengths, unaligned
 * pointers, and the dispatch table per kernel level.
 *
 * Prints "N passed, M failed" and exits non-zero on any failure.
 */
#include "quants/legacy_kernels.h" /* first: no fp contraction in this file either */
#include "kernels/kernels.h"

#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "test_levels.h"

#include "golden_legacy.h"

/* A "special" value: zeros, subnormals, ties, huge, tiny, fp16 edges. */
static float rng_special(void) {
    switch (rng_next() % 12) {
    case 0: return 0.0f;
    case 1: return -0.0f;
    case 2: return 1e-40f * (rng_uniform() - 0.5f);
    case 3: return (float)((int)(rng_next() % 255) - 127) + 0.5f;
    case 4: return 1e30f * (rng_uniform() - 0.5f);
    case 5: return ldexpf(rng_gauss(), (int)(rng_next() % 280) - 140);
    case 6: return (float)((int)(rng_next() % 33) - 16);
    case 7: return (rng_uniform() > 0.5f ? 65504.0f : -65520.0f);
    default: return rng_gauss();
    }
}

/* Fills x[0..n) in one of several styles. */
static void fill_row(float *x, int64_t n, int style) {
    for (int64_t i = 0; i < n; i++) {
        switch (style) {
        case 0: x[i] = rng_gauss(); break;
        case 1: x[i] = rng_special(); break;
        case 2: x[i] = rng_gauss() * ldexpf(1.0f, (int)((i / 32) % 21) - 10); break; /* per-block scales 2^-10..2^10 */
        default: x[i] = rng_special() * rng_gauss(); break;
        }
    }
}

/* ---- the types --------------------------------------------------------- */

static const int32_t k_all[] = { JM_TYPE_F32, JM_TYPE_F16, JM_TYPE_BF16, JM_TYPE_Q4_0, JM_TYPE_Q4_1,
                                 JM_TYPE_Q5_0, JM_TYPE_Q5_1, JM_TYPE_Q8_0, JM_TYPE_Q8_1 };
#define N_ALL ((int)(sizeof k_all / sizeof k_all[0]))

static int64_t row_bytes(int32_t type, int64_t n) {
    const jm_type_traits *t = jm_legacy_traits(type);
    return n / t->block_size * t->type_size;
}

/* ---- 1. traits ---------------------------------------------------------- */

static void test_traits(void) {
    static const struct { int32_t type; const char *name; int32_t bs; int64_t ts; int32_t dot; } want[] = {
        { JM_TYPE_F32, "f32", 1, 4, JM_TYPE_F32 },       { JM_TYPE_F16, "f16", 1, 2, JM_TYPE_F16 },
        { JM_TYPE_BF16, "bf16", 1, 2, JM_TYPE_BF16 },    { JM_TYPE_Q4_0, "q4_0", 32, 18, JM_TYPE_Q8_0 },
        { JM_TYPE_Q4_1, "q4_1", 32, 20, JM_TYPE_Q8_1 },  { JM_TYPE_Q5_0, "q5_0", 32, 22, JM_TYPE_Q8_0 },
        { JM_TYPE_Q5_1, "q5_1", 32, 24, JM_TYPE_Q8_1 },  { JM_TYPE_Q8_0, "q8_0", 32, 34, JM_TYPE_Q8_0 },
        { JM_TYPE_Q8_1, "q8_1", 32, 36, JM_TYPE_Q8_1 },
    };
    for (size_t i = 0; i < sizeof want / sizeof want[0]; i++) {
        const jm_type_traits *t = jm_legacy_traits(want[i].type);
        CHECK(t != NULL, "traits for type %d", want[i].type);
        if (!t) continue;
        CHECK(strcmp(t->name, want[i].name) == 0 && t->block_size == want[i].bs && t->type_size == want[i].ts &&
                  t->vec_dot_type == want[i].dot,
              "traits of %s: %s %d %lld %d", want[i].name, t->name, t->block_size, (long long)t->type_size,
              t->vec_dot_type);
        CHECK(t->to_float && t->from_float_ref, "%s has to_float and from_float_ref", t->name);
        CHECK((t->vec_dot_scalar == NULL) == (want[i].type == JM_TYPE_Q8_1),
              "%s: vec_dot_scalar present exactly when it is not Q8_1", t->name);
        CHECK(jm_type_traits_get(want[i].type) == t, "jm_type_traits_get(%s)", t->name);
        CHECK(jm_type_block_bytes(want[i].type) == want[i].ts && jm_type_block_size(want[i].type) == want[i].bs,
              "public block size/bytes of %s", t->name);
        CHECK(jm_type_can_compute(want[i].type) == (want[i].type != JM_TYPE_Q8_1), "can_compute(%s)", t->name);
        CHECK(jm_row_size(want[i].type, 4096) == 4096 / want[i].bs * want[i].ts, "row size of %s", t->name);
    }
    CHECK(jm_legacy_traits(JM_TYPE_Q4_K) == NULL && jm_legacy_traits(4) == NULL && jm_legacy_traits(-1) == NULL,
          "unknown ids give NULL");
    CHECK(jm_row_size(JM_TYPE_Q4_0, 33) == -1, "row size of a partial block is -1");
}

/* ---- 2. hand-computed blocks ------------------------------------------- */

static int bytes_eq(const void *a, const void *b, size_t n, const char *what) {
    if (memcmp(a, b, n) == 0) return 1;
    const uint8_t *x = a, *y = b;
    printf("  %s: got", what);
    for (size_t i = 0; i < n; i++) printf(" %02x", x[i]);
    printf("\n  %s: want", what);
    for (size_t i = 0; i < n; i++) printf(" %02x", y[i]);
    printf("\n");
    return 0;
}

/* little-endian block builders, so the expected bytes are spelled out here */
static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }

static void test_hand_q8_0(void) {
    float x[32];
    uint8_t got[34], want[34];

    /* all zero, and +-0 alternating: d = 0, every quant 0 */
    for (int j = 0; j < 32; j++) x[j] = 0.0f;
    memset(want, 0, sizeof want);
    jm_quantize_row_q8_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 34, "q8_0 zeros"), "Q8_0 all-zero block");
    for (int j = 0; j < 32; j++) x[j] = (j & 1) ? -0.0f : 0.0f;
    jm_quantize_row_q8_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 34, "q8_0 +-0"), "Q8_0 +-0 block");

    /* amax = 127: d = 1 (0x3C00), q = roundf(x): .5 goes AWAY from zero */
    for (int j = 0; j < 32; j++) x[j] = (float)(j - 16) + 0.5f; /* -15.5 .. 15.5 */
    x[31] = 127.0f;
    memset(want, 0, sizeof want);
    put16(want, 0x3C00);
    for (int j = 0; j < 31; j++) want[2 + j] = (uint8_t)(int8_t)(j - 16 + (j - 16 >= 0 ? 1 : 0));
    want[2 + 31] = 127;
    jm_quantize_row_q8_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 34, "q8_0 ties"), "Q8_0 ties round half away from zero");

    /* negative maximum -254: d = 2 (0x4000), id = 0.5; x = 2j-1 -> j-0.5 -> j */
    x[0] = -254.0f;
    for (int j = 1; j < 32; j++) x[j] = (float)(2 * j - 1);
    put16(want, 0x4000);
    want[2] = (uint8_t)(int8_t)-127;
    for (int j = 1; j < 32; j++) want[2 + j] = (uint8_t)j;
    jm_quantize_row_q8_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 34, "q8_0 negmax"), "Q8_0 negative maximum");

    /* one huge value: d = 1e30/127 overflows fp16 to +inf (0x7C00); that value -> 127, the 1s -> 0 */
    for (int j = 0; j < 32; j++) x[j] = 1.0f;
    x[5] = 1e30f;
    memset(want, 0, sizeof want);
    put16(want, 0x7C00);
    want[2 + 5] = 127;
    jm_quantize_row_q8_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 34, "q8_0 huge"), "Q8_0 single huge value");

    /* fp16-subnormal scale: amax 1e-5 -> d = 7.87e-8 -> fp16 0x0001 (5.96e-8) */
    for (int j = 0; j < 32; j++) x[j] = 0.0f;
    x[9] = -1e-5f;
    memset(want, 0, sizeof want);
    put16(want, 0x0001);
    want[2 + 9] = (uint8_t)(int8_t)-127;
    jm_quantize_row_q8_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 34, "q8_0 small"), "Q8_0 block with an fp16-subnormal scale");

    /* float-subnormal inputs: 1/d overflows, every quant is 0 and d rounds to fp16 0 */
    for (int j = 0; j < 32; j++) x[j] = (j % 3 ? 1e-40f : -3e-41f);
    memset(want, 0, sizeof want);
    jm_quantize_row_q8_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 34, "q8_0 subnormal"), "Q8_0 subnormal inputs");

    /* Q8_1: same quants, s = fp16(d * sum) ; ties block: sum of q */
    for (int j = 0; j < 32; j++) x[j] = (float)(j - 16) + 0.5f;
    x[31] = 127.0f;
    uint8_t g1[36];
    jm_quantize_row_q8_1_ref(x, g1, 32);
    int sum = 127;
    for (int j = 0; j < 31; j++) sum += j - 16 + (j - 16 >= 0 ? 1 : 0);
    uint8_t w1[36];
    put16(w1, 0x3C00);
    put16(w1 + 2, jm_f32_to_fp16((float)sum)); /* d = 1 */
    jm_quantize_row_q8_0_ref(x, want, 32);
    memcpy(w1 + 4, want + 2, 32);
    CHECK(bytes_eq(g1, w1, 36, "q8_1 ties"), "Q8_1 block with its sum (sum=%d)", sum);
    CHECK(sum == 111, "hand sum of the ties block is 111 (got %d)", sum);
}

static void test_hand_q4_0(void) {
    float x[32];
    uint8_t got[18], want[18];

    /* all zero: max = +0, d = 0/-8 = -0 (fp16 0x8000), id = 0, q = (int)(0 + 8.5) = 8 */
    for (int j = 0; j < 32; j++) x[j] = 0.0f;
    put16(want, 0x8000);
    memset(want + 2, 0x88, 16);
    jm_quantize_row_q4_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 18, "q4_0 zeros"), "Q4_0 all-zero block");
    for (int j = 0; j < 32; j++) x[j] = (j % 3) ? -0.0f : 0.0f;
    jm_quantize_row_q4_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 18, "q4_0 +-0"), "Q4_0 +-0 block");

    /* negative maximum -8: d = 1 (0x3C00), q = min(15, (int)(x + 8.5)) */
    x[0] = -8.0f;
    for (int j = 1; j < 16; j++) x[j] = (float)(j - 8);   /* q = j */
    for (int j = 0; j < 16; j++) x[16 + j] = -7.5f + (float)j; /* q = j + 1, clamped to 15 */
    put16(want, 0x3C00);
    for (int j = 0; j < 16; j++) want[2 + j] = (uint8_t)(j | ((j + 1 > 15 ? 15 : j + 1) << 4));
    jm_quantize_row_q4_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 18, "q4_0 negmax"), "Q4_0 negative maximum and the clamp at 15");

    /* +8 then -8: the FIRST largest magnitude wins, so d = -1 (0xBC00), q = (int)(8.5 - x) */
    for (int j = 0; j < 32; j++) x[j] = 0.0f;
    x[0] = 8.0f;
    x[1] = -8.0f;
    x[17] = 3.0f;
    put16(want, 0xBC00);
    memset(want + 2, 0x88, 16);
    want[2] = 0x80 | 0;           /* x0 = 8 -> 0.5 -> 0; x16 = 0 -> 8 */
    want[3] = (uint8_t)(15 | (5 << 4)); /* x1 = -8 -> 16.5 -> 16 -> 15; x17 = 3 -> 5.5 -> 5 */
    jm_quantize_row_q4_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 18, "q4_0 tie"), "Q4_0 tie between +max and -max");

    /* one huge value: d = -1.25e29 -> fp16 -inf (0xFC00); it quantizes to 0, the 1s to 8 */
    for (int j = 0; j < 32; j++) x[j] = 1.0f;
    x[3] = 1e30f;
    put16(want, 0xFC00);
    memset(want + 2, 0x88, 16);
    want[2 + 3] = 0x80;
    jm_quantize_row_q4_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 18, "q4_0 huge"), "Q4_0 single huge value");

    /* subnormal inputs: d = -1e-40/8 (fp16 -0 = 0x8000), 1/d = -inf: x86's cast gives 0 */
    for (int j = 0; j < 32; j++) x[j] = 1e-40f;
    put16(want, 0x8000);
    memset(want + 2, 0x00, 16);
    jm_quantize_row_q4_0_ref(x, got, 32);
    CHECK(bytes_eq(got, want, 18, "q4_0 subnormal"), "Q4_0 subnormal inputs");
}

static void test_hand_others(void) {
    float x[32];
    /* Q4_1: 0..15 twice: min 0, d = 1, q = x */
    uint8_t g41[20], w41[20];
    for (int j = 0; j < 32; j++) x[j] = (float)(j % 16);
    put16(w41, 0x3C00);
    put16(w41 + 2, 0x0000);
    for (int j = 0; j < 16; j++) w41[4 + j] = (uint8_t)(j | (j << 4));
    jm_quantize_row_q4_1_ref(x, g41, 32);
    CHECK(bytes_eq(g41, w41, 20, "q4_1 ramp"), "Q4_1 ramp");
    /* Q4_1 flat block: d = 0, m = the value, every quant 0 */
    for (int j = 0; j < 32; j++) x[j] = -2.5f;
    put16(w41, 0x0000);
    put16(w41 + 2, 0xC100); /* -2.5 */
    memset(w41 + 4, 0, 16);
    jm_quantize_row_q4_1_ref(x, g41, 32);
    CHECK(bytes_eq(g41, w41, 20, "q4_1 flat"), "Q4_1 flat block");

    /* Q5_0: x = j - 16: max -16 (first), d = 1, q = j; qh = high bit of j = upper half */
    uint8_t g50[22], w50[22];
    for (int j = 0; j < 32; j++) x[j] = (float)(j - 16);
    put16(w50, 0x3C00);
    w50[2] = 0x00; w50[3] = 0x00; w50[4] = 0xFF; w50[5] = 0xFF;
    for (int j = 0; j < 16; j++) w50[6 + j] = (uint8_t)(j | (j << 4));
    jm_quantize_row_q5_0_ref(x, g50, 32);
    CHECK(bytes_eq(g50, w50, 22, "q5_0 ramp"), "Q5_0 ramp");
    /* Q5_0 all zero: d = -0, q = 16 -> nibble 0, 5th bit set everywhere */
    for (int j = 0; j < 32; j++) x[j] = 0.0f;
    put16(w50, 0x8000);
    memset(w50 + 2, 0xFF, 4);
    memset(w50 + 6, 0x00, 16);
    jm_quantize_row_q5_0_ref(x, g50, 32);
    CHECK(bytes_eq(g50, w50, 22, "q5_0 zeros"), "Q5_0 all-zero block");

    /* Q5_1: x = j: min 0, d = 1, q = j */
    uint8_t g51[24], w51[24];
    for (int j = 0; j < 32; j++) x[j] = (float)j;
    put16(w51, 0x3C00);
    put16(w51 + 2, 0x0000);
    w51[4] = 0x00; w51[5] = 0x00; w51[6] = 0xFF; w51[7] = 0xFF;
    for (int j = 0; j < 16; j++) w51[8 + j] = (uint8_t)(j | (j << 4));
    jm_quantize_row_q5_1_ref(x, g51, 32);
    CHECK(bytes_eq(g51, w51, 24, "q5_1 ramp"), "Q5_1 ramp");

    /* F16 / BF16 / F32 of a few values */
    const float v[8] = { 1.0f, -2.0f, 0.0f, -0.0f, 65504.0f, 65520.0f, 5.9604645e-8f, 1.0f + 0x1p-11f };
    const uint16_t wh[8] = { 0x3C00, 0xC000, 0x0000, 0x8000, 0x7BFF, 0x7C00, 0x0001, 0x3C00 /* tie to even */ };
    uint16_t gh[8];
    jm_quantize_row_f16_ref(v, gh, 8);
    CHECK(memcmp(gh, wh, sizeof wh) == 0, "F16 reference conversions");
    const float vb[4] = { 1.0f, 1.0f + 0x1p-8f /* tie -> even 1.0 */, 1.0f + 0x1p-8f + 0x1p-9f, -3.0f };
    const uint16_t wb[4] = { 0x3F80, 0x3F80, 0x3F81, 0xC040 };
    uint16_t gb[4];
    jm_quantize_row_bf16_ref(vb, gb, 4);
    CHECK(memcmp(gb, wb, sizeof wb) == 0, "BF16 reference conversions");
    float gf[8];
    jm_quantize_row_f32_ref(v, gf, 8);
    CHECK(memcmp(gf, v, sizeof v) == 0, "F32 'quantizer' copies");
}

/* ---- 3. an independent formulation of the reference quantizers ----------
 * Written per value with explicit rounding helpers and a separate bit
 * packer, so a slip in the library's nibble order, qh layout, tie-break or
 * rounding shows up. The float operations ggml rounds in float (x*id,
 * x*id + 8.5) are kept in float; everything else is done in double. */

/* nearest value with `bits` significant bits, ties to even, exponent >= emin;
 * returns the IEEE binary16/bfloat16 bit pattern (inf when >= the overflow
 * threshold). */
static uint16_t indep_round_half(float f, int bits, int emin, int ebias, int ebits, double maxfinite) {
    const uint16_t sign = signbit(f) ? (uint16_t)(1u << 15) : 0;
    double a = fabs((double)f);
    if (a == 0.0) return sign;
    int e;
    frexp(a, &e); /* a = m * 2^e, m in [0.5, 1) */
    e -= 1;       /* a = m' * 2^e, m' in [1, 2) */
    if (e < emin) e = emin;
    const double ulp = ldexp(1.0, e - (bits - 1));
    double r = nearbyint(a / ulp) * ulp; /* exact division by a power of two; rint is ties-to-even */
    const double next_up = maxfinite + ldexp(1.0, (int)floor(log2(maxfinite)) - (bits - 1));
    if (r >= next_up) return (uint16_t)(sign | (((1u << ebits) - 1) << (bits - 1)));
    int er;
    frexp(r, &er);
    er -= 1;
    if (r < ldexp(1.0, emin)) /* subnormal */
        return (uint16_t)(sign | (uint16_t)(r / ldexp(1.0, emin - (bits - 1))));
    const uint32_t mant = (uint32_t)((r / ldexp(1.0, er) - 1.0) * (double)(1u << (bits - 1)));
    return (uint16_t)(sign | ((uint32_t)(er + ebias) << (bits - 1)) | mant);
}
/* NaN: ggml's fp16 writes a quiet NaN 0x7E00 with the sign; bf16 keeps the payload, quiet bit set */
static uint16_t indep_fp16(float f) {
    if (isnan(f)) return (uint16_t)((signbit(f) ? 0x8000 : 0) | 0x7E00);
    return indep_round_half(f, 11, -14, 15, 5, 65504.0);
}
static uint16_t indep_bf16(float f) {
    if (isnan(f)) return (uint16_t)((jm_f32_to_bits(f) >> 16) | 0x40);
    return indep_round_half(f, 8, -126, 127, 8, (double)0x1.FEp127);
}

/* C's float->int8 cast as an x86-64 build performs it (see legacy_kernels.h) */
static int cast_i8(float v) {
    if (!(v >= -2147483648.0f && v < 2147483648.0f)) return 0;
    return (int)(int8_t)(uint8_t)(long long)v;
}
static int round_away(float v) { /* roundf via exact double arithmetic */
    const double t = (double)v;
    return t >= 0 ? (int)floor(t + 0.5) : -(int)floor(-t + 0.5);
}

static void pack_nibbles(uint8_t *qs, const int *q) {
    for (int j = 0; j < 16; j++) qs[j] = (uint8_t)((q[j] & 0x0F) | ((q[j + 16] & 0x0F) << 4));
}
static void pack_qh(uint8_t *qh, const int *q) {
    for (int i = 0; i < 4; i++) qh[i] = 0;
    for (int j = 0; j < 32; j++)
        if (q[j] & 0x10) qh[j / 8] |= (uint8_t)(1u << (j % 8));
}

static void indep_quantize(int32_t type, const float *x, uint8_t *out, int64_t n) {
    if (type == JM_TYPE_F32) { memcpy(out, x, (size_t)n * 4); return; }
    if (type == JM_TYPE_F16 || type == JM_TYPE_BF16) {
        for (int64_t i = 0; i < n; i++) put16(out + 2 * i, type == JM_TYPE_F16 ? indep_fp16(x[i]) : indep_bf16(x[i]));
        return;
    }
    const int64_t bs = row_bytes(type, 32);
    for (int64_t b = 0; b < n / 32; b++, x += 32, out += bs) {
        int q[32];
        /* the scale */
        float absmax = 0.0f, signed_max = 0.0f, lo = x[0], hi = x[0];
        int first = -1;
        for (int j = 0; j < 32; j++) {
            if (fabsf(x[j]) > absmax) { absmax = fabsf(x[j]); first = j; }
            lo = x[j] < lo ? x[j] : lo;
            hi = x[j] > hi ? x[j] : hi;
        }
        signed_max = first >= 0 ? x[first] : 0.0f;
        switch (type) {
        case JM_TYPE_Q8_0: case JM_TYPE_Q8_1: {
            const float d = absmax / 127.0f, id = d == 0.0f ? 0.0f : 1.0f / d;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                const float v = x[j] * id;
                q[j] = isfinite(v) ? round_away(v) : 0;
                sum += q[j];
            }
            int o = 0;
            put16(out, indep_fp16(d)); o = 2;
            if (type == JM_TYPE_Q8_1) { put16(out + 2, indep_fp16((float)sum * d)); o = 4; }
            for (int j = 0; j < 32; j++) out[o + j] = (uint8_t)(int8_t)q[j];
            break;
        }
        case JM_TYPE_Q4_0: case JM_TYPE_Q5_0: {
            const float half = type == JM_TYPE_Q4_0 ? 8.0f : 16.0f;
            const int top = type == JM_TYPE_Q4_0 ? 15 : 31;
            const float d = signed_max / -half, id = d == 0.0f ? 0.0f : 1.0f / d;
            for (int j = 0; j < 32; j++) {
                const float v = x[j] * id, w = v + (half + 0.5f); /* both rounded in float, as ggml does */
                q[j] = cast_i8(w);
                if (q[j] > top) q[j] = top;
            }
            put16(out, indep_fp16(d));
            if (type == JM_TYPE_Q4_0) pack_nibbles(out + 2, q);
            else { pack_qh(out + 2, q); pack_nibbles(out + 6, q); }
            break;
        }
        default: { /* Q4_1, Q5_1 */
            const int levels = type == JM_TYPE_Q4_1 ? 15 : 31;
            const float d = (hi - lo) / (float)levels, id = d == 0.0f ? 0.0f : 1.0f / d;
            for (int j = 0; j < 32; j++) {
                const float v = (x[j] - lo) * id, w = v + 0.5f;
                q[j] = cast_i8(w) & 0xFF;
                if (type == JM_TYPE_Q4_1 && q[j] > 15) q[j] = 15;
            }
            put16(out, indep_fp16(d));
            put16(out + 2, indep_fp16(lo));
            if (type == JM_TYPE_Q4_1) pack_nibbles(out + 4, q);
            else { pack_qh(out + 4, q); pack_nibbles(out + 8, q); }
            break;
        }
        }
    }
}

static void test_reference_vs_independent(void) {
    enum { N = 32 * 64 };
    float *x = malloc(N * sizeof(float));
    uint8_t *a = malloc(N * 4), *b = malloc(N * 4);
    g_rng = 77;
    for (int t = 0; t < N_ALL; t++) {
        const jm_type_traits *tr = jm_legacy_traits(k_all[t]);
        long bad = 0, rows = 0;
        for (int it = 0; it < 200; it++) {
            fill_row(x, N, it % 4);
            tr->from_float_ref(x, a, N);
            indep_quantize(k_all[t], x, b, N);
            if (memcmp(a, b, (size_t)row_bytes(k_all[t], N)) != 0) {
                if (bad == 0) {
                    for (int64_t i = 0; i < row_bytes(k_all[t], N); i++)
                        if (a[i] != b[i]) {
                            printf("  %s: first difference at byte %lld: %02x vs %02x (style %d)\n", tr->name, (long long)i,
                                   a[i], b[i], it % 4);
                            break;
                        }
                }
                bad++;
            }
            rows++;
        }
        CHECK(bad == 0, "%s reference quantizer vs independent formula: %ld of %ld rows differ", tr->name, bad, rows);
    }
    free(x); free(a); free(b);
}

/* llama.cpp's: scripts/golden-tables.sh prints this table from its libggml (quantize_row_*_ref,
   ggml_fp32_to_fp16_row, ggml_fp32_to_bf16_row_ref) on golden_input(), in GL_TYPES order */
static const uint64_t GOLDEN_LEGACY[GL_NTYPES] = {
    0xb677fcc7f431375dull, 0x74ca8f0f3ddd1dccull, 0xd5acae5cbbf0f0b3ull, 0xf7203fcadd184cffull,
    0x7d5eceb1c377cb54ull, 0x17c5b353b524fba1ull, 0x905732e8d053d3f1ull, 0x36e9823904700d35ull,
};

/* Golden: FNV-1a of our reference quantizers' bytes on golden_input(), against ggml's. */
static void test_golden(void) {
    float *x = malloc(GOLDEN_N * sizeof(float));
    uint8_t *y = malloc(GOLDEN_N * 4);
    golden_input(x);
    for (int i = 0; i < GL_NTYPES; i++) {
        const jm_type_traits *t = jm_legacy_traits(GL_TYPES[i]);
        t->from_float_ref(x, y, GOLDEN_N);
        const uint64_t h = golden_fnv1a(y, golden_row_bytes(GL_TYPES[i], GOLDEN_N));
        CHECK(h == GOLDEN_LEGACY[i], "%s golden bytes: hash %016llx, ggml's %016llx", t->name, (unsigned long long)h,
              (unsigned long long)GOLDEN_LEGACY[i]);
    }
    free(x); free(y);
}

/* ---- 4. quantize -> dequantize error bounds ------------------------------ */

static void test_roundtrip(void) {
    enum { N = 4096 };
    float *x = malloc(N * sizeof(float)), *r = malloc(N * sizeof(float));
    uint8_t *q = malloc(N * 4);
    g_rng = 5;
    for (int t = 0; t < N_ALL; t++) {
        const int32_t type = k_all[t];
        const jm_type_traits *tr = jm_legacy_traits(type);
        double worst = 0.0, se = 0.0, sx = 0.0;
        for (int it = 0; it < 8; it++) {
            const float scale = ldexpf(1.0f, 2 * it - 6); /* keeps every d a normal fp16 */
            for (int i = 0; i < N; i++) x[i] = rng_gauss() * scale;
            tr->from_float_ref(x, q, N);
            tr->to_float(q, r, N);
            for (int64_t b = 0; b < N / 32; b++) {
                const float *xb = x + 32 * b, *rb = r + 32 * b;
                float amax = 0, lo = xb[0], hi = xb[0];
                for (int j = 0; j < 32; j++) {
                    amax = fmaxf(amax, fabsf(xb[j]));
                    lo = fminf(lo, xb[j]);
                    hi = fmaxf(hi, xb[j]);
                }
                const double u16 = 1.0 / 2048; /* fp16 relative rounding of d and m */
                for (int j = 0; j < 32; j++) {
                    const double e = fabs((double)rb[j] - xb[j]);
                    double bound;
                    switch (type) {
                    case JM_TYPE_F32:  bound = 0.0; break;
                    case JM_TYPE_F16:  bound = fabs(xb[j]) * u16 + 1e-7; break;
                    case JM_TYPE_BF16: bound = fabs(xb[j]) / 256.0; break;
                    case JM_TYPE_Q8_0: case JM_TYPE_Q8_1:
                        bound = amax / 127.0 * (0.5 + 128 * u16) + 1e-7; break;
                    case JM_TYPE_Q4_0: bound = amax / 8.0 * (1.0 + 16 * u16) + 1e-7; break;
                    case JM_TYPE_Q5_0: bound = amax / 16.0 * (1.0 + 32 * u16) + 1e-7; break;
                    case JM_TYPE_Q4_1:
                        bound = (hi - lo) / 15.0 * (0.5 + 16 * u16) + fabs(lo) * u16 + 1e-7; break;
                    default: /* Q5_1 */
                        bound = (hi - lo) / 31.0 * (0.5 + 32 * u16) + fabs(lo) * u16 + 1e-7; break;
                    }
                    const double rel = bound > 0 ? e / bound : (e > 0 ? 1e9 : 0);
                    if (rel > worst) worst = rel;
                    se += e * e;
                    sx += (double)xb[j] * xb[j];
                }
            }
        }
        CHECK(worst <= 1.0, "%s round trip: worst error %.3f x its bound", tr->name, worst);
        const double rmse = sqrt(se / sx); /* relative rms error: what each type is for */
        const double want = type == JM_TYPE_F32 ? 0 : type == JM_TYPE_F16 ? 3e-4 : type == JM_TYPE_BF16 ? 3e-3
                          : (type == JM_TYPE_Q8_0 || type == JM_TYPE_Q8_1) ? 0.01
                          : (type == JM_TYPE_Q5_0 || type == JM_TYPE_Q5_1) ? 0.06 : 0.12;
        CHECK(rmse <= want, "%s round trip: relative rms error %.5f (limit %.5f)", tr->name, rmse, want);
    }
    free(x); free(r); free(q);
}

/* ---- 5. SIMD kernels against their scalar twins ----------------------------- */

/* Each kernel with the level it belongs to (test_levels.h); a run for a level checks its kernels. */
typedef struct { const char *name; int32_t type; jm_vec_dot_fn fn; const char *level; } dot_kernel;
typedef struct { const char *name; int32_t type; jm_from_float_fn fn; const char *level; } quant_kernel;
typedef struct { const char *name; int32_t type; jm_to_float_fn fn; const char *level; } deq_kernel;

#define NEED_AVX2 (JM_CPU_AVX2 | JM_CPU_FMA | JM_CPU_F16C)
#define NEED_AVX512 (NEED_AVX2 | JM_CPU_AVX512F | JM_CPU_AVX512BW | JM_CPU_AVX512VL)

static const dot_kernel k_dots[] = {
#if defined(JM_HAVE_X86_KERNELS)
    { "f32_avx2", JM_TYPE_F32, jm_vec_dot_f32_avx2, "avx2" },
    { "f16_avx2", JM_TYPE_F16, jm_vec_dot_f16_avx2, "avx2" },
    { "bf16_avx2", JM_TYPE_BF16, jm_vec_dot_bf16_avx2, "avx2" },
    { "q4_0_q8_0_avx2", JM_TYPE_Q4_0, jm_vec_dot_q4_0_q8_0_avx2, "avx2" },
    { "q4_1_q8_1_avx2", JM_TYPE_Q4_1, jm_vec_dot_q4_1_q8_1_avx2, "avx2" },
    { "q5_0_q8_0_avx2", JM_TYPE_Q5_0, jm_vec_dot_q5_0_q8_0_avx2, "avx2" },
    { "q5_1_q8_1_avx2", JM_TYPE_Q5_1, jm_vec_dot_q5_1_q8_1_avx2, "avx2" },
    { "q8_0_q8_0_avx2", JM_TYPE_Q8_0, jm_vec_dot_q8_0_q8_0_avx2, "avx2" },
    { "f32_avx512", JM_TYPE_F32, jm_vec_dot_f32_avx512, "avx512" },
    { "f16_avx512", JM_TYPE_F16, jm_vec_dot_f16_avx512, "avx512" },
    { "bf16_avx512", JM_TYPE_BF16, jm_vec_dot_bf16_avx512, "avx512" },
    { "bf16_avx512bf16", JM_TYPE_BF16, jm_vec_dot_bf16_avx512bf16, "avx512bf16" },
    { "q4_0_q8_0_avx512vnni", JM_TYPE_Q4_0, jm_vec_dot_q4_0_q8_0_avx512vnni, "avx512vnni" },
    { "q4_1_q8_1_avx512vnni", JM_TYPE_Q4_1, jm_vec_dot_q4_1_q8_1_avx512vnni, "avx512vnni" },
    { "q5_0_q8_0_avx512vnni", JM_TYPE_Q5_0, jm_vec_dot_q5_0_q8_0_avx512vnni, "avx512vnni" },
    { "q5_1_q8_1_avx512vnni", JM_TYPE_Q5_1, jm_vec_dot_q5_1_q8_1_avx512vnni, "avx512vnni" },
    { "q8_0_q8_0_avx512vnni", JM_TYPE_Q8_0, jm_vec_dot_q8_0_q8_0_avx512vnni, "avx512vnni" },
#endif
#if defined(JM_HAVE_NEON_KERNELS)
    { "q4_0_q8_0_neon", JM_TYPE_Q4_0, jm_vec_dot_q4_0_q8_0_neon, "neon" },
    { "q8_0_q8_0_neon", JM_TYPE_Q8_0, jm_vec_dot_q8_0_q8_0_neon, "neon" },
    { "q4_0_q8_0_dotprod", JM_TYPE_Q4_0, jm_vec_dot_q4_0_q8_0_dotprod, "dotprod" },
    { "q8_0_q8_0_dotprod", JM_TYPE_Q8_0, jm_vec_dot_q8_0_q8_0_dotprod, "dotprod" },
#endif
    { NULL, 0, NULL, NULL },
};

static const quant_kernel k_quants[] = {
#if defined(JM_HAVE_X86_KERNELS)
    { "q8_0_avx2", JM_TYPE_Q8_0, jm_quantize_row_q8_0_avx2, "avx2" },
    { "q8_1_avx2", JM_TYPE_Q8_1, jm_quantize_row_q8_1_avx2, "avx2" },
    { "f16_avx2", JM_TYPE_F16, jm_quantize_row_f16_avx2, "avx2" },
    { "bf16_avx2", JM_TYPE_BF16, jm_quantize_row_bf16_avx2, "avx2" },
#endif
    { NULL, 0, NULL, NULL },
};

static const deq_kernel k_deqs[] = {
#if defined(JM_HAVE_X86_KERNELS)
    { "f16_avx2", JM_TYPE_F16, jm_dequantize_row_f16_avx2, "avx2" },
    { "bf16_avx2", JM_TYPE_BF16, jm_dequantize_row_bf16_avx2, "avx2" },
    { "q4_0_avx2", JM_TYPE_Q4_0, jm_dequantize_row_q4_0_avx2, "avx2" },
    { "q4_1_avx2", JM_TYPE_Q4_1, jm_dequantize_row_q4_1_avx2, "avx2" },
    { "q5_0_avx2", JM_TYPE_Q5_0, jm_dequantize_row_q5_0_avx2, "avx2" },
    { "q5_1_avx2", JM_TYPE_Q5_1, jm_dequantize_row_q5_1_avx2, "avx2" },
    { "q8_0_avx2", JM_TYPE_Q8_0, jm_dequantize_row_q8_0_avx2, "avx2" },
#endif
    { NULL, 0, NULL, NULL },
};

/* The level this run checks (NULL: the scalar code and the tables); how many of its kernels ran. */
static const test_level *g_level;
static int g_level_kernels;
static int of_level(const char *level) {
    const int yes = test_level_is(g_level, level);
    g_level_kernels += yes;
    return yes;
}

/* The 32 quants of a block as integers (Q4_0/Q5_0 offset removed): the
 * block dequantized with d = 1 and m = 0. */
static void block_q_values(int32_t type, const uint8_t *blk, float *q) {
    const jm_type_traits *t = jm_legacy_traits(type);
    uint8_t tmp[64];
    memcpy(tmp, blk, (size_t)t->type_size);
    put16(tmp, 0x3C00);
    if (type == JM_TYPE_Q4_1 || type == JM_TYPE_Q5_1) put16(tmp + 2, 0);
    t->to_float(tmp, q, 32);
}

/*
 * sum |x_i * y_i| over the dot's products (for quant types: |dx*dy| *
 * sum |qx*qy| per block, plus |mx*sy|): the scale against which a reordered
 * float sum is judged. Relative to the result itself would be ill-conditioned
 * when the products cancel, and a SIMD kernel turns each block into 8 or 16
 * partial sums before it scales and adds them. Also returns the exact dot.
 */
static double dot_magnitude(int32_t type, const void *x, const void *y, int64_t n, double *exact) {
    const jm_type_traits *tx = jm_legacy_traits(type), *ty = jm_legacy_traits(tx->vec_dot_type);
    double mag = 0.0, sum = 0.0;
    if (tx->block_size == 32) {
        /* exact per block from the raw quants: dx*dy*sum(qx*qy) (+ mx*sy), all exact in double */
        const uint8_t *xb = x, *yb = y;
        const int has_min = type == JM_TYPE_Q4_1 || type == JM_TYPE_Q5_1;
        for (int64_t b = 0; b < n / 32; b++) {
            const uint8_t *bx = xb + b * tx->type_size, *by = yb + b * ty->type_size;
            float qx[32], qy[32];
            block_q_values(type, bx, qx);
            block_q_values(tx->vec_dot_type, by, qy);
            double sumi = 0.0, sumabs = 0.0;
            for (int j = 0; j < 32; j++) {
                sumi += (double)qx[j] * qy[j];
                sumabs += fabs((double)qx[j] * qy[j]);
            }
            const double dd = (double)jm_rd_fp16(bx) * (double)jm_rd_fp16(by);
            const double mterm = has_min ? (double)jm_rd_fp16(bx + 2) * (double)jm_rd_fp16(by + 2) : 0.0;
            sum += dd * sumi + mterm;
            mag += fabs(dd) * sumabs + fabs(mterm);
        }
    } else {
        float *fx = malloc((size_t)n * sizeof(float)), *fy = malloc((size_t)n * sizeof(float));
        tx->to_float(x, fx, n);
        ty->to_float(y, fy, n);
        for (int64_t i = 0; i < n; i++) {
            sum += (double)fx[i] * fy[i];
            mag += fabs((double)fx[i] * fy[i]);
        }
        free(fx); free(fy);
    }
    *exact = sum;
    return mag;
}

/* buffers at a chosen misalignment */
typedef struct { uint8_t *mem; uint8_t *p; } ubuf;
static ubuf ubuf_make(size_t bytes, size_t offset) {
    ubuf b;
    b.mem = malloc(bytes + 64 + offset);
    b.p = (uint8_t *)(((uintptr_t)b.mem + 63) & ~(uintptr_t)63) + offset;
    return b;
}

/* The scalar twins against the exact dot. */
static void test_scalar_dots(void) {
    const int64_t maxn = 8192 + 96;
    float *xf = malloc((size_t)maxn * sizeof(float)), *yf = malloc((size_t)maxn * sizeof(float));

    /* the scalar twins against the exact dot (double), for every type */
    for (int t = 0; t < N_ALL; t++) {
        const int32_t type = k_all[t];
        const jm_type_traits *tx = jm_legacy_traits(type);
        if (!tx->vec_dot_scalar) continue;
        const jm_type_traits *ty = jm_legacy_traits(tx->vec_dot_type);
        double worst = 0.0;
        for (int it = 0; it < 20; it++) {
            const int64_t n = it % 2 ? 4096 + 32 : 96;
            g_rng = 1000 + (uint64_t)it;
            fill_row(xf, n, it % 2 ? 2 : 0);
            fill_row(yf, n, 0);
            uint8_t *x = malloc((size_t)row_bytes(type, n)), *y = malloc((size_t)row_bytes(tx->vec_dot_type, n));
            tx->from_float_ref(xf, x, n);
            ty->from_float_ref(yf, y, n);
            float s;
            tx->vec_dot_scalar(n, &s, x, y);
            double exact;
            const double mag = dot_magnitude(type, x, y, n, &exact);
            /* float summation of nb terms (or n products) plus the per-term roundings */
            const double terms = tx->block_size == 32 ? (double)(n / 32) : 0.0;
            const double tol = (terms + 4) * 0x1p-24 * mag + 1e-30;
            if (isfinite(s) && isfinite(exact)) {
                const double r = fabs(s - exact) / tol;
                if (r > worst) worst = r;
            } else {
                worst = 1e9;
            }
            free(x); free(y);
        }
        CHECK(worst <= 1.0, "%s scalar dot vs exact: worst error %.3f x the float-summation bound", tx->name, worst);
    }

    free(xf); free(yf);
}

/* The level's dots against their scalar twins. */
static void test_simd_dots(void) {
    static const int64_t nq[] = { 32, 64, 96, 128, 160, 224, 4096 + 32, 8192 + 96 };
    static const int64_t nf[] = { 1, 7, 8, 15, 31, 32, 33, 64, 100, 127, 129, 4097, 4096 + 32, 8192 + 96 };
    const int64_t maxn = 8192 + 96;
    float *xf = malloc((size_t)maxn * sizeof(float)), *yf = malloc((size_t)maxn * sizeof(float));
    for (const dot_kernel *k = k_dots; k->name; k++) {
        if (!of_level(k->level)) continue;
        const jm_type_traits *tx = jm_legacy_traits(k->type), *ty = jm_legacy_traits(tx->vec_dot_type);
        const int64_t *ns = tx->block_size == 32 ? nq : nf;
        const int nn = tx->block_size == 32 ? (int)(sizeof nq / sizeof nq[0]) : (int)(sizeof nf / sizeof nf[0]);
        double worst = 0.0;
        int64_t worst_n = 0;
        int cases = 0;
        for (int ni = 0; ni < nn; ni++) {
            const int64_t n = ns[ni];
            for (int off = 0; off < 3; off++) {
                /* quant blocks at odd byte offsets; floats/halves at element misalignment */
                const size_t ox = tx->block_size == 32 ? (size_t)(off * 3 % 4) : (size_t)(off * tx->type_size);
                const size_t oy = tx->block_size == 32 ? (size_t)off : (size_t)((3 - off) % 3 * tx->type_size);
                g_rng = 31 * (uint64_t)n + (uint64_t)off;
                fill_row(xf, n, off == 1 ? 2 : 0);
                fill_row(yf, n, 0);
                ubuf bx = ubuf_make((size_t)row_bytes(k->type, n), ox);
                ubuf by = ubuf_make((size_t)row_bytes(tx->vec_dot_type, n), oy);
                tx->from_float_ref(xf, bx.p, n);
                ty->from_float_ref(yf, by.p, n);
                float s_ref, s_simd;
                tx->vec_dot_scalar(n, &s_ref, bx.p, by.p);
                k->fn(n, &s_simd, bx.p, by.p);
                double exact;
                const double mag = dot_magnitude(k->type, bx.p, by.p, n, &exact);
                const double r = fabs((double)s_simd - s_ref) / (1e-6 * mag + 1e-30);
                if (!(r <= worst)) { worst = r; worst_n = n; }
                cases++;
                free(bx.mem); free(by.mem);
            }
        }
        /* random quant BYTES too (every nibble and 5th-bit pattern, y down to -127..127) */
        if (tx->block_size == 32) {
            for (int it = 0; it < 50; it++) {
                const int64_t n = 32 * (1 + it % 9);
                g_rng = 555 + (uint64_t)it;
                ubuf bx = ubuf_make((size_t)row_bytes(k->type, n), (size_t)(it % 5));
                ubuf by = ubuf_make((size_t)row_bytes(tx->vec_dot_type, n), (size_t)(it % 3));
                for (int64_t i = 0; i < row_bytes(k->type, n); i++) bx.p[i] = (uint8_t)rng_next();
                for (int64_t i = 0; i < row_bytes(tx->vec_dot_type, n); i++) {
                    int8_t v = (int8_t)rng_next();
                    by.p[i] = (uint8_t)(v == -128 ? 127 : v);
                }
                /* sane scales: random finite fp16 in [2^-8, 2^8) with random sign */
                for (int64_t b = 0; b < n / 32; b++) {
                    for (int f = 0; f < (tx->type_size == 18 || tx->type_size == 22 || tx->type_size == 34 ? 1 : 2); f++)
                        put16(bx.p + b * tx->type_size + 2 * f, (uint16_t)(((rng_next() & 1) << 15) | ((7 + rng_next() % 16) << 10) | (rng_next() & 0x3FF)));
                    for (int f = 0; f < (ty->type_size == 34 ? 1 : 2); f++)
                        put16(by.p + b * ty->type_size + 2 * f, (uint16_t)(((rng_next() & 1) << 15) | ((7 + rng_next() % 16) << 10) | (rng_next() & 0x3FF)));
                }
                float s_ref, s_simd;
                tx->vec_dot_scalar(n, &s_ref, bx.p, by.p);
                k->fn(n, &s_simd, bx.p, by.p);
                double exact;
                const double mag = dot_magnitude(k->type, bx.p, by.p, n, &exact);
                const double r = fabs((double)s_simd - s_ref) / (1e-6 * mag + 1e-30);
                if (!(r <= worst)) { worst = r; worst_n = n; }
                cases++;
                free(bx.mem); free(by.mem);
            }
        }
        printf("  %-22s %3d rows, worst |simd - scalar| = %.3g x 1e-6 * sum|x_i*y_i|\n", k->name, cases, worst);
        CHECK(worst <= 1.0, "%s vs scalar twin over %d rows: worst |diff| = %.3g x 1e-6 * sum|x_i*y_i| (n=%lld)",
              k->name, cases, worst, (long long)worst_n);
    }
    free(xf); free(yf);
}

static void test_activation_quantizers(void) {
    const int64_t maxn = 4096 + 96;
    float *x = malloc((size_t)maxn * sizeof(float));
    uint8_t *a = malloc((size_t)maxn * 4 + 64);
    for (const quant_kernel *k = k_quants; k->name; k++) {
        if (!of_level(k->level)) continue;
        const jm_type_traits *t = jm_legacy_traits(k->type);
        long bad = 0, rows = 0;
        for (int it = 0; it < 400; it++) {
            int64_t n = t->block_size == 32 ? 32 * (1 + it % 7) : 1 + it % 53;
            if (it % 10 == 9) n = t->block_size == 32 ? 4096 + 32 : 4096 + 37;
            g_rng = 9000 + (uint64_t)it;
            const size_t xo = (size_t)(it % 3), yo = (size_t)(it % 5);
            ubuf bx = ubuf_make((size_t)n * sizeof(float), xo * 4);
            ubuf by = ubuf_make((size_t)row_bytes(k->type, n), yo);
            fill_row(x, n, it % 4);
            if (it % 13 == 0) x[rng_next() % n] = INFINITY;
            if (it % 13 == 1) x[rng_next() % n] = -INFINITY;
            if (it % 13 == 2) x[rng_next() % n] = NAN;
            if (it % 13 == 3) x[rng_next() % n] = -NAN;
            memcpy(bx.p, x, (size_t)n * sizeof(float));
            jm_legacy_activation_quantizer(k->type)(x, a, n); /* the scalar twin */
            k->fn((const float *)bx.p, by.p, n);
            if (memcmp(a, by.p, (size_t)row_bytes(k->type, n)) != 0) bad++;
            rows++;
            free(bx.mem); free(by.mem);
        }
        CHECK(bad == 0, "%s equals its scalar twin's bytes: %ld of %ld rows differ", k->name, bad, rows);

        if (k->type == JM_TYPE_F16 || k->type == JM_TYPE_BF16) {
            /* every 16-bit pattern's value, its float neighbours and the exact midpoints to the
             * next pattern (the ties), plus a sweep over the whole float range */
            enum { M = 65536 * 5 };
            float *v = malloc(M * sizeof(float));
            uint8_t *h1 = malloc(M * 2), *h2 = malloc(M * 2);
            for (uint32_t h = 0; h < 65536; h++) {
                float f = k->type == JM_TYPE_F16 ? jm_fp16_to_f32((uint16_t)h) : jm_bf16_to_f32((uint16_t)h);
                float g = k->type == JM_TYPE_F16 ? jm_fp16_to_f32((uint16_t)(h + 1)) : jm_bf16_to_f32((uint16_t)(h + 1));
                uint32_t u = jm_f32_to_bits(f);
                v[5 * h + 0] = f;
                v[5 * h + 1] = jm_bits_to_f32(u + 1);
                v[5 * h + 2] = jm_bits_to_f32(u - 1);
                v[5 * h + 3] = (float)(((double)f + (double)g) / 2); /* exact: fp16/bf16 midpoints fit a float */
                v[5 * h + 4] = jm_bits_to_f32(jm_f32_to_bits(v[5 * h + 3]) + 1);
            }
            t->from_float_ref(v, h1, M);
            k->fn(v, h2, M);
            CHECK(memcmp(h1, h2, M * 2) == 0, "%s equals the reference at every pattern, neighbour and tie", k->name);
            long sweep_bad = 0;
            for (uint64_t base = 0; base < (1ull << 32); base += (uint64_t)M * 4099) {
                for (int i = 0; i < M; i++) v[i] = jm_bits_to_f32((uint32_t)(base + (uint64_t)i * 4099));
                t->from_float_ref(v, h1, M);
                k->fn(v, h2, M);
                if (memcmp(h1, h2, M * 2) != 0) sweep_bad++;
            }
            CHECK(sweep_bad == 0, "%s equals the reference over a sweep of all float bit patterns", k->name);
            free(v); free(h1); free(h2);
        }
    }
    free(x); free(a);
}

static void test_dequantizers(void) {
    for (const deq_kernel *k = k_deqs; k->name; k++) {
        if (!of_level(k->level)) continue;
        const jm_type_traits *t = jm_legacy_traits(k->type);
        long bad = 0, rows = 0;
        for (int it = 0; it < 200; it++) {
            int64_t n = t->block_size == 32 ? 32 * (1 + it % 9) : 1 + it % 41;
            if (it % 10 == 9) n = t->block_size == 32 ? 4096 + 32 : 4096 + 19;
            g_rng = 4242 + (uint64_t)it;
            ubuf bx = ubuf_make((size_t)row_bytes(k->type, n), (size_t)(it % 4));
            ubuf by = ubuf_make((size_t)n * sizeof(float), (size_t)(it % 3) * 4);
            float *ref = malloc((size_t)n * sizeof(float));
            for (int64_t i = 0; i < row_bytes(k->type, n); i++) bx.p[i] = (uint8_t)rng_next(); /* any bytes */
            t->to_float(bx.p, ref, n);
            k->fn(bx.p, (float *)by.p, n);
            if (memcmp(ref, by.p, (size_t)n * sizeof(float)) != 0) bad++; /* bitwise: NaNs must match too */
            rows++;
            free(bx.mem); free(by.mem); free(ref);
        }
        CHECK(bad == 0, "%s equals the scalar dequantizer bit for bit: %ld of %ld rows differ", k->name, bad, rows);
    }
    /* F16 and BF16: all 65536 patterns */
    uint16_t *h = malloc(65536 * 2);
    float *a = malloc(65536 * 4), *b = malloc(65536 * 4);
    for (uint32_t i = 0; i < 65536; i++) h[i] = (uint16_t)i;
    for (const deq_kernel *k = k_deqs; k->name; k++) {
        if (k->type != JM_TYPE_F16 && k->type != JM_TYPE_BF16) continue;
        if (!test_level_is(g_level, k->level)) continue;
        jm_legacy_traits(k->type)->to_float(h, a, 65536);
        k->fn(h, b, 65536);
        CHECK(memcmp(a, b, 65536 * 4) == 0, "%s equals the scalar conversion on all 65536 patterns", k->name);
    }
    /* and the scalar fp16 conversion is right: exact values from a formula */
    long wrong = 0;
    jm_dequantize_row_f16(h, a, 65536);
    for (uint32_t i = 0; i < 65536; i++) {
        const int e = (int)(i >> 10) & 31, m = (int)(i & 1023);
        const double sgn = (i >> 15) ? -1.0 : 1.0;
        if (e == 31) { if (m == 0 ? !(isinf(a[i]) && (a[i] < 0) == (sgn < 0)) : !isnan(a[i])) wrong++; continue; }
        const double want = sgn * (e == 0 ? ldexp(m, -24) : ldexp(1024 + m, e - 25));
        if ((double)a[i] != want || (signbit(a[i]) != 0) != (sgn < 0)) wrong++;
    }
    CHECK(wrong == 0, "fp16 -> f32 is exact for all 65536 patterns (%ld wrong)", wrong);
    free(h); free(a); free(b);
}

/* ---- 6. the dispatch table ------------------------------------------------ */

static void test_dispatch(void) {
    jm_kernels k;
    /* scalar level: every entry is the scalar twin, whatever the CPU */
    jm_kernels_init(&k, 0);
    int ok = k.level == JM_LEVEL_SCALAR;
    for (int t = 0; t < N_ALL; t++) {
        const jm_type_traits *tr = jm_legacy_traits(k_all[t]);
        ok &= k.vec_dot[k_all[t]] == tr->vec_dot_scalar && k.from_float[k_all[t]] == jm_legacy_activation_quantizer(k_all[t]) &&
              k.to_float[k_all[t]] == tr->to_float;
    }
    CHECK(ok, "features 0 gives the scalar kernels for every legacy type");
    CHECK(k.vec_dot[JM_TYPE_Q8_1] == NULL, "no dot product takes Q8_1 weights");
    /* a level asked for without its feature bits falls back to scalar */
    memset(&k, 0, sizeof k);
    jm_kernels_init_legacy(&k, JM_LEVEL_AVX512, 0);
    CHECK(k.vec_dot[JM_TYPE_Q4_0] == jm_vec_dot_q4_0_q8_0_scalar, "level without feature bits stays scalar");
#if defined(JM_HAVE_X86_KERNELS)
    /* the tables are only compared here, not run, so any CPU can check them */
    jm_kernels_init(&k, NEED_AVX2);
    CHECK(k.level == JM_LEVEL_AVX2 && k.vec_dot[JM_TYPE_Q4_0] == jm_vec_dot_q4_0_q8_0_avx2 &&
              k.vec_dot[JM_TYPE_Q8_0] == jm_vec_dot_q8_0_q8_0_avx2 && k.vec_dot[JM_TYPE_Q5_1] == jm_vec_dot_q5_1_q8_1_avx2 &&
              k.vec_dot[JM_TYPE_F16] == jm_vec_dot_f16_avx2 && k.from_float[JM_TYPE_Q8_0] == jm_quantize_row_q8_0_avx2 &&
              k.from_float[JM_TYPE_Q8_1] == jm_quantize_row_q8_1_avx2 && k.to_float[JM_TYPE_Q4_0] == jm_dequantize_row_q4_0_avx2 &&
              k.from_float[JM_TYPE_F32] == jm_quantize_row_f32_ref,
          "AVX2 level picks the AVX2 kernels");
    jm_kernels_init(&k, NEED_AVX2 | JM_CPU_AVX512F | JM_CPU_AVX512BW); /* no VL: not AVX-512 */
    CHECK(k.level == JM_LEVEL_AVX2 && k.vec_dot[JM_TYPE_F32] == jm_vec_dot_f32_avx2, "AVX-512 without VL stays AVX2");
    jm_kernels_init(&k, NEED_AVX512);
    CHECK(k.level == JM_LEVEL_AVX512 && k.vec_dot[JM_TYPE_Q8_0] == jm_vec_dot_q8_0_q8_0_avx2 &&
              k.vec_dot[JM_TYPE_Q4_0] == jm_vec_dot_q4_0_q8_0_avx2 && k.vec_dot[JM_TYPE_F32] == jm_vec_dot_f32_avx512 &&
              k.vec_dot[JM_TYPE_BF16] == jm_vec_dot_bf16_avx512,
          "AVX-512 without VNNI/BF16: integer dots stay AVX2, float dots AVX-512");
    jm_kernels_init(&k, NEED_AVX512 | JM_CPU_AVX512VNNI | JM_CPU_AVX512BF16);
    CHECK(k.vec_dot[JM_TYPE_Q8_0] == jm_vec_dot_q8_0_q8_0_avx512vnni &&
              k.vec_dot[JM_TYPE_Q4_0] == jm_vec_dot_q4_0_q8_0_avx512vnni &&
              k.vec_dot[JM_TYPE_Q4_1] == jm_vec_dot_q4_1_q8_1_avx512vnni &&
              k.vec_dot[JM_TYPE_BF16] == jm_vec_dot_bf16_avx512bf16 && k.vec_dot[JM_TYPE_F16] == jm_vec_dot_f16_avx512,
          "AVX-512 with VNNI and BF16 picks those kernels");
#endif
#if defined(JM_HAVE_NEON_KERNELS)
    jm_kernels_init(&k, JM_CPU_NEON);
    CHECK(k.level == JM_LEVEL_NEON && k.vec_dot[JM_TYPE_Q8_0] == jm_vec_dot_q8_0_q8_0_neon &&
              k.vec_dot[JM_TYPE_Q4_0] == jm_vec_dot_q4_0_q8_0_neon, "NEON level picks the NEON kernels");
    jm_kernels_init(&k, JM_CPU_NEON | JM_CPU_DOTPROD);
    CHECK(k.vec_dot[JM_TYPE_Q8_0] == jm_vec_dot_q8_0_q8_0_dotprod &&
              k.vec_dot[JM_TYPE_Q4_0] == jm_vec_dot_q4_0_q8_0_dotprod, "NEON with dotprod picks the sdot kernels");
#endif

    /* the table this CPU gets end to end: quantize an activation with the table's from_float,
     * dot with the table's vec_dot, compare with the all-scalar path */
    jm_kernels best;
    jm_kernels_init(&best, test_cpu_features());
    printf("  this CPU: level %d, features 0x%x\n", best.level, best.features);
    enum { N = 4096 };
    float *w = malloc(N * sizeof(float)), *act = malloc(N * sizeof(float));
    uint8_t *qw = malloc(N * 4), *qa = malloc(N * 4 + 64), *qr = malloc(N * 4 + 64);
    g_rng = 123;
    fill_row(w, N, 0);
    fill_row(act, N, 0);
    for (int t = 0; t < N_ALL; t++) {
        const jm_type_traits *tr = jm_legacy_traits(k_all[t]);
        if (!tr->vec_dot_scalar) continue;
        tr->from_float_ref(w, qw, N);
        best.from_float[tr->vec_dot_type](act, qa, N);
        jm_legacy_activation_quantizer(tr->vec_dot_type)(act, qr, N);
        CHECK(memcmp(qa, qr, (size_t)row_bytes(tr->vec_dot_type, N)) == 0, "table from_float[%s] = scalar twin's bytes",
              jm_legacy_traits(tr->vec_dot_type)->name);
        float s1, s2;
        best.vec_dot[k_all[t]](N, &s1, qw, qa);
        tr->vec_dot_scalar(N, &s2, qw, qr);
        double exact;
        const double mag = dot_magnitude(k_all[t], qw, qr, N, &exact);
        CHECK(fabs((double)s1 - s2) <= 1e-6 * mag, "table vec_dot[%s] = scalar (%.9g vs %.9g)", tr->name, s1, s2);
    }
    free(w); free(act); free(qw); free(qa); free(qr);
}

/* Level l's SIMD kernels against their twins. */
static void check_level(const test_level *l) {
    g_level = l;
    test_simd_dots();
    test_activation_quantizers();
    test_dequantizers();
    CHECK(g_level_kernels > 0, "level %s has kernels here", l->name);
}

/* The scalar code and the tables. */
static void check_rest(void) {
    test_traits();
    test_hand_q8_0();
    test_hand_q4_0();
    test_hand_others();
    test_reference_vs_independent();
    test_golden();
    test_roundtrip();
    test_scalar_dots();
    test_dequantizers();
    test_dispatch();
}

/* argv[1]: a level's SIMD kernels (test_levels.h); none: the scalar code and the tables. */
int main(int argc, char **argv) {
    const int status = test_levels_main(argc, argv, check_level, check_rest);
    return status ? status : test_report();
}
