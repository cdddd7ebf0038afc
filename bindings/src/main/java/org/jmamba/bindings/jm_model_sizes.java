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
 * struct jm_model_sizes {
 *     int64_t head_dim;
 *     int64_t conv_dim;
 *     int64_t d_in_proj;
 *     int64_t layer_state_floats;
 *     int64_t state_bytes;
 * }
 * }
 */
@SuppressWarnings("unused")
public class jm_model_sizes {

    jm_model_sizes() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        jmamba_h.C_LONG_LONG.withName("head_dim"),
        jmamba_h.C_LONG_LONG.withName("conv_dim"),
        jmamba_h.C_LONG_LONG.withName("d_in_proj"),
        jmamba_h.C_LONG_LONG.withName("layer_state_floats"),
        jmamba_h.C_LONG_LONG.withName("state_bytes")
    ).withName("jm_model_sizes");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final OfLong head_dim$LAYOUT = (OfLong) $LAYOUT.select(groupElement("head_dim"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t head_dim
     * }
     */
    public static final OfLong head_dim$layout() {
        return head_dim$LAYOUT;
    }

    private static final long head_dim$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t head_dim
     * }
     */
    public static final long head_dim$offset() {
        return head_dim$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t head_dim
     * }
     */
    public static long head_dim(MemorySegment struct) {
        return struct.get(head_dim$LAYOUT, head_dim$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t head_dim
     * }
     */
    public static void head_dim(MemorySegment struct, long fieldValue) {
        struct.set(head_dim$LAYOUT, head_dim$OFFSET, fieldValue);
    }

    private static final OfLong conv_dim$LAYOUT = (OfLong) $LAYOUT.select(groupElement("conv_dim"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t conv_dim
     * }
     */
    public static final OfLong conv_dim$layout() {
        return conv_dim$LAYOUT;
    }

    private static final long conv_dim$OFFSET = 8;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t conv_dim
     * }
     */
    public static final long conv_dim$offset() {
        return conv_dim$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t conv_dim
     * }
     */
    public static long conv_dim(MemorySegment struct) {
        return struct.get(conv_dim$LAYOUT, conv_dim$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t conv_dim
     * }
     */
    public static void conv_dim(MemorySegment struct, long fieldValue) {
        struct.set(conv_dim$LAYOUT, conv_dim$OFFSET, fieldValue);
    }

    private static final OfLong d_in_proj$LAYOUT = (OfLong) $LAYOUT.select(groupElement("d_in_proj"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t d_in_proj
     * }
     */
    public static final OfLong d_in_proj$layout() {
        return d_in_proj$LAYOUT;
    }

    private static final long d_in_proj$OFFSET = 16;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t d_in_proj
     * }
     */
    public static final long d_in_proj$offset() {
        return d_in_proj$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t d_in_proj
     * }
     */
    public static long d_in_proj(MemorySegment struct) {
        return struct.get(d_in_proj$LAYOUT, d_in_proj$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t d_in_proj
     * }
     */
    public static void d_in_proj(MemorySegment struct, long fieldValue) {
        struct.set(d_in_proj$LAYOUT, d_in_proj$OFFSET, fieldValue);
    }

    private static final OfLong layer_state_floats$LAYOUT = (OfLong) $LAYOUT.select(groupElement("layer_state_floats"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t layer_state_floats
     * }
     */
    public static final OfLong layer_state_floats$layout() {
        return layer_state_floats$LAYOUT;
    }

    private static final long layer_state_floats$OFFSET = 24;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t layer_state_floats
     * }
     */
    public static final long layer_state_floats$offset() {
        return layer_state_floats$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t layer_state_floats
     * }
     */
    public static long layer_state_floats(MemorySegment struct) {
        return struct.get(layer_state_floats$LAYOUT, layer_state_floats$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t layer_state_floats
     * }
     */
    public static void layer_state_floats(MemorySegment struct, long fieldValue) {
        struct.set(layer_state_floats$LAYOUT, layer_state_floats$OFFSET, fieldValue);
    }

    private static final OfLong state_bytes$LAYOUT = (OfLong) $LAYOUT.select(groupElement("state_bytes"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int64_t state_bytes
     * }
     */
    public static final OfLong state_bytes$layout() {
        return state_bytes$LAYOUT;
    }

    private static final long state_bytes$OFFSET = 32;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int64_t state_bytes
     * }
     */
    public static final long state_bytes$offset() {
        return state_bytes$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int64_t state_bytes
     * }
     */
    public static long state_bytes(MemorySegment struct) {
        return struct.get(state_bytes$LAYOUT, state_bytes$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int64_t state_bytes
     * }
     */
    public static void state_bytes(MemorySegment struct, long fieldValue) {
        struct.set(state_bytes$LAYOUT, state_bytes$OFFSET, fieldValue);
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
