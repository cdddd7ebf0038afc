// Generated from native-src/include/jmamba.h by bindings/generator/generate.py.
// DO NOT EDIT: change the header (or the generator) and run scripts/generate-bindings.

package org.jmamba.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfBoolean;
import java.lang.foreign.ValueLayout.OfByte;
import java.lang.foreign.ValueLayout.OfDouble;
import java.lang.foreign.ValueLayout.OfFloat;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfLong;
import java.lang.foreign.ValueLayout.OfShort;
import java.lang.invoke.MethodHandle;

/**
 * The C API of {@code jmamba.h}: layouts of its C types, its constants and one static
 * method per function. Each function's descriptor and downcall handle live in a
 * nested holder class, so a function's symbol is looked up on its first call only.
 */
@SuppressWarnings("unused")
public class jmamba_h {

    jmamba_h() {
        // Should not be called directly
    }

    static MemorySegment findOrThrow(String symbol) {
        return NativeLibrary.lookup().find(symbol)
                .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
    }

    public static final OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final OfInt C_INT = ValueLayout.JAVA_INT;
    public static final OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));

    /**
     * {@snippet lang=c :
     * #define JM_API_VERSION 1
     * }
     */
    public static final int JM_API_VERSION = 1;

    /**
     * {@snippet lang=c :
     * #define JM_ERROR_MESSAGE_SIZE 256
     * }
     */
    public static final int JM_ERROR_MESSAGE_SIZE = 256;

    /**
     * {@snippet lang=c :
     * #define JM_MAX_DIMS 4
     * }
     */
    public static final int JM_MAX_DIMS = 4;

    /**
     * {@snippet lang=c :
     * #define JM_BATCH_MAX_SEQS 4096
     * }
     */
    public static final int JM_BATCH_MAX_SEQS = 4096;

    /**
     * {@snippet lang=c :
     * typedef int32_t jm_status
     * }
     */
    public static final OfInt jm_status = jmamba_h.C_INT;

    /**
     * {@snippet lang=c :
     * enum jm_status_code.JM_OK = 0
     * }
     */
    public static final int JM_OK = 0;

    /**
     * {@snippet lang=c :
     * enum jm_status_code.JM_ERR_INVALID_ARG = 1
     * }
     */
    public static final int JM_ERR_INVALID_ARG = 1;

    /**
     * {@snippet lang=c :
     * enum jm_status_code.JM_ERR_OUT_OF_MEMORY = 2
     * }
     */
    public static final int JM_ERR_OUT_OF_MEMORY = 2;

    /**
     * {@snippet lang=c :
     * enum jm_status_code.JM_ERR_UNSUPPORTED = 3
     * }
     */
    public static final int JM_ERR_UNSUPPORTED = 3;

    /**
     * {@snippet lang=c :
     * enum jm_status_code.JM_ERR_STATE = 4
     * }
     */
    public static final int JM_ERR_STATE = 4;

    /**
     * {@snippet lang=c :
     * enum jm_status_code.JM_ERR_CANCELLED = 5
     * }
     */
    public static final int JM_ERR_CANCELLED = 5;

    /**
     * {@snippet lang=c :
     * enum jm_status_code.JM_ERR_INTERNAL = 6
     * }
     */
    public static final int JM_ERR_INTERNAL = 6;

    /**
     * {@snippet lang=c :
     * enum jm_status_code.JM_ERR_MISSING_TENSOR = 7
     * }
     */
    public static final int JM_ERR_MISSING_TENSOR = 7;

    /**
     * {@snippet lang=c :
     * enum jm_status_code.JM_ERR_SHAPE = 8
     * }
     */
    public static final int JM_ERR_SHAPE = 8;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_F32 = 0
     * }
     */
    public static final int JM_TYPE_F32 = 0;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_F16 = 1
     * }
     */
    public static final int JM_TYPE_F16 = 1;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q4_0 = 2
     * }
     */
    public static final int JM_TYPE_Q4_0 = 2;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q4_1 = 3
     * }
     */
    public static final int JM_TYPE_Q4_1 = 3;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q5_0 = 6
     * }
     */
    public static final int JM_TYPE_Q5_0 = 6;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q5_1 = 7
     * }
     */
    public static final int JM_TYPE_Q5_1 = 7;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q8_0 = 8
     * }
     */
    public static final int JM_TYPE_Q8_0 = 8;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q8_1 = 9
     * }
     */
    public static final int JM_TYPE_Q8_1 = 9;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q2_K = 10
     * }
     */
    public static final int JM_TYPE_Q2_K = 10;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q3_K = 11
     * }
     */
    public static final int JM_TYPE_Q3_K = 11;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q4_K = 12
     * }
     */
    public static final int JM_TYPE_Q4_K = 12;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q5_K = 13
     * }
     */
    public static final int JM_TYPE_Q5_K = 13;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q6_K = 14
     * }
     */
    public static final int JM_TYPE_Q6_K = 14;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_Q8_K = 15
     * }
     */
    public static final int JM_TYPE_Q8_K = 15;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_BF16 = 30
     * }
     */
    public static final int JM_TYPE_BF16 = 30;

    /**
     * {@snippet lang=c :
     * enum jm_type.JM_TYPE_COUNT = 40
     * }
     */
    public static final int JM_TYPE_COUNT = 40;

    private static class jm_type_block_size {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_INT
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_type_block_size");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,
                Linker.Option.critical(false));
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t jm_type_block_size(int32_t type)
     * }
     */
    public static FunctionDescriptor jm_type_block_size$descriptor() {
        return jm_type_block_size.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t jm_type_block_size(int32_t type)
     * }
     */
    public static MethodHandle jm_type_block_size$handle() {
        return jm_type_block_size.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t jm_type_block_size(int32_t type)
     * }
     */
    public static MemorySegment jm_type_block_size$address() {
        return jm_type_block_size.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t jm_type_block_size(int32_t type)
     * }
     * Linked as a critical function: it must not block or call back into Java.
     */
    public static int jm_type_block_size(int type) {
        var mh$ = jm_type_block_size.HANDLE;
        try {
            return (int) mh$.invokeExact(type);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_type_block_bytes {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_INT
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_type_block_bytes");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,
                Linker.Option.critical(false));
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int64_t jm_type_block_bytes(int32_t type)
     * }
     */
    public static FunctionDescriptor jm_type_block_bytes$descriptor() {
        return jm_type_block_bytes.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int64_t jm_type_block_bytes(int32_t type)
     * }
     */
    public static MethodHandle jm_type_block_bytes$handle() {
        return jm_type_block_bytes.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int64_t jm_type_block_bytes(int32_t type)
     * }
     */
    public static MemorySegment jm_type_block_bytes$address() {
        return jm_type_block_bytes.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int64_t jm_type_block_bytes(int32_t type)
     * }
     * Linked as a critical function: it must not block or call back into Java.
     */
    public static long jm_type_block_bytes(int type) {
        var mh$ = jm_type_block_bytes.HANDLE;
        try {
            return (long) mh$.invokeExact(type);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_type_can_compute {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_INT
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_type_can_compute");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,
                Linker.Option.critical(false));
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t jm_type_can_compute(int32_t type)
     * }
     */
    public static FunctionDescriptor jm_type_can_compute$descriptor() {
        return jm_type_can_compute.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t jm_type_can_compute(int32_t type)
     * }
     */
    public static MethodHandle jm_type_can_compute$handle() {
        return jm_type_can_compute.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t jm_type_can_compute(int32_t type)
     * }
     */
    public static MemorySegment jm_type_can_compute$address() {
        return jm_type_can_compute.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t jm_type_can_compute(int32_t type)
     * }
     * Linked as a critical function: it must not block or call back into Java.
     */
    public static int jm_type_can_compute(int type) {
        var mh$ = jm_type_can_compute.HANDLE;
        try {
            return (int) mh$.invokeExact(type);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_AVX2 = 1
     * }
     */
    public static final int JM_CPU_AVX2 = 1;

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_FMA = 2
     * }
     */
    public static final int JM_CPU_FMA = 2;

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_F16C = 4
     * }
     */
    public static final int JM_CPU_F16C = 4;

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_AVX512F = 8
     * }
     */
    public static final int JM_CPU_AVX512F = 8;

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_AVX512BW = 16
     * }
     */
    public static final int JM_CPU_AVX512BW = 16;

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_AVX512VL = 32
     * }
     */
    public static final int JM_CPU_AVX512VL = 32;

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_AVX512VNNI = 64
     * }
     */
    public static final int JM_CPU_AVX512VNNI = 64;

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_AVX512BF16 = 128
     * }
     */
    public static final int JM_CPU_AVX512BF16 = 128;

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_AVXVNNI = 256
     * }
     */
    public static final int JM_CPU_AVXVNNI = 256;

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_NEON = 512
     * }
     */
    public static final int JM_CPU_NEON = 512;

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_DOTPROD = 1024
     * }
     */
    public static final int JM_CPU_DOTPROD = 1024;

    /**
     * {@snippet lang=c :
     * enum jm_cpu_feature.JM_CPU_AMX_INT8 = 2048
     * }
     */
    public static final int JM_CPU_AMX_INT8 = 2048;

    /**
     * {@snippet lang=c :
     * enum jm_kernel_level.JM_LEVEL_SCALAR = 0
     * }
     */
    public static final int JM_LEVEL_SCALAR = 0;

    /**
     * {@snippet lang=c :
     * enum jm_kernel_level.JM_LEVEL_AVX2 = 1
     * }
     */
    public static final int JM_LEVEL_AVX2 = 1;

    /**
     * {@snippet lang=c :
     * enum jm_kernel_level.JM_LEVEL_AVX512 = 2
     * }
     */
    public static final int JM_LEVEL_AVX512 = 2;

    /**
     * {@snippet lang=c :
     * enum jm_kernel_level.JM_LEVEL_NEON = 3
     * }
     */
    public static final int JM_LEVEL_NEON = 3;

    private static class jm_cpu_features {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_cpu_features");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,
                Linker.Option.critical(false));
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * uint32_t jm_cpu_features(void)
     * }
     */
    public static FunctionDescriptor jm_cpu_features$descriptor() {
        return jm_cpu_features.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * uint32_t jm_cpu_features(void)
     * }
     */
    public static MethodHandle jm_cpu_features$handle() {
        return jm_cpu_features.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * uint32_t jm_cpu_features(void)
     * }
     */
    public static MemorySegment jm_cpu_features$address() {
        return jm_cpu_features.ADDR;
    }

    /**
     * {@snippet lang=c :
     * uint32_t jm_cpu_features(void)
     * }
     * Linked as a critical function: it must not block or call back into Java.
     */
    public static int jm_cpu_features() {
        var mh$ = jm_cpu_features.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,
                Linker.Option.critical(false));
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char *jm_version(void)
     * }
     */
    public static FunctionDescriptor jm_version$descriptor() {
        return jm_version.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char *jm_version(void)
     * }
     */
    public static MethodHandle jm_version$handle() {
        return jm_version.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char *jm_version(void)
     * }
     */
    public static MemorySegment jm_version$address() {
        return jm_version.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *jm_version(void)
     * }
     * Linked as a critical function: it must not block or call back into Java.
     */
    public static MemorySegment jm_version() {
        var mh$ = jm_version.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact();
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_backend_count {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_backend_count");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t jm_backend_count(void)
     * }
     */
    public static FunctionDescriptor jm_backend_count$descriptor() {
        return jm_backend_count.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t jm_backend_count(void)
     * }
     */
    public static MethodHandle jm_backend_count$handle() {
        return jm_backend_count.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t jm_backend_count(void)
     * }
     */
    public static MemorySegment jm_backend_count$address() {
        return jm_backend_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t jm_backend_count(void)
     * }
     */
    public static int jm_backend_count() {
        var mh$ = jm_backend_count.HANDLE;
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_backend_name {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_POINTER,
            jmamba_h.C_INT
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_backend_name");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char *jm_backend_name(int32_t i)
     * }
     */
    public static FunctionDescriptor jm_backend_name$descriptor() {
        return jm_backend_name.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char *jm_backend_name(int32_t i)
     * }
     */
    public static MethodHandle jm_backend_name$handle() {
        return jm_backend_name.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char *jm_backend_name(int32_t i)
     * }
     */
    public static MemorySegment jm_backend_name$address() {
        return jm_backend_name.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *jm_backend_name(int32_t i)
     * }
     */
    public static MemorySegment jm_backend_name(int i) {
        var mh$ = jm_backend_name.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(i);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_context_default_params {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            org.jmamba.bindings.jm_context_params.layout()
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_context_default_params");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_context_params jm_context_default_params(void)
     * }
     */
    public static FunctionDescriptor jm_context_default_params$descriptor() {
        return jm_context_default_params.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_context_params jm_context_default_params(void)
     * }
     */
    public static MethodHandle jm_context_default_params$handle() {
        return jm_context_default_params.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_context_params jm_context_default_params(void)
     * }
     */
    public static MemorySegment jm_context_default_params$address() {
        return jm_context_default_params.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_context_params jm_context_default_params(void)
     * }
     */
    public static MemorySegment jm_context_default_params(SegmentAllocator allocator) {
        var mh$ = jm_context_default_params.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(allocator);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_context_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_context_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_context_create(const jm_context_params *params, jm_context **out, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_context_create$descriptor() {
        return jm_context_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_context_create(const jm_context_params *params, jm_context **out, jm_error *err)
     * }
     */
    public static MethodHandle jm_context_create$handle() {
        return jm_context_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_context_create(const jm_context_params *params, jm_context **out, jm_error *err)
     * }
     */
    public static MemorySegment jm_context_create$address() {
        return jm_context_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_context_create(const jm_context_params *params, jm_context **out, jm_error *err)
     * }
     */
    public static int jm_context_create(MemorySegment params, MemorySegment out, MemorySegment err) {
        var mh$ = jm_context_create.HANDLE;
        try {
            return (int) mh$.invokeExact(params, out, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_context_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_context_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * void jm_context_free(jm_context *ctx)
     * }
     */
    public static FunctionDescriptor jm_context_free$descriptor() {
        return jm_context_free.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * void jm_context_free(jm_context *ctx)
     * }
     */
    public static MethodHandle jm_context_free$handle() {
        return jm_context_free.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * void jm_context_free(jm_context *ctx)
     * }
     */
    public static MemorySegment jm_context_free$address() {
        return jm_context_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void jm_context_free(jm_context *ctx)
     * }
     */
    public static void jm_context_free(MemorySegment ctx) {
        var mh$ = jm_context_free.HANDLE;
        try {
            mh$.invokeExact(ctx);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_context_n_threads {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_context_n_threads");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,
                Linker.Option.critical(false));
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t jm_context_n_threads(const jm_context *ctx)
     * }
     */
    public static FunctionDescriptor jm_context_n_threads$descriptor() {
        return jm_context_n_threads.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t jm_context_n_threads(const jm_context *ctx)
     * }
     */
    public static MethodHandle jm_context_n_threads$handle() {
        return jm_context_n_threads.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t jm_context_n_threads(const jm_context *ctx)
     * }
     */
    public static MemorySegment jm_context_n_threads$address() {
        return jm_context_n_threads.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t jm_context_n_threads(const jm_context *ctx)
     * }
     * Linked as a critical function: it must not block or call back into Java.
     */
    public static int jm_context_n_threads(MemorySegment ctx) {
        var mh$ = jm_context_n_threads.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_context_kernel_level {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_context_kernel_level");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,
                Linker.Option.critical(false));
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t jm_context_kernel_level(const jm_context *ctx)
     * }
     */
    public static FunctionDescriptor jm_context_kernel_level$descriptor() {
        return jm_context_kernel_level.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t jm_context_kernel_level(const jm_context *ctx)
     * }
     */
    public static MethodHandle jm_context_kernel_level$handle() {
        return jm_context_kernel_level.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t jm_context_kernel_level(const jm_context *ctx)
     * }
     */
    public static MemorySegment jm_context_kernel_level$address() {
        return jm_context_kernel_level.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t jm_context_kernel_level(const jm_context *ctx)
     * }
     * Linked as a critical function: it must not block or call back into Java.
     */
    public static int jm_context_kernel_level(MemorySegment ctx) {
        var mh$ = jm_context_kernel_level.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_context_features {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_context_features");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,
                Linker.Option.critical(false));
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * uint32_t jm_context_features(const jm_context *ctx)
     * }
     */
    public static FunctionDescriptor jm_context_features$descriptor() {
        return jm_context_features.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * uint32_t jm_context_features(const jm_context *ctx)
     * }
     */
    public static MethodHandle jm_context_features$handle() {
        return jm_context_features.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * uint32_t jm_context_features(const jm_context *ctx)
     * }
     */
    public static MemorySegment jm_context_features$address() {
        return jm_context_features.ADDR;
    }

    /**
     * {@snippet lang=c :
     * uint32_t jm_context_features(const jm_context *ctx)
     * }
     * Linked as a critical function: it must not block or call back into Java.
     */
    public static int jm_context_features(MemorySegment ctx) {
        var mh$ = jm_context_features.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_TOKEN_EMBD = 0
     * }
     */
    public static final int JM_TENSOR_TOKEN_EMBD = 0;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_OUTPUT_NORM = 1
     * }
     */
    public static final int JM_TENSOR_OUTPUT_NORM = 1;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_OUTPUT = 2
     * }
     */
    public static final int JM_TENSOR_OUTPUT = 2;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_ATTN_NORM = 3
     * }
     */
    public static final int JM_TENSOR_ATTN_NORM = 3;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_SSM_IN = 4
     * }
     */
    public static final int JM_TENSOR_SSM_IN = 4;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_SSM_CONV1D = 5
     * }
     */
    public static final int JM_TENSOR_SSM_CONV1D = 5;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_SSM_CONV1D_BIAS = 6
     * }
     */
    public static final int JM_TENSOR_SSM_CONV1D_BIAS = 6;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_SSM_DT_BIAS = 7
     * }
     */
    public static final int JM_TENSOR_SSM_DT_BIAS = 7;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_SSM_A = 8
     * }
     */
    public static final int JM_TENSOR_SSM_A = 8;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_SSM_D = 9
     * }
     */
    public static final int JM_TENSOR_SSM_D = 9;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_SSM_NORM = 10
     * }
     */
    public static final int JM_TENSOR_SSM_NORM = 10;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_SSM_OUT = 11
     * }
     */
    public static final int JM_TENSOR_SSM_OUT = 11;

    /**
     * {@snippet lang=c :
     * enum jm_tensor_role.JM_TENSOR_ROLE_COUNT = 12
     * }
     */
    public static final int JM_TENSOR_ROLE_COUNT = 12;

    private static class jm_model_default_params {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            org.jmamba.bindings.jm_model_params.layout()
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_model_default_params");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_model_params jm_model_default_params(void)
     * }
     */
    public static FunctionDescriptor jm_model_default_params$descriptor() {
        return jm_model_default_params.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_model_params jm_model_default_params(void)
     * }
     */
    public static MethodHandle jm_model_default_params$handle() {
        return jm_model_default_params.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_model_params jm_model_default_params(void)
     * }
     */
    public static MemorySegment jm_model_default_params$address() {
        return jm_model_default_params.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_model_params jm_model_default_params(void)
     * }
     */
    public static MemorySegment jm_model_default_params(SegmentAllocator allocator) {
        var mh$ = jm_model_default_params.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(allocator);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_model_params_check {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_model_params_check");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,
                Linker.Option.critical(false));
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_model_params_check(const jm_model_params *params, jm_model_sizes *sizes, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_model_params_check$descriptor() {
        return jm_model_params_check.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_model_params_check(const jm_model_params *params, jm_model_sizes *sizes, jm_error *err)
     * }
     */
    public static MethodHandle jm_model_params_check$handle() {
        return jm_model_params_check.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_model_params_check(const jm_model_params *params, jm_model_sizes *sizes, jm_error *err)
     * }
     */
    public static MemorySegment jm_model_params_check$address() {
        return jm_model_params_check.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_model_params_check(const jm_model_params *params, jm_model_sizes *sizes, jm_error *err)
     * }
     * Linked as a critical function: it must not block or call back into Java.
     */
    public static int jm_model_params_check(MemorySegment params, MemorySegment sizes, MemorySegment err) {
        var mh$ = jm_model_params_check.HANDLE;
        try {
            return (int) mh$.invokeExact(params, sizes, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_model_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_model_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_model_create(const jm_model_params *params, jm_model **out, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_model_create$descriptor() {
        return jm_model_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_model_create(const jm_model_params *params, jm_model **out, jm_error *err)
     * }
     */
    public static MethodHandle jm_model_create$handle() {
        return jm_model_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_model_create(const jm_model_params *params, jm_model **out, jm_error *err)
     * }
     */
    public static MemorySegment jm_model_create$address() {
        return jm_model_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_model_create(const jm_model_params *params, jm_model **out, jm_error *err)
     * }
     */
    public static int jm_model_create(MemorySegment params, MemorySegment out, MemorySegment err) {
        var mh$ = jm_model_create.HANDLE;
        try {
            return (int) mh$.invokeExact(params, out, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_tensor_role_name {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_POINTER,
            jmamba_h.C_INT
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_tensor_role_name");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,
                Linker.Option.critical(false));
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * const char *jm_tensor_role_name(int32_t role)
     * }
     */
    public static FunctionDescriptor jm_tensor_role_name$descriptor() {
        return jm_tensor_role_name.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * const char *jm_tensor_role_name(int32_t role)
     * }
     */
    public static MethodHandle jm_tensor_role_name$handle() {
        return jm_tensor_role_name.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * const char *jm_tensor_role_name(int32_t role)
     * }
     */
    public static MemorySegment jm_tensor_role_name$address() {
        return jm_tensor_role_name.ADDR;
    }

    /**
     * {@snippet lang=c :
     * const char *jm_tensor_role_name(int32_t role)
     * }
     * Linked as a critical function: it must not block or call back into Java.
     */
    public static MemorySegment jm_tensor_role_name(int role) {
        var mh$ = jm_tensor_role_name.HANDLE;
        try {
            return (MemorySegment) mh$.invokeExact(role);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_model_set_tensor {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_INT,
            jmamba_h.C_INT,
            jmamba_h.C_INT,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_model_set_tensor");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_model_set_tensor(jm_model *model, int32_t layer, int32_t role, int32_t type, int64_t ne0, int64_t ne1, const void *data, int64_t nbytes, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_model_set_tensor$descriptor() {
        return jm_model_set_tensor.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_model_set_tensor(jm_model *model, int32_t layer, int32_t role, int32_t type, int64_t ne0, int64_t ne1, const void *data, int64_t nbytes, jm_error *err)
     * }
     */
    public static MethodHandle jm_model_set_tensor$handle() {
        return jm_model_set_tensor.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_model_set_tensor(jm_model *model, int32_t layer, int32_t role, int32_t type, int64_t ne0, int64_t ne1, const void *data, int64_t nbytes, jm_error *err)
     * }
     */
    public static MemorySegment jm_model_set_tensor$address() {
        return jm_model_set_tensor.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_model_set_tensor(jm_model *model, int32_t layer, int32_t role, int32_t type, int64_t ne0, int64_t ne1, const void *data, int64_t nbytes, jm_error *err)
     * }
     */
    public static int jm_model_set_tensor(MemorySegment model, int layer, int role, int type, long ne0, long ne1, MemorySegment data, long nbytes, MemorySegment err) {
        var mh$ = jm_model_set_tensor.HANDLE;
        try {
            return (int) mh$.invokeExact(model, layer, role, type, ne0, ne1, data, nbytes, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_model_set_tensor_by_name {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_INT,
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_model_set_tensor_by_name");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_model_set_tensor_by_name(jm_model *model, const char *name, int32_t type, int32_t n_dims, const int64_t *ne, const void *data, int64_t nbytes, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_model_set_tensor_by_name$descriptor() {
        return jm_model_set_tensor_by_name.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_model_set_tensor_by_name(jm_model *model, const char *name, int32_t type, int32_t n_dims, const int64_t *ne, const void *data, int64_t nbytes, jm_error *err)
     * }
     */
    public static MethodHandle jm_model_set_tensor_by_name$handle() {
        return jm_model_set_tensor_by_name.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_model_set_tensor_by_name(jm_model *model, const char *name, int32_t type, int32_t n_dims, const int64_t *ne, const void *data, int64_t nbytes, jm_error *err)
     * }
     */
    public static MemorySegment jm_model_set_tensor_by_name$address() {
        return jm_model_set_tensor_by_name.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_model_set_tensor_by_name(jm_model *model, const char *name, int32_t type, int32_t n_dims, const int64_t *ne, const void *data, int64_t nbytes, jm_error *err)
     * }
     */
    public static int jm_model_set_tensor_by_name(MemorySegment model, MemorySegment name, int type, int n_dims, MemorySegment ne, MemorySegment data, long nbytes, MemorySegment err) {
        var mh$ = jm_model_set_tensor_by_name.HANDLE;
        try {
            return (int) mh$.invokeExact(model, name, type, n_dims, ne, data, nbytes, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_model_next_missing {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_INT
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_model_next_missing");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int32_t jm_model_next_missing(const jm_model *model, char *name, int32_t size)
     * }
     */
    public static FunctionDescriptor jm_model_next_missing$descriptor() {
        return jm_model_next_missing.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int32_t jm_model_next_missing(const jm_model *model, char *name, int32_t size)
     * }
     */
    public static MethodHandle jm_model_next_missing$handle() {
        return jm_model_next_missing.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int32_t jm_model_next_missing(const jm_model *model, char *name, int32_t size)
     * }
     */
    public static MemorySegment jm_model_next_missing$address() {
        return jm_model_next_missing.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int32_t jm_model_next_missing(const jm_model *model, char *name, int32_t size)
     * }
     */
    public static int jm_model_next_missing(MemorySegment model, MemorySegment name, int size) {
        var mh$ = jm_model_next_missing.HANDLE;
        try {
            return (int) mh$.invokeExact(model, name, size);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_model_finalize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_model_finalize");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_model_finalize(jm_model *model, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_model_finalize$descriptor() {
        return jm_model_finalize.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_model_finalize(jm_model *model, jm_error *err)
     * }
     */
    public static MethodHandle jm_model_finalize$handle() {
        return jm_model_finalize.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_model_finalize(jm_model *model, jm_error *err)
     * }
     */
    public static MemorySegment jm_model_finalize$address() {
        return jm_model_finalize.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_model_finalize(jm_model *model, jm_error *err)
     * }
     */
    public static int jm_model_finalize(MemorySegment model, MemorySegment err) {
        var mh$ = jm_model_finalize.HANDLE;
        try {
            return (int) mh$.invokeExact(model, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_model_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_model_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * void jm_model_free(jm_model *model)
     * }
     */
    public static FunctionDescriptor jm_model_free$descriptor() {
        return jm_model_free.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * void jm_model_free(jm_model *model)
     * }
     */
    public static MethodHandle jm_model_free$handle() {
        return jm_model_free.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * void jm_model_free(jm_model *model)
     * }
     */
    public static MemorySegment jm_model_free$address() {
        return jm_model_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void jm_model_free(jm_model *model)
     * }
     */
    public static void jm_model_free(MemorySegment model) {
        var mh$ = jm_model_free.HANDLE;
        try {
            mh$.invokeExact(model);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_model_state_size {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_model_state_size");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int64_t jm_model_state_size(const jm_model *model)
     * }
     */
    public static FunctionDescriptor jm_model_state_size$descriptor() {
        return jm_model_state_size.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int64_t jm_model_state_size(const jm_model *model)
     * }
     */
    public static MethodHandle jm_model_state_size$handle() {
        return jm_model_state_size.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int64_t jm_model_state_size(const jm_model *model)
     * }
     */
    public static MemorySegment jm_model_state_size$address() {
        return jm_model_state_size.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int64_t jm_model_state_size(const jm_model *model)
     * }
     */
    public static long jm_model_state_size(MemorySegment model) {
        var mh$ = jm_model_state_size.HANDLE;
        try {
            return (long) mh$.invokeExact(model);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_model_eval {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_INT,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_model_eval");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_model_eval(jm_context *ctx, const jm_model *model, void *state, const int32_t *tokens, int32_t n_tokens, float *logits, int32_t logits_all, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_model_eval$descriptor() {
        return jm_model_eval.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_model_eval(jm_context *ctx, const jm_model *model, void *state, const int32_t *tokens, int32_t n_tokens, float *logits, int32_t logits_all, jm_error *err)
     * }
     */
    public static MethodHandle jm_model_eval$handle() {
        return jm_model_eval.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_model_eval(jm_context *ctx, const jm_model *model, void *state, const int32_t *tokens, int32_t n_tokens, float *logits, int32_t logits_all, jm_error *err)
     * }
     */
    public static MemorySegment jm_model_eval$address() {
        return jm_model_eval.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_model_eval(jm_context *ctx, const jm_model *model, void *state, const int32_t *tokens, int32_t n_tokens, float *logits, int32_t logits_all, jm_error *err)
     * }
     */
    public static int jm_model_eval(MemorySegment ctx, MemorySegment model, MemorySegment state, MemorySegment tokens, int n_tokens, MemorySegment logits, int logits_all, MemorySegment err) {
        var mh$ = jm_model_eval.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, model, state, tokens, n_tokens, logits, logits_all, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_model_eval_batch {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_INT,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_model_eval_batch");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_model_eval_batch(jm_context *ctx, const jm_model *model, const jm_batch_seq *seqs, int32_t n_seqs, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_model_eval_batch$descriptor() {
        return jm_model_eval_batch.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_model_eval_batch(jm_context *ctx, const jm_model *model, const jm_batch_seq *seqs, int32_t n_seqs, jm_error *err)
     * }
     */
    public static MethodHandle jm_model_eval_batch$handle() {
        return jm_model_eval_batch.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_model_eval_batch(jm_context *ctx, const jm_model *model, const jm_batch_seq *seqs, int32_t n_seqs, jm_error *err)
     * }
     */
    public static MemorySegment jm_model_eval_batch$address() {
        return jm_model_eval_batch.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_model_eval_batch(jm_context *ctx, const jm_model *model, const jm_batch_seq *seqs, int32_t n_seqs, jm_error *err)
     * }
     */
    public static int jm_model_eval_batch(MemorySegment ctx, MemorySegment model, MemorySegment seqs, int n_seqs, MemorySegment err) {
        var mh$ = jm_model_eval_batch.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, model, seqs, n_seqs, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_row_size {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_INT,
            jmamba_h.C_LONG_LONG
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_row_size");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC,
                Linker.Option.critical(false));
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int64_t jm_row_size(int32_t type, int64_t n)
     * }
     */
    public static FunctionDescriptor jm_row_size$descriptor() {
        return jm_row_size.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int64_t jm_row_size(int32_t type, int64_t n)
     * }
     */
    public static MethodHandle jm_row_size$handle() {
        return jm_row_size.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int64_t jm_row_size(int32_t type, int64_t n)
     * }
     */
    public static MemorySegment jm_row_size$address() {
        return jm_row_size.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int64_t jm_row_size(int32_t type, int64_t n)
     * }
     * Linked as a critical function: it must not block or call back into Java.
     */
    public static long jm_row_size(int type, long n) {
        var mh$ = jm_row_size.HANDLE;
        try {
            return (long) mh$.invokeExact(type, n);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_quantize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_quantize");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_quantize(jm_context *ctx, int32_t type, const float *src, void *dst, int64_t n_rows, int64_t n_per_row, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_quantize$descriptor() {
        return jm_quantize.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_quantize(jm_context *ctx, int32_t type, const float *src, void *dst, int64_t n_rows, int64_t n_per_row, jm_error *err)
     * }
     */
    public static MethodHandle jm_quantize$handle() {
        return jm_quantize.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_quantize(jm_context *ctx, int32_t type, const float *src, void *dst, int64_t n_rows, int64_t n_per_row, jm_error *err)
     * }
     */
    public static MemorySegment jm_quantize$address() {
        return jm_quantize.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_quantize(jm_context *ctx, int32_t type, const float *src, void *dst, int64_t n_rows, int64_t n_per_row, jm_error *err)
     * }
     */
    public static int jm_quantize(MemorySegment ctx, int type, MemorySegment src, MemorySegment dst, long n_rows, long n_per_row, MemorySegment err) {
        var mh$ = jm_quantize.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, type, src, dst, n_rows, n_per_row, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_dequantize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_dequantize");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_dequantize(int32_t type, const void *src, float *dst, int64_t n, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_dequantize$descriptor() {
        return jm_dequantize.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_dequantize(int32_t type, const void *src, float *dst, int64_t n, jm_error *err)
     * }
     */
    public static MethodHandle jm_dequantize$handle() {
        return jm_dequantize.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_dequantize(int32_t type, const void *src, float *dst, int64_t n, jm_error *err)
     * }
     */
    public static MemorySegment jm_dequantize$address() {
        return jm_dequantize.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_dequantize(int32_t type, const void *src, float *dst, int64_t n, jm_error *err)
     * }
     */
    public static int jm_dequantize(int type, MemorySegment src, MemorySegment dst, long n, MemorySegment err) {
        var mh$ = jm_dequantize.HANDLE;
        try {
            return (int) mh$.invokeExact(type, src, dst, n, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_matmul {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_matmul");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_matmul(jm_context *ctx, int32_t type, const void *w, int64_t n_per_row, int64_t n_rows, const float *x, int64_t n_cols, float *y, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_matmul$descriptor() {
        return jm_matmul.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_matmul(jm_context *ctx, int32_t type, const void *w, int64_t n_per_row, int64_t n_rows, const float *x, int64_t n_cols, float *y, jm_error *err)
     * }
     */
    public static MethodHandle jm_matmul$handle() {
        return jm_matmul.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_matmul(jm_context *ctx, int32_t type, const void *w, int64_t n_per_row, int64_t n_rows, const float *x, int64_t n_cols, float *y, jm_error *err)
     * }
     */
    public static MemorySegment jm_matmul$address() {
        return jm_matmul.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_matmul(jm_context *ctx, int32_t type, const void *w, int64_t n_per_row, int64_t n_rows, const float *x, int64_t n_cols, float *y, jm_error *err)
     * }
     */
    public static int jm_matmul(MemorySegment ctx, int type, MemorySegment w, long n_per_row, long n_rows, MemorySegment x, long n_cols, MemorySegment y, MemorySegment err) {
        var mh$ = jm_matmul.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, type, w, n_per_row, n_rows, x, n_cols, y, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_weights_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_weights_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_weights_create(int32_t type, const void *w, int64_t n_per_row, int64_t n_rows, uint32_t cpu_features_mask, jm_weights **out, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_weights_create$descriptor() {
        return jm_weights_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_weights_create(int32_t type, const void *w, int64_t n_per_row, int64_t n_rows, uint32_t cpu_features_mask, jm_weights **out, jm_error *err)
     * }
     */
    public static MethodHandle jm_weights_create$handle() {
        return jm_weights_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_weights_create(int32_t type, const void *w, int64_t n_per_row, int64_t n_rows, uint32_t cpu_features_mask, jm_weights **out, jm_error *err)
     * }
     */
    public static MemorySegment jm_weights_create$address() {
        return jm_weights_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_weights_create(int32_t type, const void *w, int64_t n_per_row, int64_t n_rows, uint32_t cpu_features_mask, jm_weights **out, jm_error *err)
     * }
     */
    public static int jm_weights_create(int type, MemorySegment w, long n_per_row, long n_rows, int cpu_features_mask, MemorySegment out, MemorySegment err) {
        var mh$ = jm_weights_create.HANDLE;
        try {
            return (int) mh$.invokeExact(type, w, n_per_row, n_rows, cpu_features_mask, out, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_weights_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.ofVoid(
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_weights_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * void jm_weights_free(jm_weights *weights)
     * }
     */
    public static FunctionDescriptor jm_weights_free$descriptor() {
        return jm_weights_free.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * void jm_weights_free(jm_weights *weights)
     * }
     */
    public static MethodHandle jm_weights_free$handle() {
        return jm_weights_free.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * void jm_weights_free(jm_weights *weights)
     * }
     */
    public static MemorySegment jm_weights_free$address() {
        return jm_weights_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * void jm_weights_free(jm_weights *weights)
     * }
     */
    public static void jm_weights_free(MemorySegment weights) {
        var mh$ = jm_weights_free.HANDLE;
        try {
            mh$.invokeExact(weights);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_weights_packed_bytes {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_weights_packed_bytes");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * int64_t jm_weights_packed_bytes(const jm_weights *weights)
     * }
     */
    public static FunctionDescriptor jm_weights_packed_bytes$descriptor() {
        return jm_weights_packed_bytes.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * int64_t jm_weights_packed_bytes(const jm_weights *weights)
     * }
     */
    public static MethodHandle jm_weights_packed_bytes$handle() {
        return jm_weights_packed_bytes.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * int64_t jm_weights_packed_bytes(const jm_weights *weights)
     * }
     */
    public static MemorySegment jm_weights_packed_bytes$address() {
        return jm_weights_packed_bytes.ADDR;
    }

    /**
     * {@snippet lang=c :
     * int64_t jm_weights_packed_bytes(const jm_weights *weights)
     * }
     */
    public static long jm_weights_packed_bytes(MemorySegment weights) {
        var mh$ = jm_weights_packed_bytes.HANDLE;
        try {
            return (long) mh$.invokeExact(weights);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_matmul_weights {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_matmul_weights");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_matmul_weights(jm_context *ctx, const jm_weights *weights, const float *x, int64_t n_cols, float *y, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_matmul_weights$descriptor() {
        return jm_matmul_weights.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_matmul_weights(jm_context *ctx, const jm_weights *weights, const float *x, int64_t n_cols, float *y, jm_error *err)
     * }
     */
    public static MethodHandle jm_matmul_weights$handle() {
        return jm_matmul_weights.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_matmul_weights(jm_context *ctx, const jm_weights *weights, const float *x, int64_t n_cols, float *y, jm_error *err)
     * }
     */
    public static MemorySegment jm_matmul_weights$address() {
        return jm_matmul_weights.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_matmul_weights(jm_context *ctx, const jm_weights *weights, const float *x, int64_t n_cols, float *y, jm_error *err)
     * }
     */
    public static int jm_matmul_weights(MemorySegment ctx, MemorySegment weights, MemorySegment x, long n_cols, MemorySegment y, MemorySegment err) {
        var mh$ = jm_matmul_weights.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, weights, x, n_cols, y, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_conv1d_silu {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_INT,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_conv1d_silu");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_conv1d_silu(jm_context *ctx, const float *x, int64_t x_stride, float *state, const float *w, const float *bias, float *y, int64_t channels, int32_t d_conv, int64_t n_tokens, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_conv1d_silu$descriptor() {
        return jm_conv1d_silu.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_conv1d_silu(jm_context *ctx, const float *x, int64_t x_stride, float *state, const float *w, const float *bias, float *y, int64_t channels, int32_t d_conv, int64_t n_tokens, jm_error *err)
     * }
     */
    public static MethodHandle jm_conv1d_silu$handle() {
        return jm_conv1d_silu.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_conv1d_silu(jm_context *ctx, const float *x, int64_t x_stride, float *state, const float *w, const float *bias, float *y, int64_t channels, int32_t d_conv, int64_t n_tokens, jm_error *err)
     * }
     */
    public static MemorySegment jm_conv1d_silu$address() {
        return jm_conv1d_silu.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_conv1d_silu(jm_context *ctx, const float *x, int64_t x_stride, float *state, const float *w, const float *bias, float *y, int64_t channels, int32_t d_conv, int64_t n_tokens, jm_error *err)
     * }
     */
    public static int jm_conv1d_silu(MemorySegment ctx, MemorySegment x, long x_stride, MemorySegment state, MemorySegment w, MemorySegment bias, MemorySegment y, long channels, int d_conv, long n_tokens, MemorySegment err) {
        var mh$ = jm_conv1d_silu.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, x, x_stride, state, w, bias, y, channels, d_conv, n_tokens, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_ssm_scan {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_INT,
            jmamba_h.C_INT,
            jmamba_h.C_INT,
            jmamba_h.C_INT,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_ssm_scan");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_ssm_scan(jm_context *ctx, const float *xbc, const float *dt, int64_t dt_stride, const float *dt_bias, const float *a, const float *d, float *state, float *y, int64_t n_tokens, int32_t n_head, int32_t head_dim, int32_t d_state, int32_t n_group, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_ssm_scan$descriptor() {
        return jm_ssm_scan.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_ssm_scan(jm_context *ctx, const float *xbc, const float *dt, int64_t dt_stride, const float *dt_bias, const float *a, const float *d, float *state, float *y, int64_t n_tokens, int32_t n_head, int32_t head_dim, int32_t d_state, int32_t n_group, jm_error *err)
     * }
     */
    public static MethodHandle jm_ssm_scan$handle() {
        return jm_ssm_scan.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_ssm_scan(jm_context *ctx, const float *xbc, const float *dt, int64_t dt_stride, const float *dt_bias, const float *a, const float *d, float *state, float *y, int64_t n_tokens, int32_t n_head, int32_t head_dim, int32_t d_state, int32_t n_group, jm_error *err)
     * }
     */
    public static MemorySegment jm_ssm_scan$address() {
        return jm_ssm_scan.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_ssm_scan(jm_context *ctx, const float *xbc, const float *dt, int64_t dt_stride, const float *dt_bias, const float *a, const float *d, float *state, float *y, int64_t n_tokens, int32_t n_head, int32_t head_dim, int32_t d_state, int32_t n_group, jm_error *err)
     * }
     */
    public static int jm_ssm_scan(MemorySegment ctx, MemorySegment xbc, MemorySegment dt, long dt_stride, MemorySegment dt_bias, MemorySegment a, MemorySegment d, MemorySegment state, MemorySegment y, long n_tokens, int n_head, int head_dim, int d_state, int n_group, MemorySegment err) {
        var mh$ = jm_ssm_scan.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, xbc, dt, dt_stride, dt_bias, a, d, state, y, n_tokens, n_head, head_dim, d_state, n_group, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class jm_read_bandwidth {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_LONG_LONG,
            jmamba_h.C_INT,
            jmamba_h.C_POINTER,
            jmamba_h.C_POINTER
        );

        public static final MemorySegment ADDR = jmamba_h.findOrThrow("jm_read_bandwidth");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * jm_status jm_read_bandwidth(jm_context *ctx, int64_t bytes, int32_t reps, double *gb_per_s, jm_error *err)
     * }
     */
    public static FunctionDescriptor jm_read_bandwidth$descriptor() {
        return jm_read_bandwidth.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * jm_status jm_read_bandwidth(jm_context *ctx, int64_t bytes, int32_t reps, double *gb_per_s, jm_error *err)
     * }
     */
    public static MethodHandle jm_read_bandwidth$handle() {
        return jm_read_bandwidth.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * jm_status jm_read_bandwidth(jm_context *ctx, int64_t bytes, int32_t reps, double *gb_per_s, jm_error *err)
     * }
     */
    public static MemorySegment jm_read_bandwidth$address() {
        return jm_read_bandwidth.ADDR;
    }

    /**
     * {@snippet lang=c :
     * jm_status jm_read_bandwidth(jm_context *ctx, int64_t bytes, int32_t reps, double *gb_per_s, jm_error *err)
     * }
     */
    public static int jm_read_bandwidth(MemorySegment ctx, long bytes, int reps, MemorySegment gb_per_s, MemorySegment err) {
        var mh$ = jm_read_bandwidth.HANDLE;
        try {
            return (int) mh$.invokeExact(ctx, bytes, reps, gb_per_s, err);
        } catch (Error | RuntimeException ex$) {
            throw ex$;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
