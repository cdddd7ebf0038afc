/* error.h - filling a caller's jm_error; every failure path goes through here. */
#ifndef JM_ERROR_H
#define JM_ERROR_H

#include "jmamba.h"

/* Formats the message into err (when not NULL) and returns code. */
#if defined(__MINGW32__)
#define JM_PRINTF gnu_printf /* MinGW builds use its C99 printf (__USE_MINGW_ANSI_STDIO) */
#else
#define JM_PRINTF printf
#endif
jm_status jm_fail(jm_error *err, jm_status code, const char *fmt, ...)
    __attribute__((format(JM_PRINTF, 3, 4)));
/* Marks err as success and returns JM_OK. */
jm_status jm_ok(jm_error *err);

#endif
