package org.jmamba.gguf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Builds GGUF byte images by hand, field by field, little-endian: the tests' oracle for the
 * format, written without the reader's or the writer's code.
 */
final class ByteImage {
    // Value type ids and ggml type ids, spelled out here rather than taken from the code under test.
    static final int UINT8 = 0, INT8 = 1, UINT16 = 2, INT16 = 3, UINT32 = 4, INT32 = 5, FLOAT32 = 6, BOOL = 7,
            STRING = 8, ARRAY = 9, UINT64 = 10, INT64 = 11, FLOAT64 = 12;
    static final int T_F32 = 0, T_F16 = 1, T_Q8_0 = 8, T_Q4_K = 12;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    /** Magic "GGUF", version, tensor count, key count. */
    static ByteImage header(int version, long tensors, long keys) {
        return new ByteImage().raw('G', 'G', 'U', 'F').u32(version).u64(tensors).u64(keys);
    }

    ByteImage raw(int... bytes) {
        for (int b : bytes) {
            out.write(b);
        }
        return this;
    }

    ByteImage raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    ByteImage u8(int v) {
        out.write(v);
        return this;
    }

    ByteImage u16(int v) {
        return u8(v).u8(v >>> 8);
    }

    ByteImage u32(long v) {
        return u16((int) v).u16((int) (v >>> 16));
    }

    ByteImage u64(long v) {
        return u32(v).u32(v >>> 32);
    }

    ByteImage f32(float v) {
        return u32(Float.floatToRawIntBits(v));
    }

    ByteImage f64(double v) {
        return u64(Double.doubleToRawLongBits(v));
    }

    /** A GGUF string: u64 byte length, then the bytes. */
    ByteImage str(String s) {
        return bytes(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A GGUF string made of arbitrary bytes. */
    ByteImage bytes(byte[] b) {
        return u64(b.length).raw(b);
    }

    /** A key and the type id of its value (the value follows). */
    ByteImage key(String key, int type) {
        return str(key).u32(type);
    }

    /** A tensor info: name, n_dims, dims, ggml type id, data offset. */
    ByteImage tensor(String name, int type, long offset, long... dims) {
        str(name).u32(dims.length);
        for (long d : dims) {
            u64(d);
        }
        return u32(type).u64(offset);
    }

    /** Zero bytes up to the next multiple of {@code alignment}. */
    ByteImage pad(int alignment) {
        while (out.size() % alignment != 0) {
            out.write(0);
        }
        return this;
    }

    /** {@code n} bytes counting up from {@code first}. */
    ByteImage ramp(int n, int first) {
        for (int i = 0; i < n; i++) {
            out.write(first + i);
        }
        return this;
    }

    int size() {
        return out.size();
    }

    byte[] bytes() {
        return out.toByteArray();
    }
}
