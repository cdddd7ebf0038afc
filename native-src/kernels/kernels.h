/*
 * kernels.h - the kernel set a context uses, picked once from the CPU's
 * features by the tables of kernel_table.c. Every entry has a scalar twin
 * in the type traits; tests compare.
 */
#ifndef JM_KERNELS_H
#define JM_KERNELS_H

#include "../quants/quants.h"
#include "../core/platform.h"

/* For kernel building blocks whose constant parameters (a type, a column
   count, a lane count) must fold away at every call. */
#define JM_ALWAYS_INLINE static inline __attribute__((always_inline))
/* For a kernel's hot path that must stay a function of its own: GCC
   inlines a static function called once, and a decode loop inlined into
   the batch code of its kernel loses registers to it (spills in the loop,
   measurably slower). */
#define JM_NOINLINE static __attribute__((noinline))

/*
 * One row of the selective-scan update: s[i] = s[i] * dA + xdt * B[i] for
 * i < n, returning sum_i s[i] * C[i]. The decode step's inner loop.
 */
typedef float (*jm_scan_row_fn)(float *s, const float *B, const float *C, float dA, float xdt, int64_t n);

/*
 * One head's scan step for one token: for each row p < P of the head's
 * state s ([P][N], rows N apart),
 *     s[p][i] = s[p][i] * dA + (x[p] * dt) * B[i],
 *     y[p]    = sum_i s[p][i] * C[i] + D * x[p].
 * Rows ahead are prefetched: a decode step meets the state coming from memory.
 */
typedef void (*jm_scan_head_fn)(float *s, const float *B, const float *C, const float *x, float *y,
                                float dA, float dt, float D, int64_t P, int64_t N);

/*
 * The small float matrix product of the chunked scan (backend/cpu/ssm_scan_chunked.c):
 *     c[i][j] = (beta * c[i][j] + sum_{kk < k} a[i][kk] * b[kk][j]) * row_scale[i]
 * for i < m, j < n, rows lda, ldb and ldc floats apart; beta == 0 means c
 * is not read, row_scale == NULL no scaling. Each c[i][j] is one fma chain
 * in kk order starting from beta * c[i][j] (or 0), then the one multiply,
 * so every instruction set gives the scalar twin's bits. causal != 0
 * promises a[i][kk] == 0 for kk > i: kernels may skip those terms (a zero
 * term leaves a nonzero sum as it was).
 */
typedef void (*jm_ssd_gemm_fn)(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                               const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal);

/* dst[c][r] = src[r][c] for r < rows, c < cols; rows lds and ldd floats apart. */
typedef void (*jm_transpose_fn)(float *dst, int64_t ldd, const float *src, int64_t lds, int64_t rows, int64_t cols);

/* The causal depthwise conv + SiLU of a Mamba-2 layer over a range of channels. */
typedef struct jm_conv_args {
    const float *x;        /* n_tokens rows, stride x_stride: the conv inputs     */
    int64_t      x_stride;
    float       *y;        /* n_tokens rows of channels: silu(conv + bias)        */
    float       *state;    /* [d_conv-1][channels], oldest first; updated         */
    const float *w_t;      /* [d_conv][channels]: the weights transposed, so that
                              one tap of many channels is one vector load          */
    const float *bias;     /* [channels]                                          */
    int64_t      channels;
    int32_t      d_conv;   /* at most JM_MAX_CONV                                 */
    int64_t      n_tokens;
} jm_conv_args;

#define JM_MAX_CONV 16

typedef void (*jm_conv_fn)(const jm_conv_args *a, int64_t c0, int64_t c1);

/* Row i of a conv's sequence: the state's d_conv-1 rows, then the inputs. */
static inline const float *jm_conv_row(const jm_conv_args *a, int64_t i) {
    const int64_t h = a->d_conv - 1;
    return i < h ? a->state + i * a->channels : a->x + (i - h) * a->x_stride;
}

