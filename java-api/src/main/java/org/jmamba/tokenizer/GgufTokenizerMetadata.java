package org.jmamba.tokenizer;

import java.util.Optional;
import java.util.OptionalLong;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufFormatException;

/** {@link TokenizerMetadata} read from a GGUF file's metadata. */
final class GgufTokenizerMetadata implements TokenizerMetadata {
    private final GgufFile file;

    GgufTokenizerMetadata(GgufFile file) {
        this.file = file;
    }

    @FunctionalInterface
    private interface Read<T> {
        T apply(String key);
    }

    private <T> Optional<T> read(String key, Read<T> reader) {
        if (!contains(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(reader.apply(key));
        } catch (GgufFormatException e) {
            throw new TokenizerFormatException(key, e.getMessage(), e);
        }
    }

    @Override
    public boolean contains(String key) {
        return file.get(key).isPresent();
    }

    @Override
    public Optional<String> getString(String key) {
        return read(key, file::getString);
    }

    @Override
    public Optional<String[]> getStringArray(String key) {
        return read(key, file::getStringArray);
    }

    @Override
    public Optional<float[]> getFloatArray(String key) {
        return read(key, file::getFloatArray);
    }

    @Override
    public Optional<int[]> getIntArray(String key) {
        return read(key, file::getIntArray);
    }

    @Override
    public OptionalLong getLong(String key) {
        Optional<Long> v = read(key, file::getLong);
        return v.isPresent() ? OptionalLong.of(v.get()) : OptionalLong.empty();
    }

    @Override
    public Optional<Boolean> getBoolean(String key) {
        return read(key, file::getBoolean);
    }
}
