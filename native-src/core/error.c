#include <stdarg.h>
#include <stdio.h>
#include "error.h"

jm_status jm_fail(jm_error *err, jm_status code, const char *fmt, ...) {
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

jm_status jm_ok(jm_error *err) {
    if (err) {
        err->code = JM_OK;
        err->message[0] = '\0';
    }
    return JM_OK;
}
