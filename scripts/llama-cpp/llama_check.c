// llama_check: runs a GGUF through llama.cpp's libllama (CPU only) so that jmamba's numbers,
// tokens and speed can be compared with the reference implementation side by side.
//
//   llama_check [-t N] [-v] [--no-repack] MODEL eval (--tokens 1,2,3 | --tokens-file F) --logits-out OUT [--batch B]
//   llama_check [-v] MODEL tokenize -p TEXT [--no-bos] [--special]
//   llama_check [-t N] [-v] [--no-repack] MODEL bench [-p 512] [-n 128] [-r 5] [-b 2048] [-ub 512] [--poll 50] [--json]
//   llama_check [-t N] [-v] [--no-repack] MODEL batched [-p 32] [-n 64] [-s 1,2,4,8,16] [--poll 50]
//   llama_check [-v] MODEL info
//
// eval writes float32 little-endian logits, [n_tokens][n_vocab], every position, from a zero state:
// the format of `./jmamba eval --logits-out`. By default all tokens go in one batch; --batch 1 feeds
// them one at a time (llama.cpp's decode path), as `./jmamba eval --batch 1` does. tokenize prints
// a JSON array like `./jmamba tokenize`. bench measures pp (one prompt of N random tokens) and tg
// (M tokens one at a time) in tokens/s as llama-bench does: fresh state per run, one warm-up run,
// mean ± sample std, on a thread pool of -t threads attached to the context (--poll as
// llama-bench's --poll).
//
// We build against no llama.cpp header: the few declarations below are written from the public
// include/llama.h of the release the libraries come from (llama 0.5.0-dev, ggml 0.25.1, commit
// 0ad4a86). Structs passed by value must match that layout byte for byte, so the sizes and offsets
// are pinned with static asserts and the library's own defaults are checked at start-up: a
// library with another layout is refused instead of being handed garbage.
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <inttypes.h>
#include <libgen.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

// ---------------------------------------------------------------------------------------------
// The slice of llama.h / ggml-backend.h we use.

typedef int32_t llama_token;
typedef int32_t llama_pos;
typedef int32_t llama_seq_id;
struct llama_model;
struct llama_context;
struct llama_vocab;
typedef struct llama_memory_i *llama_memory_t;

typedef void (*log_callback)(int level, const char *text, void *user_data);

struct llama_model_params {
    void *devices;                    // NULL-terminated device list, NULL = all
    const void *tensor_buft_overrides;
    int32_t n_gpu_layers;
    int32_t split_mode;               // enum llama_split_mode
    int32_t load_mode;                // enum llama_load_mode (-1 auto)
    int32_t lazy_mode;                // enum llama_lazy_mode
    int32_t main_gpu;
    const float *tensor_split;
    void *progress_callback;
    void *progress_callback_user_data;
    const void *kv_overrides;
    bool vocab_only;
    bool check_tensors;
    bool use_extra_bufts;             // weight repacking into the CPU backend's own layouts
    bool no_host;
    bool no_alloc;
    bool load_mtp;
};
_Static_assert(sizeof(struct llama_model_params) == 80, "llama_model_params size");
_Static_assert(offsetof(struct llama_model_params, load_mode) == 24, "load_mode offset");
_Static_assert(offsetof(struct llama_model_params, tensor_split) == 40, "tensor_split offset");
_Static_assert(offsetof(struct llama_model_params, vocab_only) == 72, "vocab_only offset");

struct llama_context_params {
    uint32_t n_ctx;
    uint32_t n_batch;                 // most tokens one llama_decode call may take
    uint32_t n_ubatch;                // most tokens one graph computes
    uint32_t n_seq_max;
    uint32_t n_rs_seq;
    uint32_t n_outputs_max;
    uint32_t n_outputs_max_per_seq;
    int32_t n_threads;                // single-token decode
    int32_t n_threads_batch;          // multi-token decode
    int32_t ctx_type;
    int32_t rope_scaling_type;
    int32_t pooling_type;
    int32_t attention_type;
    int32_t flash_attn_type;
    float rope_freq_base;
    float rope_freq_scale;
    float yarn_ext_factor;
    float yarn_attn_factor;
    float yarn_beta_fast;
    float yarn_beta_slow;
    uint32_t yarn_orig_ctx;
    float defrag_thold;
    void *cb_eval;
    void *cb_eval_user_data;
    int32_t type_k;
    int32_t type_v;
    void *abort_callback;
    void *abort_callback_data;
    bool embeddings;
    bool offload_kqv;
    bool no_perf;
    bool op_offload;
    bool swa_full;
    bool kv_unified;
    void *samplers;
    size_t n_samplers;
    struct llama_context *ctx_other;
};
_Static_assert(sizeof(struct llama_context_params) == 160, "llama_context_params size");
_Static_assert(offsetof(struct llama_context_params, n_threads) == 28, "n_threads offset");
_Static_assert(offsetof(struct llama_context_params, rope_freq_base) == 56, "rope_freq_base offset");
_Static_assert(offsetof(struct llama_context_params, cb_eval) == 88, "cb_eval offset");
_Static_assert(offsetof(struct llama_context_params, embeddings) == 128, "embeddings offset");

