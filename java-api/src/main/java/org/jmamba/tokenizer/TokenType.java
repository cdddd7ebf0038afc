package org.jmamba.tokenizer;

/**
 * Token types as stored in {@code tokenizer.ggml.token_type} (the numbering used by llama.cpp and the GGUF
 * conversion scripts).
 */
public enum TokenType {
    UNDEFINED(0),
    NORMAL(1),
    UNKNOWN(2),
    CONTROL(3),
    USER_DEFINED(4),
    UNUSED(5),
    BYTE(6);

    private static final TokenType[] BY_CODE = values();

    private final int code;

    TokenType(int code) {
        this.code = code;
    }

    /** The numeric value stored in GGUF files. */
    public int code() {
        return code;
    }

    /** Maps a stored value to its type; values outside the known range read as {@link #UNDEFINED}, as llama.cpp does. */
    public static TokenType fromCode(int code) {
        return code >= 0 && code < BY_CODE.length ? BY_CODE[code] : UNDEFINED;
    }
}
