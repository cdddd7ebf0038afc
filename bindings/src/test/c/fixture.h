/* fixture.h - C the bindings generator must map; GeneratorFixtureTest generates,
 * compiles and calls bindings for it against fixture.c. Not part of the library. */
#ifndef FIXTURE_H
#define FIXTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FX_API __attribute__((visibility("default")))
#define FX_INT 42
#define FX_NEG (-7)
#define FX_HEX 0xFFFFFFFFu
#define FX_BIG (1LL << 40)
#define FX_SHIFTED (FX_INT << 2)
#define FX_DOUBLE 2.5
#define FX_FLOAT 0.25f
#define FX_STRING "not a number"
#define FX_FUNC(x) ((x) + 1)
#define FX_EMPTY
#define FX_UNBALANCED (1 +
#define FX_STATEMENT 1;
#define FX_TYPE int64_t
#define FX_CHAR 'x'
#define FX_SIZEOF ((int)sizeof(int64_t))
#define FX_AFTER_BROKEN 7

typedef int32_t fx_status;
typedef uint64_t fx_size;
typedef float fx_vec4[4];
typedef const char *fx_name;

enum { FX_ANON_A = 3, FX_ANON_B = -2 };
enum fx_flags { FX_FLAG_LOW = 1u << 0, FX_FLAG_HIGH = 1u << 31 };
typedef enum fx_color { FX_RED, FX_GREEN = 5, FX_BLUE } fx_color;

typedef struct fx_opaque fx_opaque;

/* padding after c, after s, and at the end */
typedef struct fx_padded {
    char c;
    double d;
    int16_t s;
    int32_t i;
    uint8_t tail;
} fx_padded;

struct fx_inner {
    int8_t a;
    int64_t b;
};

typedef struct fx_outer {
    bool flag;
    struct fx_inner inner;
    struct fx_inner pair[2];
    float grid[2][3];
    const char *name;
    fx_opaque *handle;
    enum fx_flags flags;
    fx_color color;
    char label[5];
} fx_outer;

typedef struct {
    int32_t x, y;
} fx_point;

/* enums and structs defined inside a struct are file-scope in C */
typedef struct fx_mode {
    enum { FX_MODE_A = 1, FX_MODE_B = 2 } mode;
    struct fx_sub { int16_t k; } sub;
} fx_mode;

typedef struct fx_tagged fx_alias;
struct fx_tagged {
    uint16_t v;
};

FX_API int32_t fx_add(int32_t a, int32_t b);
FX_API int64_t fx_mul64(int64_t a, uint32_t b);
FX_API double fx_mix(float a, double b, bool neg);
FX_API int8_t fx_neg8(int8_t v);
FX_API int16_t fx_neg16(int16_t v);
FX_API void fx_fill(int32_t *out, size_t n, int32_t value);
FX_API const char *fx_greeting(void);
FX_API fx_padded fx_make_padded(char c, double d);
FX_API double fx_sum_padded(fx_padded p);
FX_API fx_outer fx_make_outer(const char *name);
FX_API fx_point fx_point_add(fx_point a, fx_point b);
FX_API fx_status fx_fail(fx_opaque *h, int32_t int_, int32_t default_);
FX_API fx_color fx_next_color(fx_color c);
FX_API void fx_nothing(void);

#endif
