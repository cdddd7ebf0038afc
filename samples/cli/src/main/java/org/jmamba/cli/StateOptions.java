package org.jmamba.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.jmamba.Session;
import org.jmamba.State;
import picocli.CommandLine.Option;

/** --state and --save-state, shared by run and chat: start from a saved state, save the state at the end. */
final class StateOptions {
    @Option(names = "--state", paramLabel = "FILE", description = "start from a state saved by --save-state, ingest or chat's /save")
    Path from;

    @Option(names = "--save-state", paramLabel = "FILE", description = "save the state at the end (prompt and output included)")
    Path to;

    /**
     * Restores --state into the session, if given; returns whether it did. With
     * {@code needLogits}, a state without the next token's logits is refused (nothing to sample from).
     */
    boolean restoreInto(Session s, boolean needLogits) throws IOException {
        if (from == null) return false;
        try (State st = State.load(from, s.model())) {
            if (needLogits && st.logits().isEmpty()) {
                throw new IllegalArgumentException(from + " holds no logits to generate from: give a prompt (-p) to continue it");
            }
            s.restore(st);
        }
        return true;
    }

    /** Saves the session's state to --save-state, if given. */
    void saveFrom(Session s) throws IOException {
        if (to == null) return;
        save(s, to);
    }

    static void save(Session s, Path file) throws IOException {
        try (State st = s.snapshot()) {
            st.save(file);
        }
    }
}
