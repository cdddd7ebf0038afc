/*
 * test_gemm_legacy.c - the tiled products (jm_kernels.gemm) of the legacy
 * quant types, at every kernel level this CPU can run:
 *   1. against the oracle, jm_gemm_by_dots with the scalar dot, within
 *      1e-5 of the sum of |products| (float summation order only);
 *   2. the contract: the product in one call equals, byte for byte, the
 *      same product computed in pieces (row splits of every size, single
 *      columns, column groups), so no result depends on its tile;
 *   3. nothing outside y's rows [r0, r1) and columns is written;
 *   4. the AVX2 and AVX-512 kernels of a type give the same bits (they run
 *      the same float sequence per (row, column)).
 * Weights come from the reference quantizers and also as raw random
 * bytes (every int8 / nibble pattern, -128 included); activations from
 * the scalar activation quantizer and, for Q8_0, as raw bytes in -127..127
 * (the range every Q8 quantizer writes, which the AVX2 kernels rely on).
 *
 * Prints "N passed, M failed" and exits non-zero on any failure.
 */
#include "quants/legacy_kernels.h" /* first: no fp contraction here either */
#include "kernels/kernels.h"
#include "jmamba.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "test_util.h"
#include "test_levels.h"

static const int32_t k_types[] = { JM_TYPE_Q4_0, JM_TYPE_Q4_1, JM_TYPE_Q5_0, JM_TYPE_Q5_1, JM_TYPE_Q8_0 };

/* Every fp16 field of a block sits at even offsets 0 (d) and 2 (m or s,
   for Q4_1/Q5_1/Q8_1). A raw block keeps its random quant bytes and gets
   sane scales: fp16 of magnitude 2^-6..2^1, either sign. */
static void raw_row(int32_t type, uint8_t *p, int64_t n) {
    const jm_type_traits *t = jm_legacy_traits(type);
    const int two = type == JM_TYPE_Q4_1 || type == JM_TYPE_Q5_1 || type == JM_TYPE_Q8_1;
    for (int64_t i = 0; i < n / 32 * t->type_size; i++) p[i] = (uint8_t)rng_next();
    for (int64_t b = 0; b < n / 32; b++) {
        uint8_t *blk = p + b * t->type_size;
        for (int f = 0; f < (two ? 2 : 1); f++) {
            const uint16_t h = (uint16_t)(((rng_next() & 1) << 15) | ((9 + rng_next() % 8) << 10) | (rng_next() & 1023));
            memcpy(blk + 2 * f, &h, 2);
        }
    }
}

/* Sum of |w_i * a_i| over the row, from the dequantized values. */
static double magnitude(const float *w, const float *a, int64_t n) {
    double s = 0.0;
    for (int64_t i = 0; i < n; i++) s += fabs((double)w[i] * a[i]);
    return s;
}

typedef struct {
    int64_t n, rows, cols;
} shape;

/* Each type's and shape's full product at the first level checked, to
   compare the next level's with. */
#define N_SHAPES 13
static float *g_first[5][N_SHAPES];

