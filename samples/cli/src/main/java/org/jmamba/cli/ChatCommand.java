package org.jmamba.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.jmamba.Model;
import org.jmamba.Session;
import org.jmamba.SessionOptions;
import org.jmamba.State;
import org.jmamba.chat.MistralInstruct;
import org.jmamba.generate.Chat;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with an instruct model, turn by turn; earlier turns are kept in the model's state, never re-read."
                + " /undo takes back the last turn, /save FILE and /load FILE keep the conversation's state, /reset starts over,"
                + " /exit or end of input quits.")
final class ChatCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "tokens per reply at most (default: ${DEFAULT-VALUE})")
    int nPredict = 1024;

    @Option(names = "--system", paramLabel = "TEXT", description = "system prompt")
    String system;

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
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        if (checkpoints < 0) throw new IllegalArgumentException("--checkpoints must be >= 0, got " + checkpoints);
        try (Model m = Model.load(model, threads.options());
             Session s = m.newSession(SessionOptions.defaults().withCheckpoints(m, checkpoints).withCheckpointSpacing(Integer.MAX_VALUE))) {
            state.restoreInto(s, false); // the conversation goes on after it
            Chat chat = new Chat(s, m.tokenizer(), MistralInstruct.v3(), system);
            GenerationOptions opts = new GenerationOptions(nPredict, sampling.config(), List.of(), true);
            System.err.println("chat with " + model.getFileName() + " (/reset to start over, /exit to quit)");
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) break;
                if (line.isBlank()) continue;
                if (stateCommand(line.strip(), chat, s)) continue;
                if (line.strip().equals("/reset")) {
                    chat.reset();
                    System.err.println("(conversation cleared)");
                    continue;
                }
                GenerationStats st = chat.send(line, opts, out::print);
                out.println();
                System.err.println("[" + st.summary() + "]");
            }
            state.saveFrom(s);
        }
        return 0;
    }

    /** /undo, /save FILE, /load FILE: true when the line was one of them (done, or its error shown). */
    static boolean stateCommand(String line, Chat chat, Session s) {
        String[] w = line.split("\\s+", 2);
        String arg = w.length > 1 ? w[1].strip() : "";
        try {
            switch (w[0]) {
                case "/undo" -> System.err.println(chat.undo() ? "(last turn undone)" : "(nothing to undo)");
                case "/save" -> {
                    if (arg.isEmpty()) throw new IllegalArgumentException("usage: /save FILE");
                    StateOptions.save(s, Path.of(arg));
                    System.err.println("(state saved to " + arg + ": " + s.position() + " tokens)");
                }
                case "/load" -> {
                    if (arg.isEmpty()) throw new IllegalArgumentException("usage: /load FILE");
                    try (State st = State.load(Path.of(arg), s.model())) {
                        chat.restore(st);
                    }
                    System.err.println("(state loaded from " + arg + ": " + s.position() + " tokens)");
                }
                default -> {
                    return false;
                }
            }
        } catch (IOException | RuntimeException e) {
            String why = e instanceof java.nio.file.NoSuchFileException ? "no such file: " + e.getMessage() : e.getMessage();
            System.err.println("(" + w[0] + " failed: " + why + ")");
        }
        return true;
    }
}
