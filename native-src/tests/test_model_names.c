/*
 * test_model_names.c - building a model from tensors named as in a GGUF
 * file: the hyper-parameter check and its derived sizes, names parsed and
 * refused (unknown, hostile, given twice), shapes and types checked, and the
 * missing tensors named at finalize. The expected sizes are written out from
 * the Mamba-2 layout (llama.cpp's llm_build_mamba2), not taken from the code.
 */
#include <stdlib.h>
#include <string.h>
#include "jmamba.h"
#include "test_util.h"

/* n_vocab 10, d_model 8, 2 layers, d_inner 16, d_state 4, 4 heads, 2 groups, d_conv 4 */
static jm_model_params small_params(void) {
    jm_model_params p = jm_model_default_params();
    p.n_vocab = 10; p.d_model = 8; p.n_layer = 2; p.d_inner = 16; p.d_state = 4;
    p.n_head = 4; p.n_group = 2; p.d_conv = 4;
    return p;
}

static void test_params_check(void) {
    jm_error err;
    jm_model_params p = small_params();
    jm_model_sizes s;
    memset(&s, 0xAB, sizeof s);
    CHECK(jm_model_params_check(&p, &s, &err) == JM_OK, "valid params: %s", err.message);
    CHECK(s.head_dim == 4, "head_dim %lld", (long long)s.head_dim);
    CHECK(s.conv_dim == 16 + 2 * 2 * 4, "conv_dim %lld", (long long)s.conv_dim);
    CHECK(s.d_in_proj == 2 * 16 + 2 * 2 * 4 + 4, "d_in_proj %lld", (long long)s.d_in_proj);
    CHECK(s.layer_state_floats == 3 * 32 + 16 * 4, "layer state %lld", (long long)s.layer_state_floats);
    CHECK(s.state_bytes == 2 * (3 * 32 + 16 * 4) * 4, "state bytes %lld", (long long)s.state_bytes);
    CHECK(jm_model_params_check(&p, NULL, NULL) == JM_OK, "sizes and err may be NULL");

    jm_model *m = NULL;
    CHECK(jm_model_create(&p, &m, &err) == JM_OK && jm_model_state_size(m) == s.state_bytes,
          "the model's state size is the checked one");
    jm_model_free(m);

    p.n_head = 3;
    CHECK(jm_model_params_check(&p, &s, &err) == JM_ERR_INVALID_ARG && strstr(err.message, "n_head 3"),
          "d_inner %% n_head refused: %s", err.message);
    p = small_params();
    p.n_group = 3;
    CHECK(jm_model_params_check(&p, &s, &err) == JM_ERR_INVALID_ARG && strstr(err.message, "n_group 3"),
          "n_head %% n_group refused: %s", err.message);
    p = small_params();
    p.d_state = 0;
    CHECK(jm_model_params_check(&p, &s, &err) == JM_ERR_INVALID_ARG && strstr(err.message, "d_state = 0"),
          "zero d_state refused: %s", err.message);
    p = small_params();
    p.norm_eps = -1;
    CHECK(jm_model_params_check(&p, &s, &err) == JM_ERR_INVALID_ARG, "negative eps refused");
    /* ssm_in: 2 * 2^24 + 2 * 64 * 2^24 + 64 rows > 2^31 - 1 */
    p = small_params();
    p.d_inner = 1 << 24; p.d_state = 1 << 24; p.n_head = 64; p.n_group = 64;
    CHECK(jm_model_params_check(&p, &s, &err) == JM_ERR_INVALID_ARG && strstr(err.message, "ssm_in"),
          "ssm_in rows over an int refused: %s", err.message);
    /* 2^24 layers of about 2^48 floats: more bytes than an int64 holds */
    p = small_params();
    p.n_layer = 1 << 24; p.d_inner = 1 << 24; p.d_state = 1 << 24; p.n_head = 1; p.n_group = 1;
    CHECK(jm_model_params_check(&p, &s, &err) == JM_ERR_INVALID_ARG && strstr(err.message, "overflow"),
          "state bytes over an int64 refused: %s", err.message);
    CHECK(jm_model_params_check(NULL, &s, &err) == JM_ERR_INVALID_ARG, "NULL params refused");
}

static void test_role_names(void) {
    CHECK(strcmp(jm_tensor_role_name(JM_TENSOR_TOKEN_EMBD), "token_embd.weight") == 0, "token_embd name");
    CHECK(strcmp(jm_tensor_role_name(JM_TENSOR_SSM_IN), "ssm_in.weight") == 0, "ssm_in name");
    CHECK(strcmp(jm_tensor_role_name(JM_TENSOR_SSM_A), "ssm_a") == 0, "ssm_a name");
    CHECK(jm_tensor_role_name(-1) == NULL && jm_tensor_role_name(JM_TENSOR_ROLE_COUNT) == NULL, "no name past the roles");
}

