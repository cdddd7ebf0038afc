/*
 * kernel_table.c - which kernel runs where: one table per CPU level, and
 * the one function (jm_kernels_init) that stacks them for the features a
 * context may use. ggml's CPU type traits are the model: for each weight
 * type its dot product, tiled product (gemm), activation quantizer and
 * dequantizer, and per level the rows of the packed weight copy its gemm
 * kernels read.
 *
 * The scalar level is the type traits' twins (quants/). Every other level
 * is a layer: it applies where the context's level is at least its own and
 * the features it needs are all there, and its non-NULL entries replace
 * what the layers below it chose. Layers are listed lowest first.
 *
 * What runs in a model: a matmul takes .gemm for its weight type where
 * there is one, else jm_gemm_by_dots over .dot; the activations are rounded
 * by .quantize of the weight type's vec_dot_type. So where a level has a
 * gemm for a type, its .dot for that type runs only in the tests, which
 * compare every kernel here against its scalar twin: the AVX-512 VNNI dots
 * (every integer type has a gemm there) are such test oracles.
 * Example: the Q4_0 AVX-512 kernel a decode step runs is
 * k_avx512vnni[JM_TYPE_Q4_0].gemm, jm_gemm_q4_0_avx512vnni
 * (kernels/avx512/gemm_legacy_avx512.c), on 16-row packed weights.
 */
#include <string.h>
#include "kernels.h"
#include "../quants/legacy_kernels.h"
#include "../quants/kquant_kernels.h"

/* What a level brings for one weight type; NULL keeps the level below's. */
typedef struct type_kernels {
    jm_vec_dot_fn    dot;
    jm_gemm_fn       gemm;
    jm_from_float_fn quantize;   /* rows of this type from floats (activations) */
    jm_to_float_fn   dequantize;
} type_kernels;

/* What a level brings for the mixer's other steps; NULL keeps the level below's. */
typedef struct op_kernels {
    jm_scan_row_fn  scan_row;
    jm_scan_head_fn scan_head;
    jm_ssd_gemm_fn  ssd_gemm;
    jm_transpose_fn transpose;
    jm_conv_fn      conv_silu;
    jm_silu_mul_fn  silu_mul;
} op_kernels;

/* ---- scalar ---------------------------------------------------------------
 * No chunked scan on the scalar level: its twin's fmaf is a library call per
 * term on x86 without FMA, 8x slower than the recurrence. */
static const op_kernels ops_scalar = {
    jm_scan_row_scalar, jm_scan_head_scalar, NULL, jm_transpose_scalar, jm_conv_silu_scalar, jm_silu_mul_scalar,
};

#if defined(JM_HAVE_X86_KERNELS)
/* ---- AVX2 + FMA + F16C (kernels/avx2/) ------------------------------------ */
static const type_kernels types_avx2[JM_TYPE_COUNT] = {
    [JM_TYPE_F32]  = { jm_vec_dot_f32_avx2, NULL, NULL, NULL },
    [JM_TYPE_F16]  = { jm_vec_dot_f16_avx2, NULL, jm_quantize_row_f16_avx2, jm_dequantize_row_f16_avx2 },
    [JM_TYPE_BF16] = { jm_vec_dot_bf16_avx2, NULL, jm_quantize_row_bf16_avx2, jm_dequantize_row_bf16_avx2 },
    [JM_TYPE_Q4_0] = { jm_vec_dot_q4_0_q8_0_avx2, jm_gemm_q4_0_avx2, NULL, jm_dequantize_row_q4_0_avx2 },
    [JM_TYPE_Q4_1] = { jm_vec_dot_q4_1_q8_1_avx2, jm_gemm_q4_1_avx2, NULL, jm_dequantize_row_q4_1_avx2 },
    [JM_TYPE_Q5_0] = { jm_vec_dot_q5_0_q8_0_avx2, jm_gemm_q5_0_avx2, NULL, jm_dequantize_row_q5_0_avx2 },
    [JM_TYPE_Q5_1] = { jm_vec_dot_q5_1_q8_1_avx2, jm_gemm_q5_1_avx2, NULL, jm_dequantize_row_q5_1_avx2 },
    [JM_TYPE_Q8_0] = { jm_vec_dot_q8_0_q8_0_avx2, jm_gemm_q8_0_avx2, jm_quantize_row_q8_0_avx2, jm_dequantize_row_q8_0_avx2 },
    [JM_TYPE_Q8_1] = { NULL, NULL, jm_quantize_row_q8_1_avx2, NULL },
    [JM_TYPE_Q2_K] = { jm_vec_dot_q2_K_q8_K_avx2, NULL, NULL, NULL },
    [JM_TYPE_Q3_K] = { jm_vec_dot_q3_K_q8_K_avx2, NULL, NULL, NULL },
    [JM_TYPE_Q4_K] = { jm_vec_dot_q4_K_q8_K_avx2, jm_gemm_q4_K_avx2, NULL, NULL },
    [JM_TYPE_Q5_K] = { jm_vec_dot_q5_K_q8_K_avx2, jm_gemm_q5_K_avx2, NULL, NULL },
    [JM_TYPE_Q6_K] = { jm_vec_dot_q6_K_q8_K_avx2, jm_gemm_q6_K_avx2, NULL, NULL },
    [JM_TYPE_Q8_K] = { NULL, NULL, jm_quantize_row_q8_K_avx2, NULL },
};
static const op_kernels ops_avx2 = {
    jm_scan_row_avx2, jm_scan_head_avx2, jm_ssd_gemm_avx2, jm_transpose_avx2, jm_conv_silu_avx2, jm_silu_mul_avx2,
};