/* The d_conv rows token t's taps read, oldest first. */
static inline void jm_conv_rows(const jm_conv_args *a, int64_t t, const float **rows) {
    for (int32_t k = 0; k < a->d_conv; k++) rows[k] = jm_conv_row(a, t + k);
}

/* One channel of one token in plain C (the scalar twin, and the SIMD kernels' tails). */
float jm_conv_silu_one(const jm_conv_args *a, const float *const *rows, int64_t c);
/* After the tokens: channels [c0, c1) of the state become the sequence's last d_conv-1 rows. */
void jm_conv_roll_state(const jm_conv_args *a, int64_t c0, int64_t c1);

/*
 * A block of a matrix product, for the tiled kernels: for every weight row
 * r in [r0, r1) and activation column c < n_cols,
 *     y[c * y_stride + r] = dot(row r of w, column c of act).
 * The activations are already in the weight type's vec_dot_type.
 *
 * Contract every gemm kernel keeps: the float it writes for (r, c) is the
 * same bits whatever r0, r1 and n_cols are, i.e. whatever tile (r, c) fell
 * in, remainders included. Batched prefill then equals token-by-token decode
 * and the result does not depend on how rows were split over threads.
 */
typedef struct jm_gemm_args {
    int64_t     n;           /* values per row (a multiple of the block size) */
    const void *w;           /* weight rows, w_row_bytes apart                */
    int64_t     w_row_bytes;
    const void *w_packed;    /* NULL, or w repacked by jm_gemm_pack in groups
                                of the kernel table's pack_lanes rows (kernels
                                that know the layout read it instead)         */
    const void *act;         /* activation columns, act_stride bytes apart    */
    int64_t     act_stride;
    int64_t     n_cols;
    float      *y;           /* y[c * y_stride + r]                           */
    int64_t     y_stride;    /* in floats                                     */
} jm_gemm_args;

typedef void (*jm_gemm_fn)(const jm_gemm_args *a, int64_t r0, int64_t r1);

/* Row ranges the matmul hands a gemm kernel start at multiples of this and
   span whole multiples of it (but the last range of a matrix), so kernels
   can tile rows by 2, 4, 8 or 16. */
#define JM_GEMM_ROW_ALIGN 16

/*
 * The generic product: one vec_dot per (r, c). It is what runs for types
 * without a gemm kernel, and the oracle the gemm kernels are tested against.
 */
void jm_gemm_by_dots(jm_vec_dot_fn dot, const jm_gemm_args *a, int64_t r0, int64_t r1);

/*
 * Weights repacked for the gemm kernels (gemm_pack.c), in groups of `lanes`
 * rows: 16 for the AVX-512 kernels, 8 for the AVX2 ones. The size of the
 * packed copy of an ne1 x ne0 matrix of type, 0 when the type has no packed
 * form (Q4_0, Q8_0 and the K-quants have one); jm_gemm_pack writes it. One
 * block of a group takes JM_GEMM_PACKED_BYTES_L(nq, lanes) bytes for Q4_0 /
 * Q8_0 (the fp16 scales of the rows, then nq quant dwords of each row), and
 * JM_GEMM_KPACKED_BYTES_L(bx, lanes) for a K-quant of bx-byte blocks (each
 * dword of the rows' blocks, lane by lane, the block padded to whole
 * dwords). The forms without _L are the 16-row ones.
 */
#define JM_GEMM_PACKED_BYTES_L(nq, lanes) ((lanes) * (2 + 4 * (nq)))
#define JM_GEMM_KPACKED_BYTES_L(bx, lanes) ((lanes) * (((bx) + 3) / 4 * 4))
#define JM_GEMM_PACKED_BYTES(nq) JM_GEMM_PACKED_BYTES_L(nq, 16)
#define JM_GEMM_KPACKED_BYTES(bx) JM_GEMM_KPACKED_BYTES_L(bx, 16)
size_t jm_gemm_packed_size(int32_t type, int64_t ne0, int64_t ne1, int lanes);
void   jm_gemm_pack(int32_t type, const void *src, int64_t ne0, int64_t ne1, int lanes, void *dst);
/* The group rows of the packed layout that the gemm kernels picked for
   these features (the CPU's, ANDed with a context's mask) read: 16
   (AVX-512 VNNI), 8 (AVX2), or 0 where none reads one, so packing does not
   pay: the tables of kernel_table.c say. jm_kernels.pack_lanes holds it
   for a kernel table. */
