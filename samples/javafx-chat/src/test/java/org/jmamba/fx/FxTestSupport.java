package org.jmamba.fx;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import javafx.scene.Node;
import javafx.scene.image.Image;
import javax.imageio.ImageIO;
import org.jmamba.Model;
import org.jmamba.gguf.GgmlType;
import org.jmamba.gguf.GgufFile;
import org.jmamba.gguf.GgufTensorInfo;
import org.jmamba.testkit.RandomMamba2;

/** The test model and screenshots for the chat's tests. */
final class FxTestSupport {
    static final RandomMamba2.Shape SHAPE = new RandomMamba2.Shape(2048, 256, 4, 512, 32, 16, 1, 4, false);

    private FxTestSupport() {}

    static synchronized Path model() {
        try {
            Path p = Path.of("target", "ui-test", "random-q8_0.gguf").toAbsolutePath();
            Files.createDirectories(p.getParent());
            if (!Files.exists(p)) RandomMamba2.write(p, new RandomMamba2.Spec(SHAPE, GgmlType.Q8_0, 11));
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The test model with the output rows of its end-of-generation tokens zeroed: their logits are
     * exactly 0, below the largest of the 2048 random ones, so a greedy reply never ends by itself
     * and only Stop (or the length limit) ends it, however slow the machine.
     */
    static synchronized Path modelThatNeverEnds() {
        try {
            Path p = model().resolveSibling("random-q8_0-no-eog.gguf");
            if (Files.exists(p)) return p;
            Path tmp = Files.createTempFile(p.getParent(), "no-eog", ".tmp");
            Files.copy(model(), tmp, StandardCopyOption.REPLACE_EXISTING);
            int[] eog;
            try (Model m = Model.load(tmp)) {
                eog = m.tokenizer().eogIds();
            }
            long rowAt;
            long rowBytes;
            try (GgufFile f = GgufFile.open(tmp)) {
                GgufTensorInfo out = f.tensor("output.weight").orElseThrow();
                rowAt = f.dataOffset() + out.offset();
                rowBytes = out.type().rowBytes(out.shape()[0]);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                for (int id : eog) ch.write(ByteBuffer.allocate((int) rowBytes), rowAt + id * rowBytes);
            }
            Files.move(tmp, p, StandardCopyOption.ATOMIC_MOVE);
            return p;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes an image captured from the screen to target/screenshots/NAME.png. */
    static Path save(Image img, String name) {
        int w = (int) img.getWidth(), h = (int) img.getHeight();
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        var reader = img.getPixelReader();
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) out.setRGB(x, y, reader.getArgb(x, y));
        try {
            Path dir = Files.createDirectories(Path.of("target", "screenshots"));
            Path file = dir.resolve(name + ".png");
            ImageIO.write(out, "png", file.toFile());
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs c on the FX thread and returns its result (the scene graph is read there only). */
    static <T> T onFx(java.util.concurrent.Callable<T> c) throws Exception {
        return org.testfx.util.WaitForAsyncUtils.asyncFx(c).get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    /** Waits until the condition, checked on the FX thread, holds; fails naming what was awaited. */
    static void await(String what, long seconds, java.util.concurrent.Callable<Boolean> condition) throws Exception {
        long end = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(seconds);
        while (!onFx(condition)) {
            if (System.nanoTime() - end > 0) org.junit.jupiter.api.Assertions.fail("not seen within " + seconds + " s: " + what);
            Thread.sleep(20);
        }
    }

    static String text(Node n) {
        StringBuilder sb = new StringBuilder();
        collect(n, sb);
        return sb.toString();
    }

    private static void collect(Node n, StringBuilder sb) {
        if (n instanceof javafx.scene.text.Text t) sb.append(t.getText());
        else if (n instanceof javafx.scene.control.Labeled l) sb.append(l.getText()).append('\n');
        if (n instanceof javafx.scene.Parent p) for (Node c : p.getChildrenUnmodifiable()) collect(c, sb);
    }
}
