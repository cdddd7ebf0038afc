package org.jmamba.quantize;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Writes safetensors files for the tests: float data stored as F32, F16 or BF16 (or raw bytes under any dtype). */
final class SafetensorsWriter {
    record T(String dtype, long[] shape, byte[] data) {}

    private final Map<String, T> tensors = new LinkedHashMap<>();

    SafetensorsWriter put(String name, String dtype, long[] shape, float[] v) {
        ByteBuffer b;
        switch (dtype) {
            case "F32" -> { b = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN); for (float x : v) b.putFloat(x); }
            case "F16" -> { b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN); for (float x : v) b.putShort(Float.floatToFloat16(x)); }
            case "BF16" -> { b = ByteBuffer.allocate(v.length * 2).order(ByteOrder.LITTLE_ENDIAN); for (float x : v) b.putShort((short) (Float.floatToRawIntBits(x) >>> 16)); }
            default -> throw new IllegalArgumentException(dtype);
        }
        tensors.put(name, new T(dtype, shape, b.array()));
        return this;
    }

    SafetensorsWriter putRaw(String name, String dtype, long[] shape, byte[] data) {
        tensors.put(name, new T(dtype, shape, data));
        return this;
    }

    boolean has(String name) {
        return tensors.containsKey(name);
    }

    void remove(String name) {
        tensors.remove(name);
    }

    /** The header JSON this writer would write. */
    String header() {
        StringBuilder h = new StringBuilder("{\"__metadata__\":{\"format\":\"pt\"}");
        long off = 0;
        for (Map.Entry<String, T> e : tensors.entrySet()) {
            T t = e.getValue();
            h.append(",\"").append(e.getKey()).append("\":{\"dtype\":\"").append(t.dtype()).append("\",\"shape\":[");
            for (int i = 0; i < t.shape().length; i++) h.append(i == 0 ? "" : ",").append(t.shape()[i]);
            h.append("],\"data_offsets\":[").append(off).append(",").append(off + t.data().length).append("]}");
            off += t.data().length;
        }
        return h.append("}").toString();
    }

    void write(Path p) throws IOException {
        write(p, header());
    }

    /** Writes with the given header text (tests that make it lie). */
    void write(Path p, String header) throws IOException {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        int pad = (8 - h.length % 8) % 8;
        try (OutputStream o = Files.newOutputStream(p)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(h.length + pad);
            o.write(len.array());
            o.write(h);
            o.write(" ".repeat(pad).getBytes(StandardCharsets.US_ASCII));
            for (T t : tensors.values()) o.write(t.data());
        }
    }
}
