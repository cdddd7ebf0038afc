package org.jmamba.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.jmamba.fx.FxChat;
import org.jmamba.swing.SwingAssistant;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The desktop samples, started from the command line with the model they should use. */
final class DesktopCommands {
    private DesktopCommands() {}

    /** The model given with -m, else the repository's default model (saying so). */
    static Path model(Path given) {
        if (given != null) return given;
        Path p = DefaultModel.resolve();
        System.err.println("jmamba: no -m given: using the repository's model " + p);
        return p;
    }

    @Command(name = "swing", mixinStandardHelpOptions = true,
            description = "Open the Swing code assistant: an editor with as-you-type completion from the model.")
    static final class Swing implements Callable<Integer> {
        @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF model (default: the repository's model)")
        Path model;

        @Override
        public Integer call() throws Exception {
            SwingAssistant.launch(model(model)).closed().join();
            return 0;
        }
    }

    @Command(name = "fx", mixinStandardHelpOptions = true,
            description = "Open the JavaFX chat: conversations kept as state files, replies rendered as Markdown.")
    static final class Fx implements Callable<Integer> {
        @Option(names = {"-m", "--model"}, paramLabel = "FILE", description = "GGUF model (default: the repository's model)")
        Path model;

        @Option(names = "--data", paramLabel = "DIR", description = "where conversations are kept (default: ~/.local/share/jmamba/fx-chat)")
        Path data;

        @Override
        public Integer call() throws Exception {
            List<String> args = new ArrayList<>(List.of("-m", model(model).toString()));
            if (data != null) args.addAll(List.of("--data", data.toString()));
            FxChat.main(args.toArray(String[]::new)); // returns when the window is closed
            return 0;
        }
    }
}
