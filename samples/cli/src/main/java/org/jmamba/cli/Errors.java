package org.jmamba.cli;

import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.regex.Pattern;

/** What the user reads when a command fails: the problem in words, no Java class and no temporary file names. */
final class Errors {
    private Errors() {}

    /**
     * The names our writers give the temporary files they rename at the end: GgufWriter's
     * {@code .NAME.PID-HEX.tmp} (or {@code .NAME.HEX.tmp}) and Files.createTempFile's {@code NAMEDIGITS.tmp}.
     */
    private static final Pattern TEMP_FILE = Pattern.compile("(\\..+\\.(\\d+-)?[0-9a-f]{1,16}|.+\\d{6,})\\.tmp");

    static String describe(Throwable ex) {
        if (ex instanceof UncheckedIOException u && u.getCause() != null) {
            String cause = describe(u.getCause());
            String msg = u.getMessage();
            return msg == null || msg.equals(u.getCause().toString()) ? cause : msg + ": " + cause;
        }
        if (ex instanceof FileSystemException f) return file(f);
        if (ex instanceof OutOfMemoryError) {
            return "out of memory: " + (ex.getMessage() != null ? ex.getMessage() : "the JVM's heap is full (JMAMBA_JAVA_OPTS=-Xmx... raises it)");
        }
        String msg = ex.getMessage();
        if (msg == null || msg.isBlank()) {
            return "internal error, not a problem with the input (JMAMBA_DEBUG=1 prints where it happened)";
        }
        return msg;
    }

    private static String file(FileSystemException e) {
        String file = e.getFile();
        String reason = switch (e) {
            case NoSuchFileException x -> "no such file or folder";
            case AccessDeniedException x -> "permission denied";
            case FileAlreadyExistsException x -> "already exists";
            case NotDirectoryException x -> "not a folder";
            case DirectoryNotEmptyException x -> "the folder is not empty";
            default -> e.getReason() != null ? e.getReason() : "cannot be used";
        };
        if (file == null) return reason;
        Path p = Path.of(file);
        if (p.getFileName() != null && TEMP_FILE.matcher(p.getFileName().toString()).matches()) {
            Path folder = p.toAbsolutePath().getParent();
            if (e instanceof NoSuchFileException && !java.nio.file.Files.isDirectory(folder)) {
                return "cannot write in " + folder + ": the folder does not exist";
            }
            if (e instanceof NoSuchFileException) return "cannot write in " + folder + ": cannot create a file there";
            return "cannot write in " + folder + ": " + reason;
        }
        return file + ": " + reason;
    }
}
