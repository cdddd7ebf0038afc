package org.jmamba.gguf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's entry in a GGUF file: name, type, shape in ggml order (dimension 0 is contiguous)
 * and the byte offset of its data relative to the start of the data section.
 *
 * <p>Rules (checked here, so every instance is valid): 1 to 4 dimensions; every dimension is 0 or
 * more (ggml accepts empty tensors, and so do we); dimension 0 is a whole number of the type's
 * blocks; the element count and byte size fit in a signed 64-bit integer; the name is at most
 * {@link #MAX_NAME_BYTES} bytes of UTF-8 (ggml's limit: longer names do not load in llama.cpp);
 * the offset is not negative.
 */
public record GgufTensorInfo(String name, GgmlType type, long[] shape, long offset) {
    public static final int MAX_DIMS = 4;
    public static final int MAX_NAME_BYTES = 63;

    public GgufTensorInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        shape = shape.clone();
        String problem = shapeProblem(type, shape);
        if (problem != null) {
            throw new IllegalArgumentException("tensor '" + name + "': " + problem);
        }
        Utf8.requireWellFormed(name, "tensor name");
        if (name.getBytes(StandardCharsets.UTF_8).length > MAX_NAME_BYTES) {
            throw new IllegalArgumentException("tensor '" + name + "': name is longer than " + MAX_NAME_BYTES + " bytes");
        }
        if (offset < 0) {
            throw new IllegalArgumentException("tensor '" + name + "': negative offset " + offset);
        }
    }

    /**
     * What is wrong with {@code shape} for {@code type}, or null when it is valid. Dimensions are
     * read as signed: a value at or above 2^63 shows as negative and is refused.
     */
    static String shapeProblem(GgmlType type, long[] shape) {
        if (shape.length < 1 || shape.length > MAX_DIMS) {
            return "number of dimensions " + shape.length + " is not in 1.." + MAX_DIMS;
        }
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] < 0) {
                return "dimension " + i + " is negative (" + Long.toUnsignedString(shape[i]) + " read as unsigned)";
            }
        }
        if (shape[0] % type.blockSize() != 0) {
            return "dimension 0 (" + shape[0] + ") is not a multiple of " + type + "'s block size " + type.blockSize();
        }
        long elements = 1;
        for (long d : shape) {
            if (d == 0) {
                return null; // an empty tensor: nothing can overflow
            }
        }
        for (long d : shape) {
            if (elements > Long.MAX_VALUE / d) {
                return "element count of shape " + Arrays.toString(shape) + " overflows 64 bits";
            }
            elements *= d;
        }
        if (elements / type.blockSize() > Long.MAX_VALUE / type.bytesPerBlock()) {
            return "byte size of shape " + Arrays.toString(shape) + " as " + type + " overflows 64 bits";
        }
        return null;
    }

    /** The shape (a copy). */
    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int nDims() {
        return shape.length;
    }

    /** Dimension {@code i}; 1 for {@code i >= nDims()}, as in ggml's padded 4-dimension shapes. */
    public long dim(int i) {
        if (i < 0) {
            throw new IndexOutOfBoundsException("dimension " + i);
        }
        return i < shape.length ? shape[i] : 1;
    }

    public long elementCount() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Bytes of data: whole blocks of the type. */
    public long byteSize() {
        return elementCount() / type.blockSize() * type.bytesPerBlock();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GgufTensorInfo t
                && name.equals(t.name) && type == t.type && Arrays.equals(shape, t.shape) && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, type, Arrays.hashCode(shape), offset);
    }

    @Override
    public String toString() {
        return "GgufTensorInfo[" + name + " " + type + " " + Arrays.toString(shape) + " @" + offset + "]";
    }
}