/* One type, one shape, one kernel: the oracle, then the contract. */
static void check_shape(const char *lvl, int32_t type, jm_gemm_fn gemm, shape s, int raw, float **first, int lanes) {
    const jm_type_traits *t = jm_legacy_traits(type);
    const jm_type_traits *vt = jm_legacy_traits(t->vec_dot_type);
    const int64_t wrb = s.n / 32 * t->type_size, arb = s.n / 32 * vt->type_size + 8; /* odd act stride */
    const int64_t ys = s.rows + 3;
    uint8_t *w = malloc((size_t)(wrb * s.rows)), *act = malloc((size_t)(arb * s.cols));
    float *f = malloc(sizeof(float) * (size_t)s.n);
    float *wf = malloc(sizeof(float) * (size_t)(s.n * s.rows)), *af = malloc(sizeof(float) * (size_t)(s.n * s.cols));
    const size_t ybytes = sizeof(float) * (size_t)(ys * s.cols);
    float *y_ref = malloc(ybytes), *y_full = malloc(ybytes), *y_part = malloc(ybytes);

    for (int64_t r = 0; r < s.rows; r++) {
        uint8_t *wr = w + r * wrb;
        if (raw & 1) raw_row(type, wr, s.n);
        else {
            const float sc = ldexpf(1.0f, (int)(r % 7) - 3);
            for (int64_t i = 0; i < s.n; i++) f[i] = rng_gauss() * sc;
            t->from_float_ref(f, wr, s.n);
        }
        t->to_float(wr, wf + r * s.n, s.n);
    }
    for (int64_t c = 0; c < s.cols; c++) {
        uint8_t *ac = act + c * arb;
        if ((raw & 2) && t->vec_dot_type == JM_TYPE_Q8_0) { /* Q8_1's s must match its quants: quantizer only */
            raw_row(t->vec_dot_type, ac, s.n);
            /* activation quants are -127..127, as every Q8 quantizer writes them (the AVX2 kernels rely on it) */
            for (int64_t b = 0; b < s.n / 32; b++)
                for (int i = 0; i < 32; i++)
                    if (ac[b * 34 + 2 + i] == 0x80) ac[b * 34 + 2 + i] = 0x81;
        }
        else {
            for (int64_t i = 0; i < s.n; i++) f[i] = rng_gauss() * (1.0f + (float)(c % 5));
            jm_legacy_activation_quantizer(t->vec_dot_type)(f, ac, s.n);
        }
        vt->to_float(ac, af + c * s.n, s.n);
    }

    jm_gemm_args g = { .n = s.n, .w = w, .w_row_bytes = wrb, .act = act, .act_stride = arb,
                       .n_cols = s.cols, .y = y_ref, .y_stride = ys };
    memset(y_ref, 0x7F, ybytes);
    jm_gemm_by_dots(t->vec_dot_scalar, &g, 0, s.rows);

    /* 1. against the oracle; the padding rows stay untouched */
    g.y = y_full;
    memset(y_full, 0x7F, ybytes);
    gemm(&g, 0, s.rows);
    double worst = 0.0;
    int pad_ok = 1;
    for (int64_t c = 0; c < s.cols; c++) {
        for (int64_t r = 0; r < s.rows; r++) {
            const double mag = magnitude(wf + r * s.n, af + c * s.n, s.n);
            const double err = fabs((double)y_full[c * ys + r] - y_ref[c * ys + r]);
            const double rel = mag > 0 ? err / mag : err;
            if (!(rel <= worst)) worst = rel; /* NaN sticks */
        }
        for (int64_t r = s.rows; r < ys; r++) pad_ok &= ((const uint32_t *)y_full)[c * ys + r] == 0x7F7F7F7Fu;
    }
    CHECK(worst <= 1e-5, "%s %s n=%lld rows=%lld cols=%lld raw=%d: worst error %.3g of sum|products|", lvl, t->name,
          (long long)s.n, (long long)s.rows, (long long)s.cols, raw, worst);
    CHECK(pad_ok, "%s %s rows=%lld cols=%lld: padding untouched", lvl, t->name, (long long)s.rows, (long long)s.cols);
    /* empty ranges write nothing */
    memcpy(y_part, y_full, ybytes);
    g.y = y_part;
    gemm(&g, s.rows / 2, s.rows / 2);
    g.n_cols = 0;
    gemm(&g, 0, s.rows);
    g.n_cols = s.cols;
    CHECK(memcmp(y_full, y_part, ybytes) == 0, "%s %s: empty row or column ranges write nothing", lvl, t->name);

    /* 2. the contract: row pieces of sizes 16, 1, 3, 5, 7, 4, 13 ... over all columns */
    static const int64_t steps[] = { 16, 1, 3, 5, 7, 4, 13, 2, 32, 9 };
    for (int k = 0; k < 3; k++) {
        memset(y_part, 0x7F, ybytes);
        g.y = y_part;
        g.n_cols = s.cols;
        for (int64_t r = 0, i = k; r < s.rows; i++) {
            const int64_t step = k == 0 ? JM_GEMM_ROW_ALIGN : steps[i % 10];
            const int64_t r1 = r + step < s.rows ? r + step : s.rows;
            gemm(&g, r, r1);
            r = r1;
        }
        CHECK(memcmp(y_full, y_part, ybytes) == 0, "%s %s n=%lld rows=%lld cols=%lld: row split %d equals one call",
              lvl, t->name, (long long)s.n, (long long)s.rows, (long long)s.cols, k);
    }
    /* single columns (decode) and column groups of 3 to 6 with odd row splits */
    for (int k = 0; k < 5; k++) {
        const int64_t cw = k == 0 ? 1 : k == 1 ? 3 : k == 2 ? 4 : k == 3 ? 5 : 6;
        memset(y_part, 0x7F, ybytes);
        for (int64_t c = 0; c < s.cols; c += cw) {
            g.act = act + c * arb;
            g.y = y_part + c * ys;
            g.n_cols = c + cw <= s.cols ? cw : s.cols - c;
            for (int64_t r = 0, i = c; r < s.rows; i++) {
                const int64_t r1 = r + steps[i % 10] < s.rows ? r + steps[i % 10] : s.rows;
                gemm(&g, r, k == 0 ? s.rows : r1);
                r = k == 0 ? s.rows : r1;
            }
        }
        CHECK(memcmp(y_full, y_part, ybytes) == 0, "%s %s n=%lld rows=%lld cols=%lld: %lld-column calls equal one call",
              lvl, t->name, (long long)s.n, (long long)s.rows, (long long)s.cols, (long long)cw);
    }
    /* 3. weights repacked at load (Q4_0, Q8_0) give the same bits: in one call, in
       16-row pieces, in odd pieces (which start off the packed groups) and by single columns */
    const size_t pbytes = lanes ? jm_gemm_packed_size(type, s.n, s.rows, lanes) : 0;
    if (pbytes) {
        void *packed = malloc(pbytes);
        jm_gemm_pack(type, w, s.n, s.rows, lanes, packed);
        for (int k = 0; k < 4; k++) {
            memset(y_part, 0x7F, ybytes);
            jm_gemm_args gp = g;
            gp.w_packed = packed;
            gp.act = act;
            gp.y = y_part;
            gp.n_cols = s.cols;
            if (k == 0) gemm(&gp, 0, s.rows);
            for (int64_t r = 0, i = 0; k == 1 || k == 2; i++) {
                const int64_t r1 = r + (k == 1 ? JM_GEMM_ROW_ALIGN : steps[i % 10]);
                gemm(&gp, r, r1 < s.rows ? r1 : s.rows);
                if ((r = r1) >= s.rows) break;
            }
            for (int64_t c = 0; k == 3 && c < s.cols; c++) {
                gp.act = act + c * arb;
                gp.y = y_part + c * ys;
                gp.n_cols = 1;
                gemm(&gp, 0, s.rows);
            }
            CHECK(memcmp(y_full, y_part, ybytes) == 0, "%s %s n=%lld rows=%lld cols=%lld: packed weights (%d) give the same bits",
                  lvl, t->name, (long long)s.n, (long long)s.rows, (long long)s.cols, k);
        }
        free(packed);
    }
    /* 4. the same bits as the other instruction set's kernel */
    if (*first) {
        CHECK(memcmp(*first, y_full, ybytes) == 0, "%s %s n=%lld rows=%lld cols=%lld: same bits as the other level",
              lvl, t->name, (long long)s.n, (long long)s.rows, (long long)s.cols);
        free(*first);
        *first = NULL;
    } else {
        *first = malloc(ybytes);
        memcpy(*first, y_full, ybytes);
    }
    free(w); free(act); free(f); free(wf); free(af); free(y_ref); free(y_full); free(y_part);
}

