package org.jmamba.tokenizer;

import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Read access to the {@code tokenizer.ggml.*} metadata a tokenizer is built from. A GGUF file is one source;
 * {@link #of(Map)} makes one from plain Java values (handy for tests and for vocabularies built in code).
 *
 * <p>Every getter returns empty when the key is absent and throws {@link TokenizerFormatException} naming the key
 * when it is present with an unusable type.
 */
public interface TokenizerMetadata {

    boolean contains(String key);

    Optional<String> getString(String key);

    Optional<String[]> getStringArray(String key);

    /** A numeric array as floats; integer arrays are converted (llama.cpp accepts int32 scores). */
    Optional<float[]> getFloatArray(String key);

    Optional<int[]> getIntArray(String key);

    OptionalLong getLong(String key);

    Optional<Boolean> getBoolean(String key);

    /**
     * Metadata backed by a map. Accepted value types: {@code String}; {@code String[]} or a {@code List} of
     * strings; {@code float[]}, {@code double[]}, {@code int[]}, {@code long[]}; any {@code Number}; {@code Boolean}.
     */
    static TokenizerMetadata of(Map<String, ?> values) {
        Map<String, ?> copy = Map.copyOf(values);
        return new MapMetadata(copy);
    }
}