struct llama_batch {
    int32_t n_tokens;
    llama_token *token;
    float *embd;
    llama_pos *pos;
    int32_t *n_seq_id;
    llama_seq_id **seq_id;
    int8_t *logits;                   // non-zero: this position's logits are kept
};
_Static_assert(sizeof(struct llama_batch) == 56, "llama_batch size");

// ggml-cpu's thread pool, attached to the context as llama-bench does: its threads persist between
// graphs and poll for work for a while before they sleep.
struct ggml_threadpool_params {
    bool cpumask[512];                // GGML_MAX_N_THREADS
    int32_t n_threads;
    int32_t prio;                     // enum ggml_sched_priority
    uint32_t poll;                    // 0: no polling, 1..100: how long to poll before sleeping
    bool strict_cpu;
    bool paused;
};
_Static_assert(sizeof(struct ggml_threadpool_params) == 528, "ggml_threadpool_params size");
typedef struct ggml_threadpool *(*threadpool_new_fn)(struct ggml_threadpool_params *params);
typedef void (*threadpool_free_fn)(struct ggml_threadpool *pool);

extern const char *llama_version(void);
extern const char *ggml_version(void);
extern const char *ggml_commit(void);
extern void ggml_backend_load_all_from_path(const char *dir);
extern void *ggml_backend_dev_by_type(int type);  // 0: GGML_BACKEND_DEVICE_TYPE_CPU
extern void *ggml_backend_dev_backend_reg(void *dev);
extern void *ggml_backend_reg_get_proc_address(void *reg, const char *name);
extern struct ggml_threadpool_params ggml_threadpool_params_default(int n_threads);
extern void llama_log_set(log_callback cb, void *user_data);
extern void llama_backend_init(void);
extern void llama_backend_free(void);
extern const char *llama_print_system_info(void);
extern struct llama_model_params llama_model_default_params(void);
extern struct llama_context_params llama_context_default_params(void);
extern struct llama_model *llama_model_load_from_file(const char *path, struct llama_model_params params);
extern void llama_model_free(struct llama_model *model);
extern struct llama_context *llama_init_from_model(struct llama_model *model, struct llama_context_params params);
extern void llama_free(struct llama_context *ctx);
extern const struct llama_vocab *llama_model_get_vocab(const struct llama_model *model);
extern int32_t llama_vocab_n_tokens(const struct llama_vocab *vocab);
extern bool llama_vocab_get_add_bos(const struct llama_vocab *vocab);
extern llama_token llama_vocab_bos(const struct llama_vocab *vocab);
extern int32_t llama_model_n_layer(const struct llama_model *model);
extern int32_t llama_model_n_embd(const struct llama_model *model);
extern uint64_t llama_model_size(const struct llama_model *model);
extern int32_t llama_model_desc(const struct llama_model *model, char *buf, size_t buf_size);
extern bool llama_model_is_recurrent(const struct llama_model *model);
extern llama_memory_t llama_get_memory(const struct llama_context *ctx);
extern void llama_memory_clear(llama_memory_t mem, bool data);
extern struct llama_batch llama_batch_get_one(llama_token *tokens, int32_t n_tokens);
extern int32_t llama_decode(struct llama_context *ctx, struct llama_batch batch);
extern void llama_synchronize(struct llama_context *ctx);
extern struct llama_batch llama_batch_init(int32_t n_tokens, int32_t embd, int32_t n_seq_max);
extern void llama_batch_free(struct llama_batch batch);
extern float *llama_get_logits_ith(struct llama_context *ctx, int32_t i);
extern void llama_attach_threadpool(struct llama_context *ctx, struct ggml_threadpool *pool,
                                    struct ggml_threadpool *pool_batch);
extern int32_t llama_n_threads(struct llama_context *ctx);
extern int32_t llama_n_threads_batch(struct llama_context *ctx);
extern int32_t llama_tokenize(const struct llama_vocab *vocab, const char *text, int32_t text_len,
                              llama_token *tokens, int32_t n_tokens_max, bool add_special, bool parse_special);