static void check_level(const char *lvl, const jm_kernels *k) {
    static const shape shapes[N_SHAPES] = {
        { 32, 37, 37 }, { 64, 21, 13 }, { 96, 67, 5 }, { 160, 16, 256 }, { 4096, 19, 7 }, { 4096, 33, 1 },
        { 1024, 48, 37 }, { 2048, 17, 256 }, { 32, 1, 1 }, { 96, 5, 9 }, { 768, 35, 2 }, { 64, 3, 256 }, { 16416, 9, 6 },
    };
    for (size_t ti = 0; ti < sizeof k_types / sizeof k_types[0]; ti++) {
        const jm_gemm_fn gemm = k->gemm[k_types[ti]];
        if (!gemm) continue;
        printf("  %s: gemm %s\n", lvl, jm_legacy_traits(k_types[ti])->name);
        for (size_t si = 0; si < N_SHAPES; si++) {
            g_rng = 1000 * ti + si; /* the same inputs at every level */
            check_shape(lvl, k_types[ti], gemm, shapes[si], (int)(si % 4), &g_first[ti][si], k->pack_lanes);
        }
    }
}

#define NEED_AVX2 (JM_CPU_AVX2 | JM_CPU_FMA | JM_CPU_F16C)
#define NEED_AVX512 (NEED_AVX2 | JM_CPU_AVX512F | JM_CPU_AVX512BW | JM_CPU_AVX512VL)

