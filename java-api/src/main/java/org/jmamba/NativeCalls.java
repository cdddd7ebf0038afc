package org.jmamba;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jmamba.bindings.jm_error;
import org.jmamba.bindings.jmamba_h;

/**
 * Turns native status codes into Java exceptions: out of memory to {@link InsufficientMemoryException}, an
 * unsupported type or shape to {@link UnsupportedModelException}, a bad argument to
 * {@link IllegalArgumentException}, a call in the wrong state to {@link IllegalStateException},
 * anything else to {@link NativeException}; each with the library's message.
 */
final class NativeCalls {
    private NativeCalls() {}

    /** A jm_error owned by arena, for calls whose failures must be explained. */
    static MemorySegment newError(Arena arena) {
        return jm_error.allocate(arena);
    }

    static void check(int status, MemorySegment err, String what) {
        if (status == jmamba_h.JM_OK) return;
        String msg = jm_error.message(err).getString(0);
        String text = what + ": " + (msg.isEmpty() ? "status " + status : msg);
        if (status == jmamba_h.JM_ERR_OUT_OF_MEMORY) throw new InsufficientMemoryException(text);
        if (status == jmamba_h.JM_ERR_UNSUPPORTED) throw new UnsupportedModelException(text);
        if (status == jmamba_h.JM_ERR_INVALID_ARG) throw new IllegalArgumentException(text);
        if (status == jmamba_h.JM_ERR_STATE) throw new IllegalStateException(text);
        throw new NativeException(text);
    }
}
