package org.jmamba.fx;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import javafx.application.Platform;
import javafx.scene.Node;
import javafx.scene.control.Button;
import javafx.scene.control.Slider;
import javafx.scene.control.Spinner;
import javafx.scene.input.Clipboard;
import javafx.scene.layout.VBox;
import javafx.stage.Stage;
import org.jmamba.Model;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testfx.api.FxRobot;
import org.testfx.framework.junit5.ApplicationExtension;
import org.testfx.framework.junit5.Start;
import org.testfx.util.WaitForAsyncUtils;

/** The chat in a real window (Xvfb in the test script), driven with TestFX's robot. */
@ExtendWith(ApplicationExtension.class)
@EnabledIfEnvironmentVariable(named = "DISPLAY", matches = ".+",
        disabledReason = "no display: the window tests need an X display (scripts/test.sh starts Xvfb, or run under xvfb-run)")
class ChatWindowTest {
    @TempDir
    static Path data;
    private ChatWindow window;

    @Start
    void start(Stage stage) throws Exception {
        // greedy replies of this model run until stopped or cut at the reply length (256 by default)
        window = new ChatWindow(stage, Model.load(FxTestSupport.modelThatNeverEnds()), new ConversationStore(data));
        stage.show();
    }

    @AfterEach
    void closeWindow() throws Exception {
        WaitForAsyncUtils.asyncFx(() -> {
            window.close();
            window.stage().close();
        }).get(30, TimeUnit.SECONDS);
    }

    private VBox lastMessage() {
        var children = window.messageList().getChildren();
        return (VBox) children.get(children.size() - 1);
    }

    private void awaitReady() throws Exception {
        FxTestSupport.await("the conversation opened", 60, () -> window.session() != null);
    }

    /** Types and sends a message once Send is enabled (the last reply saved): a click on a disabled button is lost. */
    private void send(FxRobot robot, String text) throws Exception {
        FxTestSupport.await("Send enabled", 60, () -> !robot.lookup("#send").queryButton().isDisabled());
        robot.clickOn("#input").write(text);
        robot.clickOn("#send");
    }

    @Test
    void aMessageGetsAStreamedReplyAndIsSaved(FxRobot robot) throws Exception {
        awaitReady();
        send(robot, "Write a gcd function in Java");
        FxTestSupport.await("the reply", 60, () -> window.running() == null && window.messageList().getChildren().size() == 2);
        String reply = FxTestSupport.onFx(() -> FxTestSupport.text(lastMessage()));
        assertTrue(reply.startsWith("Assistant") && reply.length() > "Assistant\n".length(), reply);
        FxTestSupport.save(robot.capture(window.stage().getScene().getRoot()).getImage(), "javafx-chat-reply");
        WaitForAsyncUtils.waitFor(30, TimeUnit.SECONDS, () -> {
            try (var dirs = Files.list(data)) {
                return dirs.anyMatch(d -> Files.isRegularFile(d.resolve(ConversationStore.STATE)));
            }
        });
    }

    @Test
    void stopEndsTheReplyAndTheSessionGoesOn(FxRobot robot) throws Exception {
        awaitReady();
        robot.interact(() -> {
            @SuppressWarnings("unchecked")
            Spinner<Integer> max = (Spinner<Integer>) robot.lookup("#max-tokens").query();
            max.getValueFactory().setValue(1_000_000);
            ((Slider) robot.lookup("#temperature").query()).setValue(0); // greedy: only Stop ends this reply
        });
        int before = FxTestSupport.onFx(() -> window.messageList().getChildren().size());
        send(robot, "Tell me a long story");
        FxTestSupport.await("the reply under way", 60, () -> window.messageList().getChildren().size() == before + 2
                && FxTestSupport.text(lastMessage()).length() > 40 || window.running() == null);
        var running = FxTestSupport.onFx(window::running);
        if (running == null) fail("the reply ended by itself: " + FxTestSupport.onFx(window::statusText));
        robot.clickOn("#stop");
        FxTestSupport.await("the reply ended after Stop", 60, () -> window.running() == null);
        String status = FxTestSupport.onFx(window::statusText);
        assertTrue(status.contains("stopped"), status);
        assertTrue(running.cancelAndAwait(5_000), "the generation thread is still alive after Stop");
        long position = FxTestSupport.onFx(() -> window.session().position());
        robot.interact(() -> {
            @SuppressWarnings("unchecked")
            Spinner<Integer> max = (Spinner<Integer>) robot.lookup("#max-tokens").query();
            max.getValueFactory().setValue(8);
        });
        send(robot, "And now?");
        FxTestSupport.await("the next reply", 60, () -> window.running() == null && !((Button) robot.lookup("#send").query()).isDisabled());
        assertTrue(FxTestSupport.onFx(() -> window.session().position()) > position, "the session went on after the stopped reply");
    }

    @Test
    void codeBlocksRenderWithACopyButton(FxRobot robot) throws Exception {
        String code = "int gcd(int a, int b) {\n    return b == 0 ? a : gcd(b, a % b);\n}";
        robot.interact(() -> window.messageList().getChildren().add(MarkdownView.render(
                "Here is **one** way:\n\n```java\n" + code + "\n```\n\nIt uses `%`.")));
        Node copy = robot.lookup(".copy-code").query();
        robot.clickOn(copy);
        String clip = WaitForAsyncUtils.asyncFx(() -> Clipboard.getSystemClipboard().getString()).get(5, TimeUnit.SECONDS);
        assertEquals(code, clip);
        assertEquals("Copied", ((Button) copy).getText());
        FxTestSupport.save(robot.capture(window.stage().getScene().getRoot()).getImage(), "javafx-chat-code-block");
    }
}
