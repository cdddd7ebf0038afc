package org.jmamba.tokenizer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the key/value metadata of a little-endian GGUF file into plain Java values (test support; tensors are
 * ignored). Integers become {@code Long}, booleans {@code Boolean}, strings {@code String}; arrays of strings,
 * float32 and int32/uint32 become {@code String[]}, {@code float[]} and {@code int[]}.
 */
final class GgufMetadataReader {
    private GgufMetadataReader() {
    }

    static Map<String, Object> read(Path file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        if (b.getInt() != 0x46554747) {
            throw new IOException(file + " is not a GGUF file");
        }
        int version = b.getInt();
        if (version < 2) {
            throw new IOException("GGUF version " + version + " is not supported");
        }
        b.getLong();   // tensor count
        long kvCount = b.getLong();
        Map<String, Object> out = new HashMap<>();
        for (long i = 0; i < kvCount; i++) {
            String key = string(b);
            int type = b.getInt();
            out.put(key, value(b, type));
        }
        return out;
    }

    private static String string(ByteBuffer b) {
        int n = Math.toIntExact(b.getLong());
        byte[] bytes = new byte[n];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static Object value(ByteBuffer b, int type) throws IOException {
        return switch (type) {
            case 0 -> (long) (b.get() & 0xFF);
            case 1 -> (long) b.get();
            case 2 -> (long) (b.getShort() & 0xFFFF);
            case 3 -> (long) b.getShort();
            case 4 -> b.getInt() & 0xFFFFFFFFL;
            case 5 -> (long) b.getInt();
            case 6 -> (double) b.getFloat();
            case 7 -> b.get() != 0;
            case 8 -> string(b);
            case 9 -> array(b);
            case 10, 11 -> b.getLong();
            case 12 -> b.getDouble();
            default -> throw new IOException("unknown GGUF value type " + type);
        };
    }

    private static Object array(ByteBuffer b) throws IOException {
        int type = b.getInt();
        int n = Math.toIntExact(b.getLong());
        switch (type) {
            case 8 -> {
                String[] a = new String[n];
                for (int i = 0; i < n; i++) {
                    a[i] = string(b);
                }
                return a;
            }
            case 6 -> {
                float[] a = new float[n];
                for (int i = 0; i < n; i++) {
                    a[i] = b.getFloat();
                }
                return a;
            }
            case 4, 5 -> {
                int[] a = new int[n];
                for (int i = 0; i < n; i++) {
                    a[i] = b.getInt();
                }
                return a;
            }
            default -> {
                Object[] a = new Object[n];
                for (int i = 0; i < n; i++) {
                    a[i] = value(b, type);
                }
                return a;
            }
        }
    }
}
