// Generated from native-src/include/jmamba.h by bindings/generator/generate.py.
// DO NOT EDIT: change the header (or the generator) and run scripts/generate-bindings.

package org.jmamba.bindings;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout.OfBoolean;
import java.lang.foreign.ValueLayout.OfByte;
import java.lang.foreign.ValueLayout.OfDouble;
import java.lang.foreign.ValueLayout.OfFloat;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfLong;
import java.lang.foreign.ValueLayout.OfShort;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.PathElement.sequenceElement;

/**
 * {@snippet lang=c :
 * struct jm_context_params {
 *     int32_t n_threads;
 *     uint32_t cpu_features_mask;
 *     const char *backend;
 * }
 * }
 */
@SuppressWarnings("unused")
public class jm_context_params {

    jm_context_params() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        jmamba_h.C_INT.withName("n_threads"),
        jmamba_h.C_INT.withName("cpu_features_mask"),
        jmamba_h.C_POINTER.withName("backend")
    ).withName("jm_context_params");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final OfInt n_threads$LAYOUT = (OfInt) $LAYOUT.select(groupElement("n_threads"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t n_threads
     * }
     */
    public static final OfInt n_threads$layout() {
        return n_threads$LAYOUT;
    }

    private static final long n_threads$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t n_threads
     * }
     */
    public static final long n_threads$offset() {
        return n_threads$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t n_threads
     * }
     */
    public static int n_threads(MemorySegment struct) {
        return struct.get(n_threads$LAYOUT, n_threads$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t n_threads
     * }
     */
    public static void n_threads(MemorySegment struct, int fieldValue) {
        struct.set(n_threads$LAYOUT, n_threads$OFFSET, fieldValue);
    }

    private static final OfInt cpu_features_mask$LAYOUT = (OfInt) $LAYOUT.select(groupElement("cpu_features_mask"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * uint32_t cpu_features_mask
     * }
     */
    public static final OfInt cpu_features_mask$layout() {
        return cpu_features_mask$LAYOUT;
    }

    private static final long cpu_features_mask$OFFSET = 4;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * uint32_t cpu_features_mask
     * }
     */
    public static final long cpu_features_mask$offset() {
        return cpu_features_mask$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * uint32_t cpu_features_mask
     * }
     */
    public static int cpu_features_mask(MemorySegment struct) {
        return struct.get(cpu_features_mask$LAYOUT, cpu_features_mask$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * uint32_t cpu_features_mask
     * }
     */
    public static void cpu_features_mask(MemorySegment struct, int fieldValue) {
        struct.set(cpu_features_mask$LAYOUT, cpu_features_mask$OFFSET, fieldValue);
    }

    private static final AddressLayout backend$LAYOUT = (AddressLayout) $LAYOUT.select(groupElement("backend"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * const char *backend
     * }
     */
    public static final AddressLayout backend$layout() {
        return backend$LAYOUT;
    }

    private static final long backend$OFFSET = 8;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * const char *backend
     * }
     */
    public static final long backend$offset() {
        return backend$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * const char *backend
     * }
     */
    public static MemorySegment backend(MemorySegment struct) {
        return struct.get(backend$LAYOUT, backend$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * const char *backend
     * }
     */
    public static void backend(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(backend$LAYOUT, backend$OFFSET, fieldValue);
    }

    /**
     * Obtains a slice of {@code array} which selects the array element at {@code index}.
     * The returned segment has address {@code array.address() + index * layout().byteSize()}
     */
    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(layout().byteSize() * index);
    }

    /**
     * The size (in bytes) of this struct
     */
    public static long sizeof() {
        return layout().byteSize();
    }

    /**
     * Allocate a segment of size {@code layout().byteSize()} using {@code allocator}
     */
    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(layout());
    }

    /**
     * Allocate an array of size {@code elementCount} using {@code allocator}.
     * The returned segment has size {@code elementCount * layout().byteSize()}.
     */
    public static MemorySegment allocateArray(long elementCount, SegmentAllocator allocator) {
        return allocator.allocate(MemoryLayout.sequenceLayout(elementCount, layout()));
    }

    /**
     * Reinterprets {@code addr} using target {@code arena} and {@code cleanup} (if any).
     * The returned segment has size {@code layout().byteSize()}
     */
    public static MemorySegment reinterpret(MemorySegment addr, Arena arena, Consumer<MemorySegment> cleanup) {
        return reinterpret(addr, 1, arena, cleanup);
    }

    /**
     * Reinterprets {@code addr} using target {@code arena} and {@code cleanup} (if any).
     * The returned segment has size {@code elementCount * layout().byteSize()}
     */
    public static MemorySegment reinterpret(MemorySegment addr, long elementCount, Arena arena,
            Consumer<MemorySegment> cleanup) {
        return addr.reinterpret(layout().byteSize() * elementCount, arena, cleanup);
    }
}