// ---------------------------------------------------------------------------------------------
// Options and small helpers.

typedef struct {
    const char *model;
    const char *command;
    int threads;          // 0: the library's default
    bool verbose;         // keep llama.cpp's log on stderr
    bool no_repack;       // use_extra_bufts = false: plain ggml layouts, no repacked kernels
} Options;

static void quiet_log(int level, const char *text, void *user_data) {
    (void) user_data;
    if (level == 4 /* GGML_LOG_LEVEL_ERROR */) fputs(text, stderr);
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static int fail(const char *fmt, const char *arg) {
    fprintf(stderr, "llama_check: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    return 1;
}

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    size_t n;
    while (buf && (n = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *grown = realloc(buf, cap *= 2);
            if (!grown) { free(buf); buf = NULL; }
            buf = grown;
        }
    }
    fclose(f);
    if (buf) buf[len] = '\0';
    return buf;
}

// Token ids separated by commas and/or whitespace, optionally inside [ ]. Returns the count, -1 on
// a malformed list.
static int parse_ids(const char *text, llama_token **out) {
    size_t cap = 64;
    int n = 0;
    llama_token *ids = malloc(cap * sizeof *ids);
    const char *p = text;
    while (ids && *p) {
        if (strchr(" \t\r\n,[]", *p)) { p++; continue; }
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (end == p || errno || v < 0 || v > INT32_MAX) { free(ids); return -1; }
        if ((size_t) n == cap) {
            llama_token *grown = realloc(ids, (cap *= 2) * sizeof *ids);
            if (!grown) { free(ids); return -1; }
            ids = grown;
        }
        ids[n++] = (llama_token) v;
        p = end;
    }
    if (!ids) return -1;
    *out = ids;
    return n;
}

// ---------------------------------------------------------------------------------------------
// Start-up: the layout check, backends, model and context.

// The defaults this release hands back, read through our declarations. A layout that drifted would
// put other fields (or padding) here, so this catches a mismatched library before any real call.
static bool layouts_match(void) {
    struct llama_model_params mp = llama_model_default_params();
    struct llama_context_params cp = llama_context_default_params();
    bool model_ok = mp.n_gpu_layers == -1 && mp.split_mode == 1 && mp.load_mode == -1 && mp.main_gpu == 0
                    && mp.tensor_split == NULL && mp.kv_overrides == NULL
                    && !mp.vocab_only && !mp.check_tensors && mp.use_extra_bufts && !mp.no_alloc && !mp.load_mtp;
    bool ctx_ok = cp.n_ctx == 512 && cp.n_batch == 2048 && cp.n_ubatch == 512 && cp.n_seq_max == 1
                  && cp.n_threads == cp.n_threads_batch && cp.n_threads > 0
                  && cp.rope_scaling_type == -1 && cp.pooling_type == -1 && cp.flash_attn_type == -1
                  && cp.yarn_ext_factor == -1.0f && cp.defrag_thold == -1.0f
                  && cp.cb_eval == NULL && cp.abort_callback == NULL
                  && !cp.embeddings && cp.offload_kqv && cp.samplers == NULL && cp.n_samplers == 0
                  && cp.ctx_other == NULL;
    struct ggml_threadpool_params tp = ggml_threadpool_params_default(3);
    bool pool_ok = tp.n_threads == 3 && tp.prio == 0 && tp.poll == 50 && !tp.strict_cpu && !tp.paused;
    if (!pool_ok) fprintf(stderr, "llama_check: ggml_threadpool_params defaults are not the expected ones\n");
    if (!model_ok) fprintf(stderr, "llama_check: llama_model_params defaults are not the expected ones\n");
    if (!ctx_ok) fprintf(stderr, "llama_check: llama_context_params defaults are not the expected ones\n");
    return model_ok && ctx_ok && pool_ok;
}

// The CPU backend is a separate library per instruction-set level (libggml-cpu-haswell.so,
// -zen4.so, ...); ggml scores them against this CPU and loads the best from libllama's folder.
static void load_backends(void) {
    Dl_info info;
    if (dladdr((void *) llama_backend_init, &info) && info.dli_fname) {
        char *path = strdup(info.dli_fname);
        if (path) ggml_backend_load_all_from_path(dirname(path));
        free(path);
    }
}

static struct llama_model *load_model(const Options *o, bool vocab_only) {
    struct llama_model_params mp = llama_model_default_params();
    mp.n_gpu_layers = 0;
    mp.vocab_only = vocab_only;
    mp.use_extra_bufts = !o->no_repack;
    return llama_model_load_from_file(o->model, mp);
}

static struct llama_context *new_context_seqs(const Options *o, struct llama_model *model, int n_ctx, int n_batch,
                                              int n_ubatch, int n_seq) {
    struct llama_context_params cp = llama_context_default_params();
    cp.n_ctx = (uint32_t) n_ctx;
    cp.n_batch = (uint32_t) n_batch;
    cp.n_ubatch = (uint32_t) n_ubatch;
    cp.n_seq_max = (uint32_t) n_seq;
    if (o->threads > 0) cp.n_threads = cp.n_threads_batch = o->threads;
    return llama_init_from_model(model, cp);
}

static struct llama_context *new_context(const Options *o, struct llama_model *model, int n_ctx, int n_batch,
                                         int n_ubatch) {
    return new_context_seqs(o, model, n_ctx, n_batch, n_ubatch, 1);
}

// ---------------------------------------------------------------------------------------------
// eval: every position's logits.

static int cmd_eval(const Options *o, int argc, char **argv) {
    const char *tokens = NULL, *tokens_file = NULL, *out_path = NULL;
    int batch_size = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--batch") && i + 1 < argc) batch_size = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--tokens") && i + 1 < argc) tokens = argv[++i];
        else if (!strcmp(argv[i], "--tokens-file") && i + 1 < argc) tokens_file = argv[++i];
        else if (!strcmp(argv[i], "--logits-out") && i + 1 < argc) out_path = argv[++i];
        else return fail("eval: unknown argument '%s'", argv[i]);
    }
    if ((tokens == NULL) == (tokens_file == NULL) || !out_path)
        return fail("%s", "eval needs one of --tokens/--tokens-file, and --logits-out");
    if (batch_size < 0) return fail("%s", "eval: --batch must be >= 1 (0: all in one batch)");
    char *text = tokens ? strdup(tokens) : read_file(tokens_file);
    if (!text) return fail("cannot read '%s'", tokens ? "--tokens" : tokens_file);
    llama_token *ids = NULL;
    int n = parse_ids(text, &ids);
    free(text);
    if (n <= 0) return fail("%s", "eval: no token ids, or a malformed list");
    const int b = batch_size == 0 || batch_size > n ? n : batch_size;

    struct llama_model *model = load_model(o, false);
    if (!model) { free(ids); return fail("cannot load '%s'", o->model); }
    const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    int rc = 1;
    // One ubatch per call, so a batch is one forward graph whatever its size.
    struct llama_context *ctx = new_context(o, model, n < 512 ? 512 : n, b, b);
    llama_pos *pos = malloc(n * sizeof *pos);
    int32_t *n_seq = malloc(n * sizeof *n_seq);
    llama_seq_id *seq0 = calloc(1, sizeof *seq0);
    llama_seq_id **seq = malloc(n * sizeof *seq);
    int8_t *want = malloc(n);
    FILE *out = NULL;
    if (!ctx || !pos || !n_seq || !seq0 || !seq || !want) { fail("%s", "eval: out of memory or no context"); goto done; }
    for (int i = 0; i < n; i++) {
        pos[i] = i;
        n_seq[i] = 1;
        seq[i] = seq0;
        want[i] = 1;
    }
    for (int i = 0; i < n; i++) {
        if (ids[i] >= n_vocab) { fprintf(stderr, "llama_check: token %d out of range\n", ids[i]); goto done; }
    }
    out = fopen(out_path, "wb");
    if (!out) { fail("cannot write '%s'", out_path); goto done; }
    for (int first = 0; first < n; first += b) {
        const int m = n - first < b ? n - first : b;
        struct llama_batch batch = {m, ids + first, NULL, pos + first, n_seq, seq, want};
        int32_t status = llama_decode(ctx, batch);
        if (status != 0) { fprintf(stderr, "llama_check: llama_decode returned %d\n", status); goto done; }
        for (int i = 0; i < m; i++) {
            const float *row = llama_get_logits_ith(ctx, i);
            // x86-64 is little-endian, so the floats go out as they lie in memory.
            if (!row || fwrite(row, sizeof(float), (size_t) n_vocab, out) != (size_t) n_vocab) {
                fail("%s", "eval: no logits, or a short write");
                goto done;
            }
        }
    }
    if (fclose(out) != 0) { out = NULL; fail("cannot write '%s'", out_path); goto done; }
    out = NULL;
    fprintf(stderr, "wrote %d x %d logits to %s\n", n, n_vocab, out_path);
    rc = 0;
