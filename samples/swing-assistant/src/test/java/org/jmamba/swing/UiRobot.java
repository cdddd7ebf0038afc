package org.jmamba.swing;

import static org.junit.jupiter.api.Assertions.fail;

import java.awt.AWTException;
import java.awt.Component;
import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.event.KeyEvent;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import javax.imageio.ImageIO;
import javax.swing.SwingUtilities;

/** Drives real windows as a user would: key presses through java.awt.Robot, screenshots to target/. */
final class UiRobot {
    final Robot robot;

    UiRobot() {
        try {
            robot = new Robot();
        } catch (AWTException e) {
            throw new IllegalStateException("no robot on this display", e);
        }
        robot.setAutoDelay(15);
    }

    void type(String text) {
        for (char c : text.toCharArray()) {
            boolean shift = Character.isUpperCase(c) || "(){}_+\"<>?:!%&*".indexOf(c) >= 0;
            int code = switch (c) {
                case ' ' -> KeyEvent.VK_SPACE;
                case '\n' -> KeyEvent.VK_ENTER;
                case '(' -> KeyEvent.VK_9;
                case ')' -> KeyEvent.VK_0;
                case '{' -> KeyEvent.VK_OPEN_BRACKET;
                case '}' -> KeyEvent.VK_CLOSE_BRACKET;
                case ';' -> KeyEvent.VK_SEMICOLON;
                case ',' -> KeyEvent.VK_COMMA;
                case '.' -> KeyEvent.VK_PERIOD;
                case '=' -> KeyEvent.VK_EQUALS;
                case '%' -> KeyEvent.VK_5;
                case '/' -> KeyEvent.VK_SLASH;
                case '-' -> KeyEvent.VK_MINUS;
                default -> {
                    if (Character.isLetterOrDigit(c) && c < 128) yield Character.toUpperCase(c);
                    throw new IllegalArgumentException("no key for " + c);
                }
            };
            if (shift) robot.keyPress(KeyEvent.VK_SHIFT);
            robot.keyPress(code);
            robot.keyRelease(code);
            if (shift) robot.keyRelease(KeyEvent.VK_SHIFT);
        }
        robot.waitForIdle();
    }

    void click(Component c) {
        Rectangle r = onEdt(() -> new Rectangle(c.getLocationOnScreen(), c.getSize()));
        robot.mouseMove(r.x + r.width / 2, r.y + Math.min(r.height / 2, 40));
        robot.mousePress(java.awt.event.InputEvent.BUTTON1_DOWN_MASK);
        robot.mouseRelease(java.awt.event.InputEvent.BUTTON1_DOWN_MASK);
        robot.waitForIdle();
    }

    void press(int key) {
        robot.keyPress(key);
        robot.keyRelease(key);
        robot.waitForIdle();
    }

    void pressWithCtrl(int key) {
        robot.keyPress(KeyEvent.VK_CONTROL);
        robot.keyPress(key);
        robot.keyRelease(key);
        robot.keyRelease(KeyEvent.VK_CONTROL);
        robot.waitForIdle();
    }

    /** Waits (polling on the event thread) until the condition holds; fails with what after the bound. */
    static void await(String what, long millis, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000;
        while (System.nanoTime() < end) {
            if (onEdt(condition::getAsBoolean)) return;
            Thread.sleep(20);
        }
        fail("not seen within " + millis + " ms: " + what);
    }

    static <T> T onEdt(Callable<T> c) {
        AtomicReference<T> r = new AtomicReference<>();
        AtomicReference<Exception> err = new AtomicReference<>();
        try {
            SwingUtilities.invokeAndWait(() -> {
                try {
                    r.set(c.call());
                } catch (Exception e) {
                    err.set(e);
                }
            });
        } catch (InterruptedException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
        if (err.get() != null) throw new IllegalStateException(err.get());
        return r.get();
    }

    /** Saves what the screen shows of the component to target/screenshots/NAME.png. */
    Path screenshot(Component c, String name) {
        Rectangle r = onEdt(() -> new Rectangle(c.getLocationOnScreen(), c.getSize()));
        BufferedImage img = robot.createScreenCapture(r);
        try {
            Path dir = Path.of("target", "screenshots");
            Files.createDirectories(dir);
            Path out = dir.resolve(name + ".png");
            ImageIO.write(img, "png", out.toFile());
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