int    jm_gemm_pack_lanes(uint32_t features);
/* Memory for a packed copy, 2 MiB pages where the kernel gives them; jm_aligned_free() it. */
void  *jm_gemm_packed_alloc(size_t bytes);

/* The packed group of rows r .. r + lanes - 1 in a->w_packed, whose groups
   hold `blocks` blocks of block_bytes; NULL where there is no packed copy or
   r starts no group (the matmul's ranges start at multiples of 16 rows,
   the tests' odd ranges do not). */
static inline const uint8_t *jm_gemm_packed_group(const jm_gemm_args *a, int64_t r, int lanes, int64_t blocks,
                                                  int64_t block_bytes) {
    if (!a->w_packed || r % lanes) return NULL;
    return (const uint8_t *)a->w_packed + r / lanes * blocks * block_bytes;
}

/*
 * A decode step streams its weights from memory, `lanes` rows advancing
 * side by side: more streams than the hardware prefetcher follows on some
 * machines (the VMs we measure on), where the loads alone leave too few
 * lines in flight. So each row is prefetched JM_GEMM_ROWS_PF bytes ahead, a
 * line per 64 bytes of block b (for blocks of 32 bytes or less, half of the
 * rows at each block: once per 64 bytes a row advances). Near a row's end
 * the prefetch runs on into the same row of the next group (`lanes` rows
 * on), which is where this thread most likely goes next: short rows (4096
 * values are 2.3 KB of Q4_0) would otherwise start every group with cold
 * streams. p: the group's row pointers.
 */
enum { JM_GEMM_ROWS_PF = 768 };
static inline void jm_gemm_prefetch_rows(const uint8_t *const *p, int lanes, int64_t row_bytes, int64_t b,
                                         int64_t bx) {
    const int every = bx <= 32 ? 2 : 1, per = lanes / every, first = (int)(b % every) * per;
    int64_t o = b * bx + JM_GEMM_ROWS_PF;
    if (o >= row_bytes) o += (lanes - 1) * row_bytes;
    for (int i = first; i < first + per; i++)
        for (int64_t l = 0; l < bx; l += 64) __builtin_prefetch(p[i] + o + l, 0, 3);
}

/* A packed group is one stream: block b's pb bytes are prefetched
   JM_GEMM_PACKED_PF ahead, a line for every 64 bytes consumed (running on
   into the next group, which follows it in memory). */
enum { JM_GEMM_PACKED_PF = 2048 };
static inline void jm_gemm_prefetch_packed(const uint8_t *group, int64_t b, int64_t pb) {
    const char *at = (const char *)group + b * pb + JM_GEMM_PACKED_PF;
    for (int64_t o = 0; o < pb; o += 64) __builtin_prefetch(at + o, 0, 3);
}

/* y[i] *= silu(z[i]) for i < n: the gate of a Mamba-2 mixer. */
typedef void (*jm_silu_mul_fn)(float *y, const float *z, int64_t n);

typedef struct jm_kernels {
    int32_t          level;                    /* jm_kernel_level            */
    int32_t          pack_lanes;               /* rows per packed group the gemm kernels read (jm_gemm_pack_lanes) */
    uint32_t         features;                 /* CPU features in use        */
    jm_vec_dot_fn    vec_dot[JM_TYPE_COUNT];   /* by weight type             */
    jm_gemm_fn       gemm[JM_TYPE_COUNT];      /* tiled products by weight type;
                                                  NULL: jm_gemm_by_dots      */
    jm_from_float_fn from_float[JM_TYPE_COUNT];/* activation quantizers: Q8_0, Q8_1, Q8_K, F16, BF16, F32 (copy) */
    jm_to_float_fn   to_float[JM_TYPE_COUNT];
    jm_scan_row_fn   scan_row;
    jm_scan_head_fn  scan_head;
    jm_ssd_gemm_fn   ssd_gemm;                 /* NULL on the scalar level: prompts run the recurrence */
    jm_transpose_fn  transpose;
    jm_conv_fn       conv_silu;
    jm_silu_mul_fn   silu_mul;
} jm_kernels;