done:
    if (out) fclose(out);
    free(ids); free(pos); free(n_seq); free(seq0); free(seq); free(want);
    if (ctx) llama_free(ctx);
    llama_model_free(model);
    return rc;
}

// ---------------------------------------------------------------------------------------------
// tokenize: ids of a text as a JSON array.

static int cmd_tokenize(const Options *o, int argc, char **argv) {
    const char *text = NULL;
    char *owned = NULL;
    bool bos = true, special = false;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-p") && i + 1 < argc) text = argv[++i];
        else if (!strcmp(argv[i], "-f") && i + 1 < argc) text = owned = read_file(argv[++i]);
        else if (!strcmp(argv[i], "--no-bos")) bos = false;
        else if (!strcmp(argv[i], "--special")) special = true;
        else return fail("tokenize: unknown argument '%s'", argv[i]);
    }
    if (!text) return fail("%s", "tokenize needs -p TEXT or -f FILE (readable)");
    struct llama_model *model = load_model(o, true);
    if (!model) { free(owned); return fail("cannot load '%s'", o->model); }
    const struct llama_vocab *vocab = llama_model_get_vocab(model);
    // add_special adds BOS (and EOS) only where the vocabulary asks for it, as jmamba does.
    int32_t len = (int32_t) strlen(text);
    int32_t cap = len + 8;
    llama_token *ids = malloc(cap * sizeof *ids);
    int32_t n = ids ? llama_tokenize(vocab, text, len, ids, cap, bos, special) : -1;
    if (n < 0) {
        // The API answers minus the needed size when the buffer is too small.
        cap = -n;
        free(ids);
        ids = malloc(cap * sizeof *ids);
        n = ids ? llama_tokenize(vocab, text, len, ids, cap, bos, special) : -1;
    }
    int rc = 1;
    if (n >= 0) {
        putchar('[');
        for (int i = 0; i < n; i++) printf(i ? ",%d" : "%d", ids[i]);
        puts("]");
        rc = 0;
    } else {
        fail("%s", "tokenize failed");
    }
    free(ids);
    free(owned);
    llama_model_free(model);
    return rc;
}