/* One buffer big enough for any tensor of the small model, all floats 0. */
static float g_data[40 * 10];

static jm_status set(jm_model *m, const char *name, int32_t type, int32_t n, int64_t ne0, int64_t ne1, jm_error *err) {
    const int64_t ne[2] = { ne0, ne1 };
    const int64_t rows = n > 1 ? ne1 : 1;
    const int64_t bytes = jm_row_size(type, ne0) * rows;
    return jm_model_set_tensor_by_name(m, name, type, n, ne, g_data, bytes, err);
}

/* Every tensor of layer il, with the shapes a GGUF file of small_params gives. */
static int set_layer(jm_model *m, int il, jm_error *err) {
    char b[64];
    int ok = 1;
#define SET(suffix, n, ne0, ne1)                                            \
    snprintf(b, sizeof b, "blk.%d.%s", il, suffix);                         \
    ok &= set(m, b, JM_TYPE_F32, n, ne0, ne1, err) == JM_OK;
    SET("attn_norm.weight", 1, 8, 1)
    SET("ssm_in.weight", 2, 8, 52)
    SET("ssm_conv1d.weight", 2, 4, 32)
    SET("ssm_conv1d.bias", 1, 32, 1)
    SET("ssm_dt.bias", 1, 4, 1)
    SET("ssm_a", 2, 1, 4)
    SET("ssm_d", 2, 1, 4)
    SET("ssm_norm.weight", 2, 8, 2)
    SET("ssm_out.weight", 2, 16, 8)
#undef SET
    return ok;
}

