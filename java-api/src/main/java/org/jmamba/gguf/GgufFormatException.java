package org.jmamba.gguf;

import java.nio.file.Path;
import org.jmamba.JmambaException;

/**
 * A GGUF file breaks the format's rules, or a value has a type its reader did not expect.
 * The message names the file, the byte offset of the field and the field, for example
 * {@code "model.gguf: at byte 1234: tensor 'blk.0.ssm_in.weight': data offset 99999999 is past
 * the end of the file (size 5000)"}.
 */
public class GgufFormatException extends JmambaException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;
    private final long byteOffset;
    private final String problem;

    public GgufFormatException(Path file, long byteOffset, String problem) {
        super(file + ": at byte " + byteOffset + ": " + problem);
        this.file = file;
        this.byteOffset = byteOffset;
        this.problem = problem;
    }

    /** The file, as it was named when opened. */
    public Path file() {
        return file;
    }

    /** Where in the file the offending field starts. */
    public long byteOffset() {
        return byteOffset;
    }

    /** The message without file and offset. */
    public String problem() {
        return problem;
    }
}