// ---------------------------------------------------------------------------------------------
// bench: pp and tg tokens/s, as llama-bench reports them.

// A small fixed-seed generator, so both programs' runs can be repeated token for token.
static uint32_t next_random(uint64_t *s) {
    *s = *s * 6364136223846793005ULL + 1442695040888963407ULL;
    return (uint32_t) (*s >> 33);
}

typedef struct {
    const char *name;
    int n_prompt, n_gen;
    double *samples;  // tokens/s per timed run
    int reps;
} BenchResult;

// One prompt of n tokens, fed in n_batch pieces (only the last position's logits are produced,
// as llama-bench does), from a cleared state.
static double run_pp(struct llama_context *ctx, llama_token *tokens, int n, int n_batch) {
    llama_memory_clear(llama_get_memory(ctx), true);
    double t0 = now_s();
    for (int i = 0; i < n; i += n_batch) {
        int m = n - i < n_batch ? n - i : n_batch;
        if (llama_decode(ctx, llama_batch_get_one(tokens + i, m)) != 0) return -1;
    }
    llama_synchronize(ctx);
    return n / (now_s() - t0);
}

// n tokens one at a time from a cleared state, each step waiting for its logits.
static double run_tg(struct llama_context *ctx, llama_token *tokens, int n) {
    llama_memory_clear(llama_get_memory(ctx), true);
    double t0 = now_s();
    for (int i = 0; i < n; i++) {
        if (llama_decode(ctx, llama_batch_get_one(tokens + i, 1)) != 0) return -1;
        llama_synchronize(ctx);
    }
    return n / (now_s() - t0);
}

static void stats(const BenchResult *r, double *avg, double *std) {
    double a = 0, v = 0;
    for (int i = 0; i < r->reps; i++) a += r->samples[i] / r->reps;
    for (int i = 0; i < r->reps; i++) v += (r->samples[i] - a) * (r->samples[i] - a);
    *avg = a;
    *std = r->reps > 1 ? sqrt(v / (r->reps - 1)) : 0;
}

