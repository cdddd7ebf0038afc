package org.jmamba.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.SessionOptions;
import org.jmamba.State;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.cli.repl.ChatRepl;
import org.jmamba.cli.repl.SlashCommand;
import org.jmamba.generate.GenerationOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = {
            "Chat with an instruct model, turn by turn; earlier turns are kept in the model's state, never re-read.",
            "On a terminal: line editing, history (Up/Down, kept in --history-file), Alt-Enter or a trailing \\ for a new line,"
                    + " a paste stays one turn, Ctrl-C stops a reply and keeps the conversation. /help lists the commands;"
                    + " /undo takes back the last turn, /save FILE and /load FILE keep the conversation's state.",
            "From a pipe: one turn per line (a line ending in \\ goes on on the next), replies to stdout."})
final class ChatCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @Option(names = {"-n", "--n-predict", "--predict"}, paramLabel = "N", description = "tokens per reply at most; -1 = until the end-of-turn token (default: ${DEFAULT-VALUE})")
    int nPredict = 1024;

    @Option(names = {"-sys", "--system", "--system-prompt"}, paramLabel = "TEXT", description = "system prompt (/system changes it)")
    String system;

    @Option(names = "--ignore-eos", description = "keep generating past end-of-generation tokens (until -n)")
    boolean ignoreEos;

    @Option(names = "--history-file", paramLabel = "FILE", description = "where the input history is kept (default: $XDG_STATE_HOME/jmamba/chat_history, else ~/.local/state/jmamba/chat_history)")
    Path historyFile;

    @Option(names = "--no-history", description = "keep no input history file")
    boolean noHistory;

    @Mixin
    StateOptions state;

    @Option(names = "--checkpoints", paramLabel = "N",
            description = "states kept at turn starts, so /undo restores one instead of re-reading the conversation (default: ${DEFAULT-VALUE})")
    int checkpoints = 2;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws IOException {
        int maxTokens = RunCommand.maxTokens(nPredict, "-n/--n-predict");
        GenerationOptions opts = new GenerationOptions(maxTokens, sampling.config(), List.of(), !ignoreEos);
        if (checkpoints < 0) throw new CliException("--checkpoints must be 0 or more, got " + checkpoints);
        try (Model m = Model.load(model, threads.options());
             Session s = m.newSession(SessionOptions.defaults().withCheckpoints(m, checkpoints).withCheckpointSpacing(Integer.MAX_VALUE))) {
            state.restoreInto(s, false); // the conversation goes on after it
            ChatRepl repl = new ChatRepl(s, m.tokenizer(), MistralInstruct.v3(), system, opts, System.err);
            addStateCommands(repl);
            repl.run(noHistory ? null : historyFile != null ? historyFile : defaultHistoryFile(),
                    "chat with " + model.getFileName() + " (/help for the commands, Ctrl-D or /exit to quit)");
            state.saveFrom(s);
        }
        return 0;
    }

    static Path defaultHistoryFile() {
        String state = System.getenv("XDG_STATE_HOME");
        Path base = state != null && !state.isBlank() ? Path.of(state)
                : Path.of(System.getProperty("user.home"), ".local", "state");
        return base.resolve("jmamba").resolve("chat_history");
    }

    /** /undo, /save FILE, /load FILE: the conversation's state, through the session's checkpoints and state files. */
    static void addStateCommands(ChatRepl repl) {
        repl.addCommand(new SlashCommand("undo", "", "take back the last turn (its question and reply)", (arg, r) -> {
            r.note(r.chat().undo() ? "(last turn undone)" : "(nothing to undo)");
            return true;
        }));
        repl.addCommand(new SlashCommand("save", "FILE", "save the conversation's state to FILE", (arg, r) -> {
            if (arg.isEmpty()) throw new CliException("usage: /save FILE");
            StateOptions.save(r.session(), Path.of(arg));
            r.note("(state saved to " + arg + ": " + r.session().position() + " tokens)");
            return true;
        }));
        repl.addCommand(new SlashCommand("load", "FILE", "go on from a state saved with /save or --save-state", (arg, r) -> {
            if (arg.isEmpty()) throw new CliException("usage: /load FILE");
            try (State st = State.load(Path.of(arg), r.session().model())) {
                r.chat().restore(st);
            }
            r.note("(state loaded from " + arg + ": " + r.session().position() + " tokens)");
            return true;
        }));
    }
}
