/* gemm_by_dots.c - the matrix product as one dot per (row, column). */
#include "../kernels.h"

void jm_gemm_by_dots(jm_vec_dot_fn dot, const jm_gemm_args *a, int64_t r0, int64_t r1) {
    const char *w = a->w, *act = a->act;
    for (int64_t c = 0; c < a->n_cols; c++) {
        const char *x = act + c * a->act_stride;
        float *y = a->y + c * a->y_stride;
        for (int64_t r = r0; r < r1; r++)
            dot(a->n, &y[r], w + r * a->w_row_bytes, x);
    }
}
