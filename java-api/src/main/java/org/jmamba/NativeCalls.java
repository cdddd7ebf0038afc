package org.jmamba;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.jmamba.bindings.jm_error;
import org.jmamba.bindings.jmamba_h;

/**
 * Turns native status codes into Java exceptions: out of memory to {@link InsufficientMemoryException}, a
 * missing tensor to {@link MissingTensorException}, a tensor shape the hyper-parameters do not give to
 * {@link ShapeMismatchException}, an unsupported type or tensor to {@link UnsupportedModelException}, a bad argument to
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
        String text = what + ": " + message(err, status);
        if (status == jmamba_h.JM_ERR_OUT_OF_MEMORY) throw new InsufficientMemoryException(text);
        if (status == jmamba_h.JM_ERR_MISSING_TENSOR) throw new MissingTensorException(text);
        if (status == jmamba_h.JM_ERR_SHAPE) throw new ShapeMismatchException(text);
        if (status == jmamba_h.JM_ERR_UNSUPPORTED) throw new UnsupportedModelException(text);
        if (status == jmamba_h.JM_ERR_INVALID_ARG) throw new IllegalArgumentException(text);
        if (status == jmamba_h.JM_ERR_STATE) throw new IllegalStateException(text);
        throw new NativeException(text);
    }

    /**
     * {@link #check} for the calls that build a model from a file's tensors: a tensor the library
     * refuses as a bad argument (given twice, too few bytes) makes the file a model it cannot run.
     */
    static void checkModel(int status, MemorySegment err, String what) {
        check(status == jmamba_h.JM_ERR_INVALID_ARG ? jmamba_h.JM_ERR_UNSUPPORTED : status, err, what);
    }

    /** The library's message for a failed call, or its status when it gave none. */
    static String message(MemorySegment err, int status) {
        String msg = jm_error.message(err).getString(0);
        return msg.isEmpty() ? "status " + status : msg;
    }

    /** A tensor role's name in GGUF files, from the library (per-layer roles: the part after "blk.N."). */
    static String tensorName(int role) {
        return jmamba_h.jm_tensor_role_name(role).getString(0);
    }
}