/* The output gate's y[i] *= silu(z[i]), by instruction set. */
void jm_silu_mul_scalar(float *y, const float *z, int64_t n);
void jm_silu_mul_avx2(float *y, const float *z, int64_t n);
void jm_silu_mul_avx512(float *y, const float *z, int64_t n);
void jm_silu_mul_neon(float *y, const float *z, int64_t n);

/* The conv kernels, by instruction set. */
void jm_conv_silu_scalar(const jm_conv_args *a, int64_t c0, int64_t c1);
void jm_conv_silu_avx2(const jm_conv_args *a, int64_t c0, int64_t c1);
void jm_conv_silu_avx512(const jm_conv_args *a, int64_t c0, int64_t c1);
void jm_conv_silu_neon(const jm_conv_args *a, int64_t c0, int64_t c1);

/* The scan row kernels, by instruction set. */
float jm_scan_row_scalar(float *s, const float *B, const float *C, float dA, float xdt, int64_t n);
float jm_scan_row_avx2(float *s, const float *B, const float *C, float dA, float xdt, int64_t n);
float jm_scan_row_avx512(float *s, const float *B, const float *C, float dA, float xdt, int64_t n);
float jm_scan_row_neon(float *s, const float *B, const float *C, float dA, float xdt, int64_t n);

/* The scan head kernels, by instruction set: the scalar, AVX2 and NEON ones
   loop over scan_row; the AVX-512 one keeps B and C in registers for N = 128. */
void jm_scan_head_scalar(float *s, const float *B, const float *C, const float *x, float *y,
                         float dA, float dt, float D, int64_t P, int64_t N);
void jm_scan_head_avx2(float *s, const float *B, const float *C, const float *x, float *y,
                       float dA, float dt, float D, int64_t P, int64_t N);
void jm_scan_head_avx512(float *s, const float *B, const float *C, const float *x, float *y,
                         float dA, float dt, float D, int64_t P, int64_t N);
void jm_scan_head_neon(float *s, const float *B, const float *C, const float *x, float *y,
                       float dA, float dt, float D, int64_t P, int64_t N);

/* The chunked scan's matrix product, by instruction set. */
void jm_ssd_gemm_scalar(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                        const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal);
void jm_ssd_gemm_avx2(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                      const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal);
void jm_ssd_gemm_avx512(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                        const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal);
void jm_ssd_gemm_neon(float *c, int64_t ldc, float beta, const float *row_scale, const float *a, int64_t lda,
                      const float *b, int64_t ldb, int64_t m, int64_t n, int64_t k, int causal);

/* Float matrix transposes: plain C, and 8 x 8 blocks in AVX2 registers. */
void jm_transpose_scalar(float *dst, int64_t ldd, const float *src, int64_t lds, int64_t rows, int64_t cols);
void jm_transpose_avx2(float *dst, int64_t ldd, const float *src, int64_t lds, int64_t rows, int64_t cols);

/* Fills k with the best kernels for features (already masked by the caller):
   kernel_table.c, the one place that says which kernel runs where. */
void jm_kernels_init(jm_kernels *k, uint32_t features);

/* The entries of one family of types alone (jm_kernels_init calls both);
   level is a jm_kernel_level, and a level's kernels need its features too. */
void jm_kernels_init_legacy(jm_kernels *k, int32_t level, uint32_t features);
void jm_kernels_init_kquants(jm_kernels *k, int32_t level, uint32_t features);

#endif