/* Which gemm kernels each feature set picks (tables only: nothing runs, so the CPU need not have them). */
static void check_dispatch(void) {
    jm_kernels k;
    jm_kernels_init(&k, 0);
    int none = 1;
    for (size_t ti = 0; ti < sizeof k_types / sizeof k_types[0]; ti++) none &= k.gemm[k_types[ti]] == NULL;
    CHECK(none, "the scalar level has no gemm kernels (jm_gemm_by_dots runs)");
#if defined(JM_HAVE_X86_KERNELS)
    jm_kernels_init(&k, NEED_AVX512 | JM_CPU_AVX512VNNI);
    CHECK(k.gemm[JM_TYPE_Q4_0] == jm_gemm_q4_0_avx512vnni && k.gemm[JM_TYPE_Q8_0] == jm_gemm_q8_0_avx512vnni &&
              k.gemm[JM_TYPE_Q5_0] == jm_gemm_q5_0_avx512vnni && k.gemm[JM_TYPE_Q4_1] == jm_gemm_q4_1_avx512vnni &&
              k.gemm[JM_TYPE_Q5_1] == jm_gemm_q5_1_avx512vnni,
          "AVX-512 with VNNI picks the VNNI gemm kernels");
    jm_kernels_init(&k, NEED_AVX512);
    CHECK(k.gemm[JM_TYPE_Q4_0] == jm_gemm_q4_0_avx2 && k.gemm[JM_TYPE_Q8_0] == jm_gemm_q8_0_avx2,
          "AVX-512 without VNNI keeps the AVX2 gemm kernels");
    jm_kernels_init(&k, NEED_AVX2);
    CHECK(k.gemm[JM_TYPE_Q4_0] == jm_gemm_q4_0_avx2 && k.gemm[JM_TYPE_Q8_0] == jm_gemm_q8_0_avx2,
          "AVX2 picks the AVX2 gemm kernels");
#if defined(JM_HAVE_AVXVNNI_KERNELS)
    jm_kernels_init(&k, NEED_AVX2 | JM_CPU_AVXVNNI);
    CHECK(k.gemm[JM_TYPE_Q4_0] == jm_gemm_q4_0_avxvnni && k.gemm[JM_TYPE_Q8_0] == jm_gemm_q8_0_avxvnni &&
              k.gemm[JM_TYPE_Q5_0] == jm_gemm_q5_0_avxvnni && k.gemm[JM_TYPE_Q4_1] == jm_gemm_q4_1_avxvnni &&
              k.gemm[JM_TYPE_Q5_1] == jm_gemm_q5_1_avxvnni,
          "AVX2 with AVX-VNNI picks the AVX-VNNI gemm kernels");
#endif
#if defined(JM_HAVE_AMX_KERNELS)
    jm_kernels_init(&k, NEED_AVX512 | JM_CPU_AVX512VNNI | JM_CPU_AMX_INT8);
    CHECK(k.gemm[JM_TYPE_Q4_0] == jm_gemm_q4_0_amx && k.gemm[JM_TYPE_Q8_0] == jm_gemm_q8_0_amx,
          "AMX picks the AMX gemm kernels for Q4_0 and Q8_0");
#endif
#endif
}

/* Every product of one level; where the level has no tiled kernel for a type, its dots through jm_gemm_by_dots. */
static void run_level(const char *name, uint32_t mask) {
    jm_kernels k;
    jm_kernels_init(&k, mask);
    for (size_t ti = 0; ti < sizeof k_types / sizeof k_types[0]; ti++) {
        if (k.gemm[k_types[ti]]) continue;
        g_level_dots[ti] = k.vec_dot[k_types[ti]];
        if (g_level_dots[ti] != jm_legacy_traits(k_types[ti])->vec_dot_scalar) k.gemm[k_types[ti]] = by_level_dots[ti];
    }
    check_level(name, &k);
}

/*
 * One level per run (argv[1], see test_levels.h). Each type's products
 * must also give the bits of the AVX2 kernels, so on x86 the AVX2 level
 * runs first as the baseline.
 */
int main(int argc, char **argv) {
    g_rng = 42;
    check_dispatch();
    int status;
    const test_level *l = test_level_arg(argc, argv, &status);
    if (!l) return g_fail ? 1 : status;
#if defined(JM_HAVE_X86_KERNELS)
    if (strcmp(l->name, "avx2") != 0) run_level("avx2 (baseline)", NEED_AVX2);
#endif
    run_level(l->name, l->needs);
    for (int t = 0; t < 5; t++)
        for (int i = 0; i < N_SHAPES; i++) free(g_first[t][i]);
    return test_report();
}