#if defined(JM_HAVE_AVXVNNI_KERNELS)
/* ---- the AVX2 gemm kernels built with AVX-VNNI (kernels/avxvnni/), for CPUs
   with VEX vpdpbusd but without AVX-512 ---------------------------------- */
static const type_kernels types_avxvnni[JM_TYPE_COUNT] = {
    [JM_TYPE_Q4_0] = { NULL, jm_gemm_q4_0_avxvnni, NULL, NULL },
    [JM_TYPE_Q4_1] = { NULL, jm_gemm_q4_1_avxvnni, NULL, NULL },
    [JM_TYPE_Q5_0] = { NULL, jm_gemm_q5_0_avxvnni, NULL, NULL },
    [JM_TYPE_Q5_1] = { NULL, jm_gemm_q5_1_avxvnni, NULL, NULL },
    [JM_TYPE_Q8_0] = { NULL, jm_gemm_q8_0_avxvnni, NULL, NULL },
    [JM_TYPE_Q4_K] = { NULL, jm_gemm_q4_K_avxvnni, NULL, NULL },
    [JM_TYPE_Q5_K] = { NULL, jm_gemm_q5_K_avxvnni, NULL, NULL },
    [JM_TYPE_Q6_K] = { NULL, jm_gemm_q6_K_avxvnni, NULL, NULL },
};
#endif

/* ---- AVX-512 F + BW + VL (kernels/avx512/): the float dots; without VNNI
   the integer dots and gemms stay AVX2 ------------------------------------ */
static const type_kernels types_avx512[JM_TYPE_COUNT] = {
    [JM_TYPE_F32]  = { jm_vec_dot_f32_avx512, NULL, NULL, NULL },
    [JM_TYPE_F16]  = { jm_vec_dot_f16_avx512, NULL, NULL, NULL },
    [JM_TYPE_BF16] = { jm_vec_dot_bf16_avx512, NULL, NULL, NULL },
};
static const op_kernels ops_avx512 = {
    jm_scan_row_avx512, jm_scan_head_avx512, jm_ssd_gemm_avx512, NULL, jm_conv_silu_avx512, jm_silu_mul_avx512,
};

static const type_kernels types_avx512bf16[JM_TYPE_COUNT] = {
    [JM_TYPE_BF16] = { jm_vec_dot_bf16_avx512bf16, NULL, NULL, NULL },
};

/* ---- AVX-512 VNNI: every integer gemm on 16 rows (the dots are test
   oracles: a matmul runs the gemms, see the top) ------------------------- */
static const type_kernels types_avx512vnni[JM_TYPE_COUNT] = {
    [JM_TYPE_Q4_0] = { jm_vec_dot_q4_0_q8_0_avx512vnni, jm_gemm_q4_0_avx512vnni, NULL, NULL },
    [JM_TYPE_Q4_1] = { jm_vec_dot_q4_1_q8_1_avx512vnni, jm_gemm_q4_1_avx512vnni, NULL, NULL },
    [JM_TYPE_Q5_0] = { jm_vec_dot_q5_0_q8_0_avx512vnni, jm_gemm_q5_0_avx512vnni, NULL, NULL },
    [JM_TYPE_Q5_1] = { jm_vec_dot_q5_1_q8_1_avx512vnni, jm_gemm_q5_1_avx512vnni, NULL, NULL },
    [JM_TYPE_Q8_0] = { jm_vec_dot_q8_0_q8_0_avx512vnni, jm_gemm_q8_0_avx512vnni, NULL, NULL },
    [JM_TYPE_Q2_K] = { jm_vec_dot_q2_K_q8_K_avx512vnni, jm_gemm_q2_K_avx512vnni, NULL, NULL },
    [JM_TYPE_Q3_K] = { jm_vec_dot_q3_K_q8_K_avx512vnni, jm_gemm_q3_K_avx512vnni, NULL, NULL },
    [JM_TYPE_Q4_K] = { jm_vec_dot_q4_K_q8_K_avx512vnni, jm_gemm_q4_K_avx512vnni, NULL, NULL },
    [JM_TYPE_Q5_K] = { jm_vec_dot_q5_K_q8_K_avx512vnni, jm_gemm_q5_K_avx512vnni, NULL, NULL },
    [JM_TYPE_Q6_K] = { jm_vec_dot_q6_K_q8_K_avx512vnni, jm_gemm_q6_K_avx512vnni, NULL, NULL },
};

