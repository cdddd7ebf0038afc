package org.jmamba.tokenizer;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** {@link TokenizerMetadata} over a map of plain values. */
record MapMetadata(Map<String, ?> values) implements TokenizerMetadata {

    @Override
    public boolean contains(String key) {
        return values.containsKey(key);
    }

    private static TokenizerFormatException wrongType(String key, Object v, String wanted) {
        return new TokenizerFormatException(key, "expected " + wanted + " but found " + v.getClass().getSimpleName());
    }

    @Override
    public Optional<String> getString(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw wrongType(key, v, "a string");
    }

    @Override
    public Optional<String[]> getStringArray(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String[] a) {
            return Optional.of(a.clone());
        }
        if (v instanceof List<?> list) {
            String[] out = new String[list.size()];
            for (int i = 0; i < out.length; i++) {
                if (!(list.get(i) instanceof String s)) {
                    throw new TokenizerFormatException(key, "element " + i + " is not a string");
                }
                out[i] = s;
            }
            return Optional.of(out);
        }
        throw wrongType(key, v, "an array of strings");
    }

    @Override
    public Optional<float[]> getFloatArray(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        switch (v) {
            case float[] a -> {
                return Optional.of(a.clone());
            }
            case double[] a -> {
                float[] out = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[i] = (float) a[i];
                }
                return Optional.of(out);
            }
            case int[] a -> {
                float[] out = new float[a.length];
                for (int i = 0; i < a.length; i++) {
                    out[i] = a[i];
                }
                return Optional.of(out);
            }
            default -> throw wrongType(key, v, "an array of numbers");
        }
    }

    @Override
    public Optional<int[]> getIntArray(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        switch (v) {
            case int[] a -> {
                return Optional.of(a.clone());
            }
            case long[] a -> {
                int[] out = new int[a.length];
                for (int i = 0; i < a.length; i++) {
                    if (a[i] < Integer.MIN_VALUE || a[i] > Integer.MAX_VALUE) {
                        throw new TokenizerFormatException(key, "element " + i + " (" + a[i] + ") does not fit in 32 bits");
                    }
                    out[i] = (int) a[i];
                }
                return Optional.of(out);
            }
            default -> throw wrongType(key, v, "an array of integers");
        }
    }

    @Override
    public OptionalLong getLong(String key) {
        Object v = values.get(key);
        if (v == null) {
            return OptionalLong.empty();
        }
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return OptionalLong.of(((Number) v).longValue());
        }
        throw wrongType(key, v, "an integer");
    }

    @Override
    public Optional<Boolean> getBoolean(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        throw wrongType(key, v, "a boolean");
    }
}
