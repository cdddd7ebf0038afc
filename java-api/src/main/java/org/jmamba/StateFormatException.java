package org.jmamba;

import java.nio.file.Path;

/**
 * A saved state file is not one {@link State#load} can use: not a jmamba state file, a version it
 * does not read, truncated or of the wrong size, or saved from a model of another shape. The
 * message names the file and the problem.
 */
public class StateFormatException extends JmambaException {
    private final transient Path file;

    public StateFormatException(Path file, String problem) {
        super(file == null ? problem : file + ": " + problem);
        this.file = file;
    }

    /** The file, as it was named when loaded; null for a state in memory. */
    public Path file() {
        return file;
    }
}
