package org.jmamba.cli.repl;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.jline.keymap.KeyMap;
import org.jline.reader.EOFError;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.ParsedLine;
import org.jline.reader.Parser;
import org.jline.reader.Reference;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * A terminal through JLine: line editing, history kept in a file, bracketed paste (a pasted
 * snippet stays one turn, newlines and all), Alt-Enter or a trailing backslash for a new line,
 * and Ctrl-C handed to the REPL instead of ending the process.
 */
final class TerminalLines implements LineSource {
    private static final String NEWLINE_WIDGET = "jmamba-insert-newline";

    private final Terminal terminal;
    private final LineReader reader;
    private final String prompt;
    private Terminal.SignalHandler previous;
    private org.jline.terminal.Attributes cooked;

    TerminalLines(Path historyFile, List<String> commandNames, String prompt) {
        this.prompt = prompt;
        // At the prompt the terminal is raw (no ISIG) and JLine reads Ctrl-C as a key that ends readLine.
        // JLine's "software signals" would also run SIGINT's handler for that byte, from its input thread:
        // readLine's handler then interrupts the reading thread, which may end that read before the byte is
        // taken, and the byte ends the next read too: one Ctrl-C counted twice and ended the chat. Without
        // them Ctrl-C is the key at the prompt, and the kernel's SIGINT while a reply is written (ISIG on).
        System.setProperty(TerminalBuilder.PROP_SOFTWARE_SIGNALS, "false");
        try {
            terminal = TerminalBuilder.builder().system(true).name("jmamba").build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal", e);
        }
        LineReaderBuilder b = LineReaderBuilder.builder()
                .terminal(terminal)
                .appName("jmamba")
                .parser(new ContinuationParser())
                .completer(new StringsCompleter(commandNames))
                .variable(LineReader.SECONDARY_PROMPT_PATTERN, ". ")
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true) // '!' in a message is text
                .option(LineReader.Option.HISTORY_IGNORE_DUPS, true)
                .option(LineReader.Option.BRACKETED_PASTE, true);
        if (historyFile != null) {
            try {
                Files.createDirectories(historyFile.toAbsolutePath().getParent());
                b.variable(LineReader.HISTORY_FILE, historyFile);
            } catch (IOException e) {
                terminal.writer().println("(history not kept: cannot create the folder of " + historyFile + ")");
            }
        }
        reader = b.build();
        // between prompts and replies Ctrl-C must not end the process (JLine restores this after each read)
        terminal.handle(Terminal.Signal.INT, signal -> {});
        if (System.getenv("JMAMBA_DEBUG") != null && terminal instanceof org.jline.terminal.spi.TerminalExt ext) {
            terminal.writer().println("(terminal " + terminal.getType() + " through JLine's " + ext.getProvider().name() + " provider)");
        }
        reader.getWidgets().put(NEWLINE_WIDGET, () -> {
            reader.getBuffer().write('\n');
            return true;
        });
        KeyMap<org.jline.reader.Binding> main = reader.getKeyMaps().get(LineReader.MAIN);
        main.bind(new Reference(NEWLINE_WIDGET), KeyMap.alt('\r'));
        main.bind(new Reference(NEWLINE_WIDGET), KeyMap.alt('\n'));
    }

    @Override
    public Input read() {
        try {
            return new Input.Text(LineSource.joinContinuations(reader.readLine(prompt)));
        } catch (UserInterruptException e) {
            return new Input.Interrupt(e.getPartialLine() == null || e.getPartialLine().isEmpty());
        } catch (EndOfFileException e) {
            return new Input.End();
        }
    }

    @Override
    public PrintWriter out() {
        return terminal.writer();
    }

    @Override
    public void whileGenerating(Runnable onInterrupt) {
        previous = terminal.handle(Terminal.Signal.INT, signal -> onInterrupt.run());
        // keys typed during a reply are not echoed over it (an arrow key would print ^[[A); they wait for the prompt
        cooked = terminal.getAttributes();
        org.jline.terminal.Attributes quiet = new org.jline.terminal.Attributes(cooked);
        quiet.setLocalFlag(org.jline.terminal.Attributes.LocalFlag.ECHO, false);
        quiet.setLocalFlag(org.jline.terminal.Attributes.LocalFlag.ISIG, true); // Ctrl-C still signals
        terminal.setAttributes(quiet);
    }

    @Override
    public void doneGenerating() {
        if (cooked != null) terminal.setAttributes(cooked);
        cooked = null;
        if (previous != null) terminal.handle(Terminal.Signal.INT, previous);
        previous = null;
    }

    @Override
    public boolean interactive() {
        return true;
    }

    @Override
    public void close() {
        try {
            reader.getHistory().save();
        } catch (IOException e) {
            terminal.writer().println("(history not saved: " + e.getMessage() + ")");
        }
        try {
            terminal.close();
        } catch (IOException e) {
            // the process ends next
        }
    }

    /** Enter on a line that ends with a backslash opens a new line instead of sending. */
    private static final class ContinuationParser implements Parser {
        private final org.jline.reader.impl.DefaultParser words = new org.jline.reader.impl.DefaultParser();

        @Override
        public ParsedLine parse(String line, int cursor, ParseContext context) {
            if (context == ParseContext.ACCEPT_LINE && line.endsWith("\\")) {
                throw new EOFError(-1, cursor, "line continues", "\\");
            }
            return words.parse(line, cursor, context);
        }
    }
}
