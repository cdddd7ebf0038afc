package org.jmamba.cli.repl;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jmamba.Session;
import org.jmamba.chat.ChatMessage;
import org.jmamba.chat.ChatTemplate;
import org.jmamba.generate.Chat;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import org.jmamba.generate.StopReason;
import org.jmamba.tokenizer.Tokenizer;

/**
 * The chat loop: reads turns, runs {@code /commands}, streams replies. Ctrl-C while a reply is
 * written stops the reply and keeps the conversation (the partial reply stays in it); Ctrl-C at an
 * empty prompt twice in a row, Ctrl-D, end of input or {@code /exit} ends the loop.
 *
 * <p>Commands live in one table, {@link #commands()}: add an entry with {@link #addCommand} and it
 * is dispatched, listed by {@code /help} and completed with Tab.
 */
public final class ChatRepl {
    private final Session session;
    private final Tokenizer tokenizer;
    private final ChatTemplate template;
    private final GenerationOptions options;
    private final PrintStream stats;
    private final Map<String, SlashCommand> commands = new LinkedHashMap<>();
    private String system;
    private Chat chat;
    private PrintWriter out;   // replies
    private PrintWriter notes; // what the REPL says itself

    public ChatRepl(Session session, Tokenizer tokenizer, ChatTemplate template, String system,
                    GenerationOptions options, PrintStream stats) {
        this.session = session;
        this.tokenizer = tokenizer;
        this.template = template;
        this.options = options;
        this.stats = stats;
        this.system = system == null || system.isBlank() ? null : system;
        this.chat = new Chat(session, tokenizer, template, this.system);
        addCommand(new SlashCommand("help", "", "this list", (arg, repl) -> {
            help();
            return true;
        }));
        addCommand(new SlashCommand("system", "[TEXT]", "set the system prompt and start over (no TEXT: show it)", (arg, repl) -> system(arg)));
        addCommand(new SlashCommand("history", "", "the conversation so far", (arg, repl) -> {
            history();
            return true;
        }));
        addCommand(new SlashCommand("reset", "", "forget the conversation (the system prompt stays)", (arg, repl) -> {
            chat.reset();
            note("(conversation cleared)");
            return true;
        }));
        addCommand(new SlashCommand("exit", "", "quit (also /quit, Ctrl-D, or Ctrl-C twice at the prompt)", (arg, repl) -> false));
        addCommand(new SlashCommand("quit", "", "", (arg, repl) -> false));
    }

    public void addCommand(SlashCommand c) {
        commands.put(c.name(), c);
    }

    public Map<String, SlashCommand> commands() {
        return commands;
    }

    /** The conversation; for commands that save or restore it. */
    public Chat chat() {
        return chat;
    }

    public Session session() {
        return session;
    }