#if defined(JM_HAVE_AMX_KERNELS)
/* ---- AMX tiles (kernels/amx/): batches on packed weights, the rest as the
   AVX-512 VNNI kernels ----------------------------------------------------- */
static const type_kernels types_amx[JM_TYPE_COUNT] = {
    [JM_TYPE_Q4_0] = { NULL, jm_gemm_q4_0_amx, NULL, NULL },
    [JM_TYPE_Q8_0] = { NULL, jm_gemm_q8_0_amx, NULL, NULL },
    [JM_TYPE_Q4_K] = { NULL, jm_gemm_q4_K_amx, NULL, NULL },
    [JM_TYPE_Q5_K] = { NULL, jm_gemm_q5_K_amx, NULL, NULL },
};
#endif
#endif

#if defined(JM_HAVE_NEON_KERNELS)
/* ---- arm64 NEON (kernels/neon/): the dots; the products run them through
   jm_gemm_by_dots, on the rows as they are (no packed copy) -------------- */
static const type_kernels types_neon[JM_TYPE_COUNT] = {
    [JM_TYPE_Q4_0] = { jm_vec_dot_q4_0_q8_0_neon, NULL, NULL, NULL },
    [JM_TYPE_Q8_0] = { jm_vec_dot_q8_0_q8_0_neon, NULL, NULL, NULL },
    [JM_TYPE_Q2_K] = { jm_vec_dot_q2_K_q8_K_neon, NULL, NULL, NULL },
    [JM_TYPE_Q3_K] = { jm_vec_dot_q3_K_q8_K_neon, NULL, NULL, NULL },
    [JM_TYPE_Q4_K] = { jm_vec_dot_q4_K_q8_K_neon, NULL, NULL, NULL },
    [JM_TYPE_Q5_K] = { jm_vec_dot_q5_K_q8_K_neon, NULL, NULL, NULL },
    [JM_TYPE_Q6_K] = { jm_vec_dot_q6_K_q8_K_neon, NULL, NULL, NULL },
};
static const op_kernels ops_neon = {
    jm_scan_row_neon, jm_scan_head_neon, jm_ssd_gemm_neon, NULL, jm_conv_silu_neon, jm_silu_mul_neon,
};
static const type_kernels types_dotprod[JM_TYPE_COUNT] = {
    [JM_TYPE_Q4_0] = { jm_vec_dot_q4_0_q8_0_dotprod, NULL, NULL, NULL },
    [JM_TYPE_Q8_0] = { jm_vec_dot_q8_0_q8_0_dotprod, NULL, NULL, NULL },
};
#endif

/* ---- the layers, lowest first ------------------------------------------- */
#define AVX2_SET   (JM_CPU_AVX2 | JM_CPU_FMA | JM_CPU_F16C)
#define AVX512_SET (AVX2_SET | JM_CPU_AVX512F | JM_CPU_AVX512BW | JM_CPU_AVX512VL)

typedef struct layer {
    int32_t             level;       /* applies on this level and the ones above it */
    uint32_t            needs;       /* ... where all these features are there      */
    int32_t             pack_lanes;  /* rows per packed group its gemms read, 0: as below */
    const type_kernels *types;
    const op_kernels   *ops;
} layer;

static const layer k_layers[] = {
#if defined(JM_HAVE_X86_KERNELS)
    { JM_LEVEL_AVX2,   AVX2_SET,                                        8,  types_avx2,       &ops_avx2 },
#if defined(JM_HAVE_AVXVNNI_KERNELS)
    { JM_LEVEL_AVX2,   AVX2_SET | JM_CPU_AVXVNNI,                       0,  types_avxvnni,    NULL },
#endif
    { JM_LEVEL_AVX512, AVX512_SET,                                      0,  types_avx512,     &ops_avx512 },
    { JM_LEVEL_AVX512, AVX512_SET | JM_CPU_AVX512BF16,                  0,  types_avx512bf16, NULL },
    { JM_LEVEL_AVX512, AVX512_SET | JM_CPU_AVX512VNNI,                  16, types_avx512vnni, NULL },
#if defined(JM_HAVE_AMX_KERNELS)
    { JM_LEVEL_AVX512, AVX512_SET | JM_CPU_AVX512VNNI | JM_CPU_AMX_INT8, 0, types_amx,        NULL },
#endif
#endif
#if defined(JM_HAVE_NEON_KERNELS)
    { JM_LEVEL_NEON,   JM_CPU_NEON,                                     0,  types_neon,       &ops_neon },
    { JM_LEVEL_NEON,   JM_CPU_NEON | JM_CPU_DOTPROD,                    0,  types_dotprod,    NULL },
#endif
};

