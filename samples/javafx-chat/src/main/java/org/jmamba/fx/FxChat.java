package org.jmamba.fx;

import java.nio.file.Files;
import java.nio.file.Path;
import javafx.application.Application;
import javafx.application.Platform;
import javafx.stage.Stage;
import org.jmamba.Model;

/**
 * Starts the chat: {@code FxChat -m MODEL.gguf [--data DIR]} (the command line's {@code jmamba fx}
 * passes the default model when no -m is given). Conversations are kept under DIR, by default
 * {@code ~/.local/share/jmamba/fx-chat}.
 */
public final class FxChat extends Application {
    private static Path modelPath;
    private static Path dataDir;

    public static void main(String[] args) {
        Path model = null, data = Path.of(System.getProperty("user.home"), ".local", "share", "jmamba", "fx-chat");
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("-m") || args[i].equals("--model")) && i + 1 < args.length) model = Path.of(args[++i]);
            else if (args[i].equals("--data") && i + 1 < args.length) data = Path.of(args[++i]);
            else throw new IllegalArgumentException("usage: FxChat -m MODEL.gguf [--data DIR]; unknown argument " + args[i]);
        }
        if (model == null) throw new IllegalArgumentException("usage: FxChat -m MODEL.gguf [--data DIR]: no model given");
        if (!Files.isRegularFile(model)) throw new IllegalArgumentException(model + " is not a file");
        modelPath = model;
        dataDir = data;
        Application.launch(FxChat.class);
    }

    @Override
    public void start(Stage stage) throws Exception {
        Model model = Model.load(modelPath);
        new ChatWindow(stage, model, new ConversationStore(dataDir));
        stage.setOnHidden(e -> Platform.exit());
        stage.show();
    }
}