static void print_bench(const Options *o, struct llama_model *model, struct llama_context *ctx, BenchResult *res,
                        int n_res, bool json) {
    char desc[128];
    llama_model_desc(model, desc, sizeof desc);
    const char *name = strrchr(o->model, '/') ? strrchr(o->model, '/') + 1 : o->model;
    double gib = llama_model_size(model) / (double) (1 << 30);
    for (int k = 0; k < n_res; k++) {
        double avg, std;
        stats(&res[k], &avg, &std);
        int threads = res[k].n_gen ? llama_n_threads(ctx) : llama_n_threads_batch(ctx);
        if (json) {
            printf("{\"model_filename\":\"%s\",\"model_type\":\"%s\",\"model_size\":%" PRIu64 ",\"test\":\"%s\","
                   "\"n_prompt\":%d,\"n_gen\":%d,\"threads\":%d,\"repack\":%s,\"avg_ts\":%.4f,\"stddev_ts\":%.4f,"
                   "\"samples_ts\":[",
                   name, desc, llama_model_size(model), res[k].name, res[k].n_prompt, res[k].n_gen, threads,
                   o->no_repack ? "false" : "true", avg, std);
            for (int i = 0; i < res[k].reps; i++) printf(i ? ",%.4f" : "%.4f", res[k].samples[i]);
            puts("]}");
        } else {
            if (k == 0) {
                printf("| %-32s | %10s | %-24s | %7s | %10s | %20s |\n", "model", "size", "type", "threads", "test", "t/s");
                printf("| -------------------------------- | ---------- | ------------------------ | ------- | ---------- | -------------------- |\n");
            }
            char ts[64];
            snprintf(ts, sizeof ts, "%.2f ± %.2f", avg, std);
            printf("| %-32.32s | %6.2f GiB | %-24.24s | %7d | %10s | %20s |\n", name, gib, desc, threads, res[k].name, ts);
        }
    }
}

// The CPU backend's thread pool functions live in the variant library loaded at run time, so they
// are looked up through the backend registry.
static struct ggml_threadpool *new_threadpool(int n_threads, int poll, threadpool_free_fn *free_fn) {
    void *dev = ggml_backend_dev_by_type(0);
    void *reg = dev ? ggml_backend_dev_backend_reg(dev) : NULL;
    threadpool_new_fn new_fn = reg ? (threadpool_new_fn) ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_new") : NULL;
    *free_fn = reg ? (threadpool_free_fn) ggml_backend_reg_get_proc_address(reg, "ggml_threadpool_free") : NULL;
    if (!new_fn || !*free_fn) return NULL;
    struct ggml_threadpool_params tp = ggml_threadpool_params_default(n_threads);
    tp.poll = (uint32_t) poll;
    return new_fn(&tp);
}

static int cmd_bench(const Options *o, int argc, char **argv) {
    int n_prompt = 512, n_gen = 128, reps = 5, n_batch = 2048, n_ubatch = 512, poll = 50;
    bool json = false;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-p") && i + 1 < argc) n_prompt = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) n_gen = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-r") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-b") && i + 1 < argc) n_batch = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-ub") && i + 1 < argc) n_ubatch = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--poll") && i + 1 < argc) poll = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--json")) json = true;
        else return fail("bench: unknown argument '%s'", argv[i]);
    }
    if (n_prompt < 0 || n_gen < 0 || reps < 1 || n_batch < 1 || n_ubatch < 1 || poll < 0 || poll > 100)
        return fail("%s", "bench: -p/-n must be >= 0, -r/-b/-ub >= 1, --poll 0..100");
    if (n_ubatch > n_batch) n_ubatch = n_batch;
    struct llama_model *model = load_model(o, false);
    if (!model) return fail("cannot load '%s'", o->model);
    int n_ctx = n_prompt + n_gen > 512 ? n_prompt + n_gen : 512;
    struct llama_context *ctx = new_context(o, model, n_ctx, n_batch, n_ubatch);
    if (!ctx) { llama_model_free(model); return fail("%s", "cannot create a context"); }
    threadpool_free_fn pool_free;
    struct ggml_threadpool *pool = new_threadpool(llama_n_threads(ctx), poll, &pool_free);
    if (!pool) { llama_free(ctx); llama_model_free(model); return fail("%s", "cannot create the CPU thread pool"); }
    llama_attach_threadpool(ctx, pool, NULL);
    const struct llama_vocab *vocab = llama_model_get_vocab(model);
    const int n_vocab = llama_vocab_n_tokens(vocab);
    int n_tok = n_prompt > n_gen ? n_prompt : n_gen;
    llama_token *tokens = malloc((n_tok ? n_tok : 1) * sizeof *tokens);
    double *samples = malloc(2 * reps * sizeof *samples);
    if (!tokens || !samples) {
        free(tokens); free(samples); llama_free(ctx); pool_free(pool); llama_model_free(model);
        return fail("%s", "out of memory");
    }
    uint64_t seed = 1;
    for (int i = 0; i < n_tok; i++) tokens[i] = (llama_token) (next_random(&seed) % (uint32_t) n_vocab);
    // llama-bench starts its random sequence with BOS when the vocabulary adds one.
    if (n_tok && llama_vocab_get_add_bos(vocab)) tokens[0] = llama_vocab_bos(vocab);

    BenchResult res[2];
    int n_res = 0, rc = 0;
    char pp_name[32], tg_name[32];
    if (n_prompt > 0) {
        snprintf(pp_name, sizeof pp_name, "pp%d", n_prompt);
        BenchResult *r = &res[n_res++];
        *r = (BenchResult){pp_name, n_prompt, 0, samples, reps};
        if (run_pp(ctx, tokens, n_prompt, n_batch) < 0) rc = 1;  // warm-up
        for (int i = 0; i < reps && !rc; i++) if ((r->samples[i] = run_pp(ctx, tokens, n_prompt, n_batch)) < 0) rc = 1;
    }
    if (n_gen > 0 && !rc) {
        snprintf(tg_name, sizeof tg_name, "tg%d", n_gen);
        BenchResult *r = &res[n_res++];
        *r = (BenchResult){tg_name, 0, n_gen, samples + reps, reps};
        if (run_tg(ctx, tokens, n_gen) < 0) rc = 1;  // warm-up
        for (int i = 0; i < reps && !rc; i++) if ((r->samples[i] = run_tg(ctx, tokens, n_gen)) < 0) rc = 1;
    }
    if (rc) fail("%s", "bench: llama_decode failed");
    else print_bench(o, model, ctx, res, n_res, json);
    free(tokens);
    free(samples);
    llama_free(ctx);
    pool_free(pool);
    llama_model_free(model);
    return rc;
}

