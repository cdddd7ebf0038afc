/*
 * test_shared_library.c - the library as Java loads it: the shared file
 * opened by name (dlopen, LoadLibrary), functions looked up by name, a
 * context whose worker threads run a matmul and the bandwidth probe. The
 * other tests link the static library, which shares the code but not the
 * exports, the DLL's start-up or its linked-in runtime (winpthreads).
 */
#include <stdio.h>
#include <string.h>
#include "jmamba.h"
#include "test_util.h"

#if defined(_WIN32)
#include <windows.h>
static void *open_library(void) { return (void *)LoadLibraryA(JM_LIBRARY_FILE); }
static void *find(void *lib, const char *name) { return (void *)GetProcAddress((HMODULE)lib, name); }
#else
#include <dlfcn.h>
static void *open_library(void) { return dlopen("./" JM_LIBRARY_FILE, RTLD_NOW | RTLD_LOCAL); }
static void *find(void *lib, const char *name) { return dlsym(lib, name); }
#endif

typedef const char *(*version_fn)(void);
typedef jm_context_params (*default_params_fn)(void);
typedef jm_status (*context_create_fn)(const jm_context_params *, jm_context **, jm_error *);
typedef void (*context_free_fn)(jm_context *);
typedef int32_t (*n_threads_fn)(const jm_context *);
typedef jm_status (*matmul_fn)(jm_context *, int32_t, const void *, int64_t, int64_t, const float *, int64_t,
                               float *, jm_error *);
typedef jm_status (*bandwidth_fn)(jm_context *, int64_t, int32_t, double *, jm_error *);

int main(void) {
    void *lib = open_library();
    if (!lib) {
        printf("FAIL: cannot open %s\n", JM_LIBRARY_FILE);
        return 1;
    }
    version_fn version = (version_fn)find(lib, "jm_version");
    default_params_fn default_params = (default_params_fn)find(lib, "jm_context_default_params");
    context_create_fn create = (context_create_fn)find(lib, "jm_context_create");
    context_free_fn destroy = (context_free_fn)find(lib, "jm_context_free");
    n_threads_fn n_threads = (n_threads_fn)find(lib, "jm_context_n_threads");
    matmul_fn matmul = (matmul_fn)find(lib, "jm_matmul");
    bandwidth_fn bandwidth = (bandwidth_fn)find(lib, "jm_read_bandwidth");
    CHECK(version && default_params && create && destroy && n_threads && matmul && bandwidth,
          "every function found by name in %s", JM_LIBRARY_FILE);
    CHECK(find(lib, "jm_scratch") == NULL, "internal functions are not exported");
    if (g_fail) return test_report();

    const char *v = version();
    CHECK(v && v[0] >= '0' && v[0] <= '9', "version %s", v ? v : "(null)");

    jm_context_params p = default_params();
    p.n_threads = 3;
    jm_context *ctx = NULL;
    jm_error err = {0};
    CHECK(create(&p, &ctx, &err) == JM_OK && ctx, "context with 3 threads: %s", err.message);
    if (!ctx) return test_report();
    CHECK(n_threads(ctx) == 3, "%d threads", n_threads(ctx));

    /* 37 rows of 64 against 3 columns, split over the threads; small integers, so exact */
    enum { N = 64, ROWS = 37, COLS = 3 };
    static float w[ROWS * N], x[COLS * N], y[COLS * ROWS];
    for (int i = 0; i < ROWS * N; i++) w[i] = (float)((i * 7) % 5 - 2);
    for (int i = 0; i < COLS * N; i++) x[i] = (float)((i * 3) % 7 - 3);
    CHECK(matmul(ctx, JM_TYPE_F32, w, N, ROWS, x, COLS, y, &err) == JM_OK, "matmul: %s", err.message);
    int bad = 0;
    for (int c = 0; c < COLS; c++)
        for (int r = 0; r < ROWS; r++) {
            float s = 0.0f;
            for (int i = 0; i < N; i++) s += w[r * N + i] * x[c * N + i];
            bad += y[c * ROWS + r] != s;
        }
    CHECK(bad == 0, "matmul through the library's threads: %d of %d values differ", bad, COLS * ROWS);

    double gb = 0;
    CHECK(bandwidth(ctx, 4 << 20, 1, &gb, &err) == JM_OK && gb > 0, "bandwidth probe: %g GB/s %s", gb, err.message);
    destroy(ctx);
    return test_report();
}
