package org.jmamba.swing;

import java.awt.event.WindowEvent;
import javax.swing.SwingUtilities;

/**
 * Run in a child JVM by {@link CloseDuringGenerationTest}: opens the assistant, types until a
 * completion is being generated, and closes the window as a user would, mid-generation. The JVM
 * must then end by itself, cleanly.
 */
public final class CloseDuringGeneration {
    public static void main(String[] args) throws Exception {
        UiRobot ui = new UiRobot();
        AssistantWindow window = SwingAssistant.launch(TestModel.path());
        UiRobot.await("the model loaded", 60_000, () -> window.engine() != null);
        ui.click(window.editor());
        SwingUtilities.invokeAndWait(() -> window.editor().setCaretPosition(window.editor().getDocument().getLength()));
        for (int attempt = 0; attempt < 20; attempt++) {
            ui.type("x");
            long end = System.nanoTime() + 3_000_000_000L;
            while (System.nanoTime() < end) {
                CompletionEngine engine = window.engine();
                if (engine != null && engine.isGenerating()) {
                    SwingUtilities.invokeLater(() -> window.dispatchEvent(new WindowEvent(window, WindowEvent.WINDOW_CLOSING)));
                    System.out.println("closed during generation");
                    return; // main ends; the JVM must exit once the window is gone
                }
                Thread.sleep(1);
            }
        }
        System.out.println("no generation seen");
        System.exit(3);
    }
}