// ---------------------------------------------------------------------------------------------
// batched: S sequences decoded together, as llama-batched-bench measures them: each sequence's
// prompt of P tokens in one batch (the time to first token), then N steps of one token for every
// sequence in one batch each; the aggregate tg rate is S * N / the time of those steps.

static int batched_level(const Options *o, struct llama_model *model, int n_seq, int n_prompt, int n_gen, int poll,
                         int n_vocab, double *pp_s, double *tg_rate) {
    int n_ctx = n_seq * (n_prompt + n_gen) > 512 ? n_seq * (n_prompt + n_gen) : 512;
    int n_batch = n_seq * n_prompt > n_seq ? n_seq * n_prompt : n_seq;
    struct llama_context *ctx = new_context_seqs(o, model, n_ctx, n_batch, n_batch, n_seq);
    if (!ctx) return fail("%s", "batched: cannot create a context for that many sequences");
    threadpool_free_fn pool_free;
    struct ggml_threadpool *pool = new_threadpool(llama_n_threads(ctx), poll, &pool_free);
    if (!pool) { llama_free(ctx); return fail("%s", "cannot create the CPU thread pool"); }
    llama_attach_threadpool(ctx, pool, NULL);
    struct llama_batch b = llama_batch_init(n_batch, 0, 1);
    uint64_t seed = 7;
    int rc = 0;
    for (int rep = 0; rep < 2 && !rc; rep++) { // the first run warms up
        llama_memory_clear(llama_get_memory(ctx), true);
        b.n_tokens = 0;
        for (int s = 0; s < n_seq; s++)
            for (int i = 0; i < n_prompt; i++) {
                int k = b.n_tokens++;
                b.token[k] = (llama_token) (next_random(&seed) % (uint32_t) n_vocab);
                b.pos[k] = i;
                b.n_seq_id[k] = 1;
                b.seq_id[k][0] = s;
                b.logits[k] = i == n_prompt - 1;
            }
        double t0 = now_s();
        if (n_prompt > 0 && llama_decode(ctx, b) != 0) { rc = 1; break; }
        llama_synchronize(ctx);
        double t1 = now_s();
        for (int g = 0; g < n_gen && !rc; g++) {
            b.n_tokens = n_seq;
            for (int s = 0; s < n_seq; s++) {
                b.token[s] = (llama_token) (next_random(&seed) % (uint32_t) n_vocab);
                b.pos[s] = n_prompt + g;
                b.n_seq_id[s] = 1;
                b.seq_id[s][0] = s;
                b.logits[s] = 1;
            }
            if (llama_decode(ctx, b) != 0) rc = 1;
            llama_synchronize(ctx);
        }
        *pp_s = t1 - t0;
        *tg_rate = n_seq * (double) n_gen / (now_s() - t1);
    }
    llama_batch_free(b);
    llama_free(ctx);
    pool_free(pool);
    return rc ? fail("%s", "batched: llama_decode failed") : 0;
}

