package org.jmamba.swing;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.Window;
import java.awt.event.KeyEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import javax.swing.JDialog;
import javax.swing.JFileChooser;
import javax.swing.JOptionPane;
import javax.swing.JTextField;
import javax.swing.SwingUtilities;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/** The assistant in a real window (Xvfb in the test script), typed into with java.awt.Robot. */
@EnabledIfEnvironmentVariable(named = "DISPLAY", matches = ".+",
        disabledReason = "no display: the window tests need an X display (scripts/test.sh starts Xvfb, or run under xvfb-run)")
class AssistantWindowTest {
    private UiRobot ui;
    private AssistantWindow window;

    @BeforeEach
    void open() throws Exception {
        ui = new UiRobot();
        window = SwingAssistant.launch(TestModel.path());
        UiRobot.await("the model loaded", 60_000, () -> window.engine() != null);
        ui.click(window.editor()); // no window manager under Xvfb: a click gives the window focus
        UiRobot.await("the editor focused", 10_000, () -> window.editor().isFocusOwner());
        SwingUtilities.invokeAndWait(() -> window.editor().setCaretPosition(window.editor().getDocument().getLength()));
    }

    @AfterEach
    void close() throws Exception {
        if (window != null) SwingUtilities.invokeAndWait(window::closeWindow);
        for (Window w : Window.getWindows()) SwingUtilities.invokeAndWait(w::dispose);
    }

    private String text() {
        return UiRobot.onEdt(() -> window.editor().getText());
    }

    @Test
    void ghostTextAppearsAfterAPauseAndTabAcceptsIt() throws Exception {
        ui.type("        int r = a % b;\n        ");
        UiRobot.await("ghost text after typing", 30_000, () -> !window.editor().visibleGhost().isEmpty()
                && window.lastResult() != null);
        ui.screenshot(window, "swing-assistant-ghost");
        String before = text();
        int caret = UiRobot.onEdt(() -> window.editor().getCaretPosition());
        String ghost = UiRobot.onEdt(() -> window.editor().visibleGhost());
        assertTrue(window.statusText().contains("tokens/s"), window.statusText());
        ui.press(KeyEvent.VK_TAB);
        UiRobot.await("the ghost accepted", 5_000, () -> window.editor().getText().length() == before.length() + ghost.length());
        assertEquals(before.substring(0, caret) + ghost + before.substring(caret), text());
        assertEquals(caret + ghost.length(), (int) UiRobot.onEdt(() -> window.editor().getCaretPosition()));
    }

    @Test
    void escDismissesAndTypingWhatTheGhostShowsKeepsTheRest() throws Exception {
        ui.type("        return ");
        UiRobot.await("ghost text", 30_000, () -> window.editor().visibleGhost().length() >= 2 && window.lastResult() != null);
        String ghost = UiRobot.onEdt(() -> window.editor().ghost());
        char first = ghost.charAt(0);
        if (Character.isLetterOrDigit(first) && first < 128 || first == ' ' || first == ';') {
            String typedBefore = text();
            ui.type(String.valueOf(first));
            UiRobot.await("the key typed", 10_000, () -> window.editor().getText().length() == typedBefore.length() + 1);
            assertEquals(ghost.substring(1), UiRobot.onEdt(() -> window.editor().ghost()), "typing the ghost's first character refines it");
        }
        String before = text();
        ui.press(KeyEvent.VK_ESCAPE);
        UiRobot.await("the ghost dismissed by Esc", 10_000, () -> window.editor().visibleGhost().isEmpty());
        ui.press(KeyEvent.VK_TAB); // with no ghost, Tab is a plain tab again
        UiRobot.await("the key typed", 10_000, () -> window.editor().getText().length() != before.length());
        assertEquals(before.length() + 1, text().length());
    }

    @Test
    void turningCompletionOffShowsNoGhost() throws Exception {
        SwingUtilities.invokeAndWait(() -> ((javax.swing.JCheckBoxMenuItem) window.getJMenuBar().getMenu(1).getItem(0)).doClick());
        ui.type("        int x = 1;\n");
        Thread.sleep(AssistantWindow.PAUSE_MILLIS * 4L);
        assertEquals("", UiRobot.onEdt(() -> window.editor().visibleGhost()));
        assertTrue(window.statusText().endsWith("completion off"), window.statusText());
    }

    @Test
    void aCorruptModelOpenedFromTheMenuShowsAnErrorDialog() throws Exception {
        Path bad = Path.of("target", "ui-test", "corrupt.gguf").toAbsolutePath();
        Files.createDirectories(bad.getParent());
        Files.write(bad, "GGUF\3\0\0\0 this is not a model".getBytes());
        ui.pressWithCtrl(KeyEvent.VK_O);
        // keys go where the focus is: a dialog that shows may not have it yet
        UiRobot.await("the file chooser, focused", 30_000, () -> Arrays.stream(Window.getWindows())
                .anyMatch(w -> w.isShowing() && w instanceof JDialog d && containsChooser(d) && focusOwner() instanceof JTextField f
                        && SwingUtilities.isDescendingFrom(f, d)));
        JTextField name = UiRobot.onEdt(() -> (JTextField) focusOwner());
        ui.type(bad.toString());
        UiRobot.await("the path typed into the chooser", 30_000, () -> name.getText().equals(bad.toString()));
        ui.press(KeyEvent.VK_ENTER);
        UiRobot.await("an error dialog naming the file, focused", 30_000, () -> Arrays.stream(Window.getWindows())
                .anyMatch(w -> w.isShowing() && w instanceof JDialog d && errorText(d).contains("corrupt.gguf")
                        && focusOwner() != null && SwingUtilities.isDescendingFrom(focusOwner(), d)));
        JDialog dialog = UiRobot.onEdt(() -> (JDialog) Arrays.stream(Window.getWindows())
                .filter(w -> w.isShowing() && w instanceof JDialog d && !errorText(d).isEmpty()).findFirst().orElseThrow());
        ui.screenshot(dialog, "swing-assistant-corrupt-model");
        ui.press(KeyEvent.VK_ENTER);
        UiRobot.await("the dialog closed", 30_000, () -> !dialog.isShowing());
        assertNotNull(window.engine(), "the model already open stays open");
    }

    private static java.awt.Component focusOwner() {
        return java.awt.KeyboardFocusManager.getCurrentKeyboardFocusManager().getFocusOwner();
    }

    private static boolean containsChooser(java.awt.Container c) {
        for (var child : c.getComponents()) {
            if (child instanceof JFileChooser) return true;
            if (child instanceof java.awt.Container cc && containsChooser(cc)) return true;
        }
        return false;
    }

    private static String errorText(java.awt.Container c) {
        for (var child : c.getComponents()) {
            if (child instanceof JOptionPane p && p.getMessageType() == JOptionPane.ERROR_MESSAGE) return String.valueOf(p.getMessage());
            if (child instanceof java.awt.Container cc) {
                String s = errorText(cc);
                if (!s.isEmpty()) return s;
            }
        }
        return "";
    }
}
