package org.jmamba.swing;

import com.formdev.flatlaf.FlatLightLaf;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.swing.SwingUtilities;

/**
 * Starts the code assistant: {@code SwingAssistant [-m MODEL.gguf]} (the command line's
 * {@code jmamba swing} passes the default model when no -m is given).
 */
public final class SwingAssistant {
    static final String WELCOME = """
            import java.util.List;

            /** Type below: a completion appears in grey after a pause; Tab accepts it, Esc dismisses it. */
            public final class Example {
                public static int gcd(int a, int b) {
            """;

    private SwingAssistant() {}

    public static void main(String[] args) throws Exception {
        Path model = null;
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("-m") || args[i].equals("--model")) && i + 1 < args.length) model = Path.of(args[++i]);
            else throw new IllegalArgumentException("usage: SwingAssistant [-m MODEL.gguf]; unknown argument " + args[i]);
        }
        launch(model);
    }

    /** Opens the window on the event thread and starts loading {@code model} (may be null) in the background. */
    public static AssistantWindow launch(Path model) throws Exception {
        if (model != null && !Files.isRegularFile(model)) throw new IllegalArgumentException(model + " is not a file");
        AssistantWindow[] window = new AssistantWindow[1];
        SwingUtilities.invokeAndWait(() -> {
            FlatLightLaf.setup();
            window[0] = new AssistantWindow(WELCOME);
            window[0].setVisible(true);
            if (model != null) window[0].openModel(model);
        });
        return window[0];
    }
}