static void test_by_name(void) {
    jm_error err;
    jm_model_params p = small_params();
    jm_model *m = NULL;
    CHECK(jm_model_create(&p, &m, &err) == JM_OK, "create: %s", err.message);

    CHECK(set(m, "token_embd.weight", JM_TYPE_F32, 2, 8, 10, &err) == JM_OK, "token_embd: %s", err.message);
    CHECK(set(m, "token_embd.weight", JM_TYPE_F32, 2, 8, 10, &err) == JM_ERR_INVALID_ARG
          && strstr(err.message, "token_embd.weight is given twice"), "duplicate refused: %s", err.message);
    CHECK(set(m, "output_norm.weight", JM_TYPE_F32, 2, 8, 1, &err) == JM_OK, "[8, 1] is [8]: %s", err.message);

    /* unknown and hostile names */
    const char *bad[] = { "rope_freqs.weight", "blk.0.token_embd.weight", "blk.ssm_in.weight", "blk..ssm_in.weight",
                          "blk.-1.ssm_in.weight", "blk.+1.ssm_in.weight", "blk.01.ssm_in.weight", "blk.0.ssm_in",
                          "blk.0.ssm_in.weight.x", "blk.0", "", "ssm_in.weight", "BLK.0.ssm_in.weight",
                          "blk.0 .ssm_in.weight", "token_embd.weight\n" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        CHECK(set(m, bad[i], JM_TYPE_F32, 1, 8, 1, &err) == JM_ERR_UNSUPPORTED && strstr(err.message, "not a tensor"),
              "'%s' refused: %s", bad[i], err.message);
    CHECK(set(m, "blk.2.attn_norm.weight", JM_TYPE_F32, 1, 8, 1, &err) == JM_ERR_UNSUPPORTED
          && strstr(err.message, "blk.2.attn_norm.weight") && strstr(err.message, "[0, 2)"),
          "layer past n_layer refused: %s", err.message);
    CHECK(set(m, "blk.99999999999999999999999.attn_norm.weight", JM_TYPE_F32, 1, 8, 1, &err) == JM_ERR_UNSUPPORTED
          && strstr(err.message, "out of range"), "huge layer number refused: %s", err.message);
    CHECK(set(m, "blk.2147483648.attn_norm.weight", JM_TYPE_F32, 1, 8, 1, &err) == JM_ERR_UNSUPPORTED,
          "layer 2^31 refused: %s", err.message);
    /* a name with no NUL in its first 256 bytes: refused after reading 256 */
    char *longname = malloc(256);
    memset(longname, 'a', 256);
    CHECK(jm_model_set_tensor_by_name(m, longname, JM_TYPE_F32, 1, (const int64_t[]){ 8 }, g_data, 32, &err)
          == JM_ERR_INVALID_ARG && strstr(err.message, "longer than 255"), "unterminated name refused: %s", err.message);
    free(longname);
    CHECK(jm_model_set_tensor_by_name(m, NULL, JM_TYPE_F32, 1, (const int64_t[]){ 8 }, g_data, 32, &err)
          == JM_ERR_INVALID_ARG, "NULL name refused");
    CHECK(jm_model_set_tensor_by_name(m, "blk.0.attn_norm.weight", JM_TYPE_F32, 1, NULL, g_data, 32, &err)
          == JM_ERR_INVALID_ARG, "NULL shape refused");
    CHECK(jm_model_set_tensor_by_name(m, "blk.0.attn_norm.weight", JM_TYPE_F32, 5, (const int64_t[]){ 8, 1, 1, 1, 1 },
                                      g_data, 32, &err) == JM_ERR_INVALID_ARG, "5 dimensions refused");

    /* shapes: named with both shapes as the file and the model have them */
    CHECK(set(m, "blk.0.ssm_in.weight", JM_TYPE_F32, 2, 8, 51, &err) == JM_ERR_SHAPE
          && strstr(err.message, "blk.0.ssm_in.weight has shape [8, 51], the model's hyper-parameters need [8, 52]"),
          "wrong shape refused: %s", err.message);
    CHECK(set(m, "blk.0.ssm_a", JM_TYPE_F32, 1, 4, 1, &err) == JM_ERR_SHAPE && strstr(err.message, "need [1, 4]"),
          "ssm_a as [4] refused: %s", err.message);
    CHECK(jm_model_set_tensor_by_name(m, "blk.0.ssm_conv1d.weight", JM_TYPE_F32, 3, (const int64_t[]){ 4, 16, 2 },
                                      g_data, 512, &err) == JM_ERR_SHAPE && strstr(err.message, "[4, 16, 2]"),
          "a third dimension is not folded into rows: %s", err.message);
    CHECK(jm_model_set_tensor_by_name(m, "blk.0.attn_norm.weight", JM_TYPE_F32, 2, (const int64_t[]){ -8, -1 },
                                      g_data, 32, &err) == JM_ERR_SHAPE, "negative sizes refused");
    CHECK(jm_model_set_tensor_by_name(m, "blk.0.attn_norm.weight", JM_TYPE_F32, 1, (const int64_t[]){ 8 },
                                      g_data, 31, &err) == JM_ERR_INVALID_ARG, "short data refused: %s", err.message);
    /* types */
    CHECK(set(m, "blk.0.attn_norm.weight", JM_TYPE_F16, 1, 8, 1, &err) == JM_ERR_UNSUPPORTED
          && strstr(err.message, "type F16; this tensor must be F32"), "F16 norm refused: %s", err.message);
    CHECK(set(m, "blk.0.ssm_out.weight", 20, 2, 16, 8, &err) == JM_ERR_UNSUPPORTED
          && strstr(err.message, "IQ4_NL, which jmamba cannot compute"), "IQ4_NL matrix refused: %s", err.message);

    /* missing at finalize, named in model order; output.weight is optional */
    char miss[64];
    CHECK(jm_model_next_missing(m, miss, sizeof miss) == 1 && strcmp(miss, "blk.0.attn_norm.weight") == 0,
          "first missing: %s", miss);
    CHECK(jm_model_finalize(m, &err) == JM_ERR_MISSING_TENSOR && strstr(err.message, "tensor blk.0.attn_norm.weight is missing"),
          "finalize names the missing tensor: %s", err.message);
    CHECK(set_layer(m, 0, &err), "layer 0: %s", err.message);
    CHECK(set_layer(m, 1, &err), "layer 1: %s", err.message);
    char tiny[4];
    CHECK(jm_model_next_missing(m, tiny, sizeof tiny) == 0, "nothing missing with a tied output");
    CHECK(jm_model_finalize(m, &err) == JM_OK, "finalize: %s", err.message);
    CHECK(set(m, "output.weight", JM_TYPE_F32, 2, 8, 10, &err) == JM_ERR_STATE, "final model refuses tensors");
    jm_model_free(m);

    /* a short name buffer is cut, still NUL-terminated */
    m = NULL;
    jm_model_create(&p, &m, NULL);
    memset(tiny, 'x', sizeof tiny);
    CHECK(jm_model_next_missing(m, tiny, sizeof tiny) == 1 && strcmp(tiny, "tok") == 0, "cut name: %.4s", tiny);
    CHECK(jm_model_next_missing(m, NULL, 0) == 1 && jm_model_next_missing(NULL, NULL, 0) == 0, "NULL buffers");
    jm_model_free(m);
}

int main(void) {
    test_params_check();
    test_role_names();
    test_by_name();
    printf("%d passed, %d failed\n", g_pass, g_fail);
    return g_fail ? 1 : 0;
}