static int32_t pick_level(uint32_t f) {
#if defined(__x86_64__) || defined(_M_X64)
    if ((f & AVX512_SET) == AVX512_SET) return JM_LEVEL_AVX512;
    if ((f & AVX2_SET) == AVX2_SET) return JM_LEVEL_AVX2;
#elif defined(__aarch64__)
    if (f & JM_CPU_NEON) return JM_LEVEL_NEON;
#endif
    return JM_LEVEL_SCALAR;
}

/* x86's levels stack (AVX-512 over AVX2); NEON stands alone. */
static int layer_applies(const layer *l, int32_t level, uint32_t features) {
    const int level_ok = l->level == level || (l->level == JM_LEVEL_AVX2 && level == JM_LEVEL_AVX512);
    return level_ok && (features & l->needs) == l->needs;
}

/* The entries of one family's types (jm_legacy_traits or jm_kquant_traits)
   for a level and features: the scalar twins, then the layers. Activations
   of Q8_0 and Q8_1 are rounded as llama.cpp's x86 backend rounds them. */
static void fill_types(jm_kernels *k, int32_t level, uint32_t features, const jm_type_traits *(*family)(int32_t)) {
    for (int32_t t = 0; t < JM_TYPE_COUNT; t++) {
        const jm_type_traits *tr = family(t);
        if (!tr) continue;
        k->vec_dot[t] = tr->vec_dot_scalar;
        k->gemm[t] = NULL; /* jm_gemm_by_dots */
        k->from_float[t] = family == jm_legacy_traits ? jm_legacy_activation_quantizer(t) : tr->from_float_ref;
        k->to_float[t] = tr->to_float;
    }
    for (size_t i = 0; i < sizeof k_layers / sizeof k_layers[0]; i++) {
        const layer *l = &k_layers[i];
        if (!layer_applies(l, level, features)) continue;
        for (int32_t t = 0; t < JM_TYPE_COUNT; t++) {
            const type_kernels *e = &l->types[t];
            if (!family(t)) continue;
            if (e->dot) k->vec_dot[t] = e->dot;
            if (e->gemm) k->gemm[t] = e->gemm;
            if (e->quantize) k->from_float[t] = e->quantize;
            if (e->dequantize) k->to_float[t] = e->dequantize;
        }
    }
}

int jm_gemm_pack_lanes(uint32_t features) {
    const int32_t level = pick_level(features);
    int lanes = 0;
    for (size_t i = 0; i < sizeof k_layers / sizeof k_layers[0]; i++)
        if (k_layers[i].pack_lanes && layer_applies(&k_layers[i], level, features)) lanes = k_layers[i].pack_lanes;
    return lanes;
}

void jm_kernels_init_legacy(jm_kernels *k, int32_t level, uint32_t features) {
    fill_types(k, level, features, jm_legacy_traits);
}

void jm_kernels_init_kquants(jm_kernels *k, int32_t level, uint32_t features) {
    fill_types(k, level, features, jm_kquant_traits);
}

void jm_kernels_init(jm_kernels *k, uint32_t features) {
    /* AMX tile data faults until Linux grants it, which feature detection
       asks for: make sure it ran before any AMX kernel can be picked */
    if (features & JM_CPU_AMX_INT8) (void)jm_cpu_features();
    memset(k, 0, sizeof *k);
    k->level = pick_level(features);
    k->features = features;
    k->pack_lanes = jm_gemm_pack_lanes(features);
    op_kernels ops = ops_scalar;
    for (size_t i = 0; i < sizeof k_layers / sizeof k_layers[0]; i++) {
        const op_kernels *o = k_layers[i].ops;
        if (!o || !layer_applies(&k_layers[i], k->level, features)) continue;
        if (o->scan_row) ops.scan_row = o->scan_row;
        if (o->scan_head) ops.scan_head = o->scan_head;
        if (o->ssd_gemm) ops.ssd_gemm = o->ssd_gemm;
        if (o->transpose) ops.transpose = o->transpose;
        if (o->conv_silu) ops.conv_silu = o->conv_silu;
        if (o->silu_mul) ops.silu_mul = o->silu_mul;
    }
    k->scan_row = ops.scan_row;
    k->scan_head = ops.scan_head;
    k->ssd_gemm = ops.ssd_gemm;
    k->transpose = ops.transpose;
    k->conv_silu = ops.conv_silu;
    k->silu_mul = ops.silu_mul;
    jm_kernels_init_legacy(k, k->level, features);
    jm_kernels_init_kquants(k, k->level, features);
}