static int cmd_batched(const Options *o, int argc, char **argv) {
    int n_prompt = 32, n_gen = 64, poll = 50;
    const char *levels = "1,2,4,8,16";
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "-p") && i + 1 < argc) n_prompt = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-n") && i + 1 < argc) n_gen = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-s") && i + 1 < argc) levels = argv[++i];
        else if (!strcmp(argv[i], "--poll") && i + 1 < argc) poll = atoi(argv[++i]);
        else return fail("batched: unknown argument '%s'", argv[i]);
    }
    if (n_prompt < 1 || n_gen < 1 || poll < 0 || poll > 100) return fail("%s", "batched: -p/-n must be >= 1, --poll 0..100");
    struct llama_model *model = load_model(o, false);
    if (!model) return fail("cannot load '%s'", o->model);
    const int n_vocab = llama_vocab_n_tokens(llama_model_get_vocab(model));
    printf("| sequences | prompt batch s | aggregate tg tok/s | per sequence tok/s |\n|---:|---:|---:|---:|\n");
    int rc = 0;
    for (const char *p = levels; *p && !rc; ) {
        int n_seq = atoi(p);
        if (n_seq < 1) { rc = fail("batched: bad level list '%s'", levels); break; }
        double pp_s = 0, tg = 0;
        rc = batched_level(o, model, n_seq, n_prompt, n_gen, poll, n_vocab, &pp_s, &tg);
        if (!rc) printf("| %d | %.3f | %.1f | %.1f |\n", n_seq, pp_s, tg, tg / n_seq);
        fflush(stdout);
        p = strchr(p, ',');
        if (!p) break;
        p++;
    }
    llama_model_free(model);
    return rc;
}

// ---------------------------------------------------------------------------------------------
// info: what was loaded, to record next to numbers.

static int cmd_info(const Options *o) {
    struct llama_model *model = load_model(o, false);
    if (!model) return fail("cannot load '%s'", o->model);
    char desc[128];
    llama_model_desc(model, desc, sizeof desc);
    printf("llama %s, ggml %s (commit %s)\n", llama_version(), ggml_version(), ggml_commit());
    printf("system: %s\n", llama_print_system_info());
    printf("model: %s, %d layers, d_model %d, vocab %d, %.2f MiB, recurrent %s\n", desc, llama_model_n_layer(model),
           llama_model_n_embd(model), llama_vocab_n_tokens(llama_model_get_vocab(model)),
           llama_model_size(model) / 1048576.0, llama_model_is_recurrent(model) ? "yes" : "no");
    llama_model_free(model);
    return 0;
}

static void usage(void) {
    fputs("usage: llama_check [-t N] [-v] [--no-repack] MODEL COMMAND ...\n"
          "  eval (--tokens 1,2,3 | --tokens-file F) --logits-out OUT\n"
          "  tokenize (-p TEXT | -f FILE) [--no-bos] [--special]\n"
          "  bench [-p 512] [-n 128] [-r 5] [-b 2048] [-ub 512] [--poll 50] [--json]\n"
          "  batched [-p 32] [-n 64] [-s 1,2,4,8,16] [--poll 50]\n"
          "  info\n",
          stderr);
}

int main(int argc, char **argv) {
    Options o = {0};
    int i = 1;
    for (; i < argc && argv[i][0] == '-'; i++) {
        if (!strcmp(argv[i], "-t") && i + 1 < argc) o.threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-v")) o.verbose = true;
        else if (!strcmp(argv[i], "--no-repack")) o.no_repack = true;
        else { usage(); return 2; }
    }
    if (argc - i < 2) { usage(); return 2; }
    o.model = argv[i];
    o.command = argv[i + 1];
    int rest = argc - i - 2;
    char **rest_argv = argv + i + 2;

    if (!o.verbose) llama_log_set(quiet_log, NULL);
    if (!layouts_match()) return 1;
    load_backends();
    llama_backend_init();
    int rc;
    if (!strcmp(o.command, "eval")) rc = cmd_eval(&o, rest, rest_argv);
    else if (!strcmp(o.command, "tokenize")) rc = cmd_tokenize(&o, rest, rest_argv);
    else if (!strcmp(o.command, "bench")) rc = cmd_bench(&o, rest, rest_argv);
    else if (!strcmp(o.command, "batched")) rc = cmd_batched(&o, rest, rest_argv);
    else if (!strcmp(o.command, "info")) rc = cmd_info(&o);
    else { usage(); rc = 2; }
    llama_backend_free();
    return rc;
}
