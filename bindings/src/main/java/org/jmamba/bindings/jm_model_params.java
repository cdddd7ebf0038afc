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
 * struct jm_model_params {
 *     int32_t n_vocab;
 *     int32_t d_model;
 *     int32_t n_layer;
 *     int32_t d_inner;
 *     int32_t d_state;
 *     int32_t n_head;
 *     int32_t n_group;
 *     int32_t d_conv;
 *     float norm_eps;
 *     int32_t weights_file_mapped;
 *     uint32_t cpu_features_mask;
 *     const char *backend;
 * }
 * }
 */
@SuppressWarnings("unused")
public class jm_model_params {

    jm_model_params() {
        // Should not be called directly
    }

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
        jmamba_h.C_INT.withName("n_vocab"),
        jmamba_h.C_INT.withName("d_model"),
        jmamba_h.C_INT.withName("n_layer"),
        jmamba_h.C_INT.withName("d_inner"),
        jmamba_h.C_INT.withName("d_state"),
        jmamba_h.C_INT.withName("n_head"),
        jmamba_h.C_INT.withName("n_group"),
        jmamba_h.C_INT.withName("d_conv"),
        jmamba_h.C_FLOAT.withName("norm_eps"),
        jmamba_h.C_INT.withName("weights_file_mapped"),
        jmamba_h.C_INT.withName("cpu_features_mask"),
        MemoryLayout.paddingLayout(4),
        jmamba_h.C_POINTER.withName("backend")
    ).withName("jm_model_params");

    /**
     * The layout of this struct
     */
    public static final GroupLayout layout() {
        return $LAYOUT;
    }

    private static final OfInt n_vocab$LAYOUT = (OfInt) $LAYOUT.select(groupElement("n_vocab"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t n_vocab
     * }
     */
    public static final OfInt n_vocab$layout() {
        return n_vocab$LAYOUT;
    }

    private static final long n_vocab$OFFSET = 0;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t n_vocab
     * }
     */
    public static final long n_vocab$offset() {
        return n_vocab$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t n_vocab
     * }
     */
    public static int n_vocab(MemorySegment struct) {
        return struct.get(n_vocab$LAYOUT, n_vocab$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t n_vocab
     * }
     */
    public static void n_vocab(MemorySegment struct, int fieldValue) {
        struct.set(n_vocab$LAYOUT, n_vocab$OFFSET, fieldValue);
    }

    private static final OfInt d_model$LAYOUT = (OfInt) $LAYOUT.select(groupElement("d_model"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t d_model
     * }
     */
    public static final OfInt d_model$layout() {
        return d_model$LAYOUT;
    }

    private static final long d_model$OFFSET = 4;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t d_model
     * }
     */
    public static final long d_model$offset() {
        return d_model$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t d_model
     * }
     */
    public static int d_model(MemorySegment struct) {
        return struct.get(d_model$LAYOUT, d_model$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t d_model
     * }
     */
    public static void d_model(MemorySegment struct, int fieldValue) {
        struct.set(d_model$LAYOUT, d_model$OFFSET, fieldValue);
    }

    private static final OfInt n_layer$LAYOUT = (OfInt) $LAYOUT.select(groupElement("n_layer"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t n_layer
     * }
     */
    public static final OfInt n_layer$layout() {
        return n_layer$LAYOUT;
    }

    private static final long n_layer$OFFSET = 8;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t n_layer
     * }
     */
    public static final long n_layer$offset() {
        return n_layer$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t n_layer
     * }
     */
    public static int n_layer(MemorySegment struct) {
        return struct.get(n_layer$LAYOUT, n_layer$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t n_layer
     * }
     */
    public static void n_layer(MemorySegment struct, int fieldValue) {
        struct.set(n_layer$LAYOUT, n_layer$OFFSET, fieldValue);
    }

    private static final OfInt d_inner$LAYOUT = (OfInt) $LAYOUT.select(groupElement("d_inner"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t d_inner
     * }
     */
    public static final OfInt d_inner$layout() {
        return d_inner$LAYOUT;
    }

    private static final long d_inner$OFFSET = 12;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t d_inner
     * }
     */
    public static final long d_inner$offset() {
        return d_inner$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t d_inner
     * }
     */
    public static int d_inner(MemorySegment struct) {
        return struct.get(d_inner$LAYOUT, d_inner$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t d_inner
     * }
     */
    public static void d_inner(MemorySegment struct, int fieldValue) {
        struct.set(d_inner$LAYOUT, d_inner$OFFSET, fieldValue);
    }

    private static final OfInt d_state$LAYOUT = (OfInt) $LAYOUT.select(groupElement("d_state"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t d_state
     * }
     */
    public static final OfInt d_state$layout() {
        return d_state$LAYOUT;
    }

    private static final long d_state$OFFSET = 16;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t d_state
     * }
     */
    public static final long d_state$offset() {
        return d_state$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t d_state
     * }
     */
    public static int d_state(MemorySegment struct) {
        return struct.get(d_state$LAYOUT, d_state$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t d_state
     * }
     */
    public static void d_state(MemorySegment struct, int fieldValue) {
        struct.set(d_state$LAYOUT, d_state$OFFSET, fieldValue);
    }

    private static final OfInt n_head$LAYOUT = (OfInt) $LAYOUT.select(groupElement("n_head"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t n_head
     * }
     */
    public static final OfInt n_head$layout() {
        return n_head$LAYOUT;
    }

    private static final long n_head$OFFSET = 20;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t n_head
     * }
     */
    public static final long n_head$offset() {
        return n_head$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t n_head
     * }
     */
    public static int n_head(MemorySegment struct) {
        return struct.get(n_head$LAYOUT, n_head$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t n_head
     * }
     */
    public static void n_head(MemorySegment struct, int fieldValue) {
        struct.set(n_head$LAYOUT, n_head$OFFSET, fieldValue);
    }

    private static final OfInt n_group$LAYOUT = (OfInt) $LAYOUT.select(groupElement("n_group"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t n_group
     * }
     */
    public static final OfInt n_group$layout() {
        return n_group$LAYOUT;
    }

    private static final long n_group$OFFSET = 24;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t n_group
     * }
     */
    public static final long n_group$offset() {
        return n_group$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t n_group
     * }
     */
    public static int n_group(MemorySegment struct) {
        return struct.get(n_group$LAYOUT, n_group$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t n_group
     * }
     */
    public static void n_group(MemorySegment struct, int fieldValue) {
        struct.set(n_group$LAYOUT, n_group$OFFSET, fieldValue);
    }

    private static final OfInt d_conv$LAYOUT = (OfInt) $LAYOUT.select(groupElement("d_conv"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t d_conv
     * }
     */
    public static final OfInt d_conv$layout() {
        return d_conv$LAYOUT;
    }

    private static final long d_conv$OFFSET = 28;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t d_conv
     * }
     */
    public static final long d_conv$offset() {
        return d_conv$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t d_conv
     * }
     */
    public static int d_conv(MemorySegment struct) {
        return struct.get(d_conv$LAYOUT, d_conv$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t d_conv
     * }
     */
    public static void d_conv(MemorySegment struct, int fieldValue) {
        struct.set(d_conv$LAYOUT, d_conv$OFFSET, fieldValue);
    }

    private static final OfFloat norm_eps$LAYOUT = (OfFloat) $LAYOUT.select(groupElement("norm_eps"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * float norm_eps
     * }
     */
    public static final OfFloat norm_eps$layout() {
        return norm_eps$LAYOUT;
    }

    private static final long norm_eps$OFFSET = 32;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * float norm_eps
     * }
     */
    public static final long norm_eps$offset() {
        return norm_eps$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * float norm_eps
     * }
     */
    public static float norm_eps(MemorySegment struct) {
        return struct.get(norm_eps$LAYOUT, norm_eps$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * float norm_eps
     * }
     */
    public static void norm_eps(MemorySegment struct, float fieldValue) {
        struct.set(norm_eps$LAYOUT, norm_eps$OFFSET, fieldValue);
    }

    private static final OfInt weights_file_mapped$LAYOUT = (OfInt) $LAYOUT.select(groupElement("weights_file_mapped"));

    /**
     * Layout for field:
     * {@snippet lang=c :
     * int32_t weights_file_mapped
     * }
     */
    public static final OfInt weights_file_mapped$layout() {
        return weights_file_mapped$LAYOUT;
    }

    private static final long weights_file_mapped$OFFSET = 36;

    /**
     * Offset for field:
     * {@snippet lang=c :
     * int32_t weights_file_mapped
     * }
     */
    public static final long weights_file_mapped$offset() {
        return weights_file_mapped$OFFSET;
    }

    /**
     * Getter for field:
     * {@snippet lang=c :
     * int32_t weights_file_mapped
     * }
     */
    public static int weights_file_mapped(MemorySegment struct) {
        return struct.get(weights_file_mapped$LAYOUT, weights_file_mapped$OFFSET);
    }

    /**
     * Setter for field:
     * {@snippet lang=c :
     * int32_t weights_file_mapped
     * }
     */
    public static void weights_file_mapped(MemorySegment struct, int fieldValue) {
        struct.set(weights_file_mapped$LAYOUT, weights_file_mapped$OFFSET, fieldValue);
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

    private static final long cpu_features_mask$OFFSET = 40;

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

    private static final long backend$OFFSET = 48;

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
