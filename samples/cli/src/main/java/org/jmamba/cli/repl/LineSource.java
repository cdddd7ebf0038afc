package org.jmamba.cli.repl;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;

/**
 * Where the REPL's turns come from: a terminal with line editing, or a pipe. Either way a line
 * that ends with a backslash goes on on the next line, and the turn is the lines joined by
 * newlines, the backslashes dropped.
 */
sealed interface LineSource extends AutoCloseable permits TerminalLines, LineSource.Piped {

    /** What one read gave. */
    sealed interface Input {
        /** A turn or a slash command, without the continuation backslashes. */
        record Text(String text) implements Input {}

        /** Ctrl-C at the prompt; {@code lineWasEmpty} when nothing had been typed. */
        record Interrupt(boolean lineWasEmpty) implements Input {}

        /** End of input (Ctrl-D, or the pipe closed). */
        record End() implements Input {}
    }

    Input read();

    /** Where replies and messages go. */
    PrintWriter out();

    /** Calls onInterrupt on Ctrl-C while a reply is generated (a no-op where signals cannot be caught). */
    void whileGenerating(Runnable onInterrupt);

    /** Ends {@link #whileGenerating}: Ctrl-C is the prompt's again. */
    void doneGenerating();

    boolean interactive();

    @Override
    void close();

    /** Joins continued lines: "a\\\nb" -> "a\nb". */
    static String joinContinuations(String text) {
        return text.replace("\\\r\n", "\n").replace("\\\n", "\n");
    }

    /** Standard input that is not a terminal: one turn per line, a trailing backslash continues it. */
    final class Piped implements LineSource {
        private final BufferedReader in;
        private final PrintWriter out;

        Piped(BufferedReader in, PrintWriter out) {
            this.in = in;
            this.out = out;
        }

        @Override
        public Input read() {
            try {
                String line = in.readLine();
                if (line == null) return new Input.End();
                StringBuilder turn = new StringBuilder();
                while (line.endsWith("\\")) {
                    turn.append(line, 0, line.length() - 1).append('\n');
                    line = in.readLine();
                    if (line == null) return new Input.Text(turn.toString());
                }
                return new Input.Text(turn.append(line).toString());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read standard input", e);
            }
        }

        @Override
        public PrintWriter out() {
            return out;
        }

        @Override
        public void whileGenerating(Runnable onInterrupt) {}

        @Override
        public void doneGenerating() {}

        @Override
        public boolean interactive() {
            return false;
        }

        @Override
        public void close() {
            out.flush();
        }
    }
}
