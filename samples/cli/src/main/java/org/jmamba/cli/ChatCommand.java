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
import org.jmamba.chat.MistralInstruct;
import org.jmamba.generate.Chat;
import org.jmamba.generate.GenerationOptions;
import org.jmamba.generate.GenerationStats;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "chat", mixinStandardHelpOptions = true,
        description = "Chat with an instruct model, turn by turn; earlier turns are kept in the model's state, never re-read. /reset starts over, /exit or end of input quits.")
final class ChatCommand implements Callable<Integer> {

    @Option(names = {"-m", "--model"}, required = true, paramLabel = "FILE", description = "GGUF model")
    Path model;

    @Option(names = {"-n", "--n-predict"}, paramLabel = "N", description = "tokens per reply at most (default: ${DEFAULT-VALUE})")
    int nPredict = 1024;

    @Option(names = "--system", paramLabel = "TEXT", description = "system prompt")
    String system;

    @Mixin
    SamplingOptions sampling;

    @Mixin
    Threads threads;

    @Override
    public Integer call() throws IOException {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        try (Model m = Model.load(model, threads.options()); Session s = m.newSession()) {
            Chat chat = new Chat(s, m.tokenizer(), MistralInstruct.v3(), system);
            GenerationOptions opts = new GenerationOptions(nPredict, sampling.config(), List.of(), true);
            System.err.println("chat with " + model.getFileName() + " (/reset to start over, /exit to quit)");
            while (true) {
                out.print("> ");
                out.flush();
                String line = in.readLine();
                if (line == null || line.strip().equals("/exit")) break;
                if (line.isBlank()) continue;
                if (line.strip().equals("/reset")) {
                    chat.reset();
                    System.err.println("(conversation cleared)");
                    continue;
                }
                GenerationStats st = chat.send(line, opts, out::print);
                out.println();
                System.err.println("[" + st.summary() + "]");
            }
        }
        return 0;
    }
}
