/*
 * golden_ggml.c - the golden tables of test_quants_k.c and
 * test_quants_legacy.c, computed by llama.cpp's own code: its libggml-base
 * (quantize_row_*_ref, dequantize_row_*, ggml_fp32_to_fp16_row,
 * ggml_fp32_to_bf16_row_ref) and the dots of its libggml-cpu-x64 (the
 * baseline build, whose K-quant dots are ggml's generic C). Nothing of
 * jmamba is linked. Built and run by scripts/golden-tables.sh, which
 * compares its output with the tables in the tests.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "golden_k.h"
#include "golden_legacy.h"

/* libggml-base */
void quantize_row_q2_K_ref(const float *x, void *y, int64_t k);
void quantize_row_q3_K_ref(const float *x, void *y, int64_t k);
void quantize_row_q4_K_ref(const float *x, void *y, int64_t k);
void quantize_row_q5_K_ref(const float *x, void *y, int64_t k);
void quantize_row_q6_K_ref(const float *x, void *y, int64_t k);
void quantize_row_q8_K_ref(const float *x, void *y, int64_t k);
void dequantize_row_q2_K(const void *x, float *y, int64_t k);
void dequantize_row_q3_K(const void *x, float *y, int64_t k);
void dequantize_row_q4_K(const void *x, float *y, int64_t k);
void dequantize_row_q5_K(const void *x, float *y, int64_t k);
void dequantize_row_q6_K(const void *x, float *y, int64_t k);
void dequantize_row_q8_K(const void *x, float *y, int64_t k);
void quantize_row_q4_0_ref(const float *x, void *y, int64_t k);
void quantize_row_q4_1_ref(const float *x, void *y, int64_t k);
void quantize_row_q5_0_ref(const float *x, void *y, int64_t k);
void quantize_row_q5_1_ref(const float *x, void *y, int64_t k);
void quantize_row_q8_0_ref(const float *x, void *y, int64_t k);
void quantize_row_q8_1_ref(const float *x, void *y, int64_t k);
void ggml_fp32_to_fp16_row(const float *x, void *y, int64_t n);
void ggml_fp32_to_bf16_row_ref(const float *x, void *y, int64_t n);

/* libggml-cpu: struct ggml_type_traits_cpu of ggml-cpu.h */
typedef void (*ggml_vec_dot_t)(int n, float *s, size_t bs, const void *x, size_t bx, const void *y, size_t by, int nrc);
struct ggml_type_traits_cpu {
    void (*from_float)(const float *x, void *y, int64_t k);
    ggml_vec_dot_t vec_dot;
    int vec_dot_type;
    int64_t nrows;
};
const struct ggml_type_traits_cpu *ggml_get_type_traits_cpu(int type);
void ggml_cpu_init(void);

static ggml_vec_dot_t g_dots[NTYPES - 1];
#define DOT(i) static void dot##i(int64_t n, float *s, const void *x, const void *y) { g_dots[i]((int)n, s, 0, x, 0, y, 0, 1); }
DOT(0) DOT(1) DOT(2) DOT(3) DOT(4)

static void print_k(const kq_golden *g) {
    printf("static const kq_golden GOLDEN = {\n    {\n");
    for (int t = 0; t < NTYPES; ++t) {
        printf("        {");
        for (int k = 0; k < NKINDS; ++k) printf("%s0x%016llxull", k ? ", " : " ", (unsigned long long)g->quant[t][k]);
        printf(" },\n");
    }
    printf("    },\n    {");
    for (int t = 0; t < NTYPES; ++t) printf("%s0x%016llxull", t ? ", " : " ", (unsigned long long)g->dequant[t]);
    printf(" },\n    {");
    for (int t = 0; t < NTYPES - 1; ++t) printf("%s0x%08xu", t ? ", " : " ", (unsigned)g->dot[t]);
    printf(" },\n};\n");
}

static void print_legacy(void) {
    const gk_quant_fn quant[GL_NTYPES] = {
        ggml_fp32_to_fp16_row, ggml_fp32_to_bf16_row_ref, quantize_row_q4_0_ref, quantize_row_q4_1_ref,
        quantize_row_q5_0_ref, quantize_row_q5_1_ref, quantize_row_q8_0_ref, quantize_row_q8_1_ref,
    };
    float *x = malloc(GOLDEN_N * sizeof(float));
    uint8_t *y = malloc(GOLDEN_N * 4);
    golden_input(x);
    printf("static const uint64_t GOLDEN_LEGACY[GL_NTYPES] = {\n");
    for (int i = 0; i < GL_NTYPES; i++) {
        memset(y, 0, GOLDEN_N * 4);
        quant[i](x, y, GOLDEN_N);
        printf("%s0x%016llxull,%s", i % 4 ? " " : "    ",
               (unsigned long long)golden_fnv1a(y, golden_row_bytes(GL_TYPES[i], GOLDEN_N)), i % 4 == 3 ? "\n" : "");
    }
    printf("};\n");
    free(x); free(y);
}

int main(void) {
    ggml_cpu_init();
    kq_impl im = {
        .quant = { quantize_row_q2_K_ref, quantize_row_q3_K_ref, quantize_row_q4_K_ref, quantize_row_q5_K_ref,
                   quantize_row_q6_K_ref, quantize_row_q8_K_ref },
        .dequant = { dequantize_row_q2_K, dequantize_row_q3_K, dequantize_row_q4_K, dequantize_row_q5_K,
                     dequantize_row_q6_K, dequantize_row_q8_K },
        .dot = { dot0, dot1, dot2, dot3, dot4 },
    };
    for (int t = 0; t < NTYPES - 1; t++) {
        const struct ggml_type_traits_cpu *tr = ggml_get_type_traits_cpu(10 + t);
        if (!tr || !tr->vec_dot || tr->vec_dot_type != 15) {
            fprintf(stderr, "golden_ggml: libggml-cpu has no %s x q8_K dot\n", NAMES[t]);
            return 1;
        }
        g_dots[t] = tr->vec_dot;
    }
    kq_golden g;
    golden_compute(&im, &g);
    print_k(&g);
    print_legacy();
    return 0;
}