    /** Runs on the terminal when standard input is one, else on the pipe; returns at the end of the conversation. */
    public void run(Path historyFile, String banner) {
        boolean tty = System.console() != null && System.console().isTerminal();
        List<String> names = new ArrayList<>();
        for (String n : commands.keySet()) names.add("/" + n);
        try (LineSource in = tty
                ? new TerminalLines(historyFile, names, "> ")
                : new LineSource.Piped(new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)),
                        new PrintWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), true))) {
            run(in, banner);
        }
    }

    void run(LineSource in, String banner) {
        this.out = in.out();
        // from a pipe, stdout carries only replies (and what /history prints); notes go to stderr
        this.notes = in.interactive() ? out : new PrintWriter(new OutputStreamWriter(stats, StandardCharsets.UTF_8), true);
        if (in.interactive()) note(banner);
        boolean lastWasInterrupt = false;
        while (true) {
            LineSource.Input input = in.read();
            switch (input) {
                case LineSource.Input.End end -> {
                    return;
                }
                case LineSource.Input.Interrupt i -> {
                    if (!i.lineWasEmpty()) {
                        lastWasInterrupt = false;
                        continue;
                    }
                    if (lastWasInterrupt) return;
                    lastWasInterrupt = true;
                    note("(Ctrl-C again, Ctrl-D or /exit to quit)");
                    continue;
                }
                case LineSource.Input.Text t -> {
                    lastWasInterrupt = false;
                    if (!handle(t.text(), in)) return;
                }
            }
        }
    }

    /** One turn or command; false to stop. */
    boolean handle(String text, LineSource in) {
        if (text.isBlank()) return true;
        String stripped = text.strip();
        if (stripped.startsWith("//")) return reply(text.substring(text.indexOf('/') + 1), in);
        if (stripped.startsWith("/")) {
            int space = indexOfWhitespace(stripped);
            String name = stripped.substring(1, space < 0 ? stripped.length() : space);
            String arg = space < 0 ? "" : stripped.substring(space).strip();
            SlashCommand c = commands.get(name);
            if (c == null) {
                note("unknown command /" + name + ": /help lists the commands; start a line with // to send text that begins with /");
                return true;
            }
            try {
                return c.action().run(arg, this);
            } catch (Exception e) {
                note("/" + name + " failed: " + describe(e));
                return true;
            }
        }
        return reply(text, in);
    }

    private boolean reply(String text, LineSource in) {
        Chat current = chat;
        in.whileGenerating(current::cancel);
        GenerationStats st;
        try {
            st = current.send(text, options, piece -> {
                out.print(printable(piece));
                out.flush();
            });
        } catch (RuntimeException e) {
            out.println();
            note("(the reply failed: " + describe(e) + ")");
            return true;
        } finally {
            in.doneGenerating();
        }
        out.println();
        out.flush();
        if (st.stopReason() == StopReason.CANCELLED) note("(stopped; the conversation goes on from here)");
        stats.println("[" + st.summary() + "]");
        stats.flush();
        return true;
    }

    private boolean system(String arg) {
        if (arg.isEmpty()) {
            note(system == null ? "(no system prompt)" : "system prompt: " + system);
            return true;
        }
        system = arg;
        session.reset();
        chat = new Chat(session, tokenizer, template, system);
        note("(system prompt set; conversation started over)");
        return true;
    }

    private void help() {
        StringBuilder b = new StringBuilder("commands:\n");
        for (SlashCommand c : commands.values()) {
            if (c.help().isEmpty()) continue;
            b.append(String.format("  %-16s %s%n", c.usage(), c.help()));
        }
        b.append("""
                  a line ending in \\ goes on on the next line; so does Alt-Enter; a paste is one turn
                  Ctrl-C stops a reply (the conversation stays); start a line with // to send text that begins with /""");
        note(b.toString());
    }

    private void history() {
        List<ChatMessage> h = chat.history();
        if (h.isEmpty()) {
            note("(no conversation yet)");
            return;
        }
        for (ChatMessage m : h) {
            out.println(m.role().name().toLowerCase() + ": " + printable(m.content()));
        }
        out.flush();
    }

    /** Tells the user something (on the terminal; from a pipe, on stderr). */
    public void note(String text) {
        notes.println(text);
        notes.flush();
    }

    private static String describe(Exception e) {
        if (e instanceof java.nio.file.NoSuchFileException) return e.getMessage() + ": no such file or folder";
        if (e instanceof java.nio.file.AccessDeniedException) return e.getMessage() + ": permission denied";
        return e.getMessage() != null ? e.getMessage() : "internal error (JMAMBA_DEBUG=1 ./jmamba ... prints where)";
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) return i;
        }
        return -1;
    }

    /**
     * Text safe for a terminal: control characters other than newline and tab (a model can emit
     * ESC and so rewrite the screen) are shown as U+FFFD.
     */
    static String printable(String s) {
        StringBuilder b = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean control = (c < 0x20 && c != '\n' && c != '\t') || (c >= 0x7f && c < 0xa0);
            if (control) {
                if (b == null) b = new StringBuilder(s.length()).append(s, 0, i);
                b.append('\uFFFD');
            } else if (b != null) {
                b.append(c);
            }
        }
        return b == null ? s : b.toString();
    }
}
