/* fixture.c - the functions of fixture.h, for GeneratorFixtureTest. */
#include <string.h>
#include "fixture.h"

int32_t fx_add(int32_t a, int32_t b) { return a + b; }
int64_t fx_mul64(int64_t a, uint32_t b) { return a * (int64_t)b; }
double fx_mix(float a, double b, bool neg) { return neg ? -(a + b) : a + b; }
int8_t fx_neg8(int8_t v) { return (int8_t)-v; }
int16_t fx_neg16(int16_t v) { return (int16_t)-v; }
void fx_fill(int32_t *out, size_t n, int32_t value) { for (size_t i = 0; i < n; i++) out[i] = value; }
const char *fx_greeting(void) { return "hello from C"; }

fx_padded fx_make_padded(char c, double d) {
    fx_padded p;
    memset(&p, 0, sizeof p);
    p.c = c; p.d = d; p.s = -3; p.i = 123456; p.tail = 200;
    return p;
}

double fx_sum_padded(fx_padded p) { return p.c + p.d + p.s + p.i + p.tail; }

fx_outer fx_make_outer(const char *name) {
    fx_outer o;
    memset(&o, 0, sizeof o);
    o.flag = true;
    o.inner.a = -1; o.inner.b = 1LL << 40;
    o.pair[1].a = 7; o.pair[1].b = -9;
    for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++) o.grid[r][c] = (float)(r * 10 + c);
    o.name = name;
    o.handle = NULL;
    o.flags = FX_FLAG_HIGH;
    o.color = FX_BLUE;
    memcpy(o.label, "abcd", 5);
    return o;
}

fx_point fx_point_add(fx_point a, fx_point b) { fx_point r = { a.x + b.x, a.y + b.y }; return r; }
fx_status fx_fail(fx_opaque *h, int32_t int_, int32_t default_) { return h ? 0 : int_ + default_; }
fx_color fx_next_color(fx_color c) { return c == FX_BLUE ? FX_RED : (fx_color)(c + 1); }
void fx_nothing(void) {}
