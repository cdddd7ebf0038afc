package org.jmamba.embed;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.jmamba.Model;

/**
 * Loads a model on a background thread with progress. The file is read once from start to end
 * before {@link Model#load} maps it: a multi-GB file then comes into the page cache at disk speed
 * while the reader counts bytes, and the load that follows finds its pages resident. Progress goes
 * to {@code onProgress} on the caller's executor, at most every 50 ms.
 */
public final class ModelLoader {
    private static final int CHUNK = 4 << 20;
    private static final long REPORT_NANOS = 50_000_000L;

    private ModelLoader() {}

    /**
     * Starts loading {@code path} on a new daemon thread. The future completes with the model, or
     * exceptionally with what {@link Model#load} throws (an {@link IOException} or a
     * {@link org.jmamba.JmambaException}); cancelling the future stops the read, and a model
     * made after a cancel is closed.
     */
    public static CompletableFuture<Model> load(Path path, Model.Options options, Executor uiExecutor,
            Consumer<LoadProgress> onProgress) {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(options, "options");
        Objects.requireNonNull(uiExecutor, "uiExecutor");
        Objects.requireNonNull(onProgress, "onProgress");
        CompletableFuture<Model> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                Model m = readThenLoad(path, options, result, p -> uiExecutor.execute(() -> onProgress.accept(p)));
                if (m != null && !result.complete(m)) m.close();
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "jmamba-model-loader");
        t.setDaemon(true);
        t.start();
        return result;
    }

    private static Model readThenLoad(Path path, Model.Options options, CompletableFuture<Model> result,
            Consumer<LoadProgress> report) throws IOException {
        long total;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            total = ch.size();
            ByteBuffer buf = ByteBuffer.allocateDirect(CHUNK);
            long read = 0, lastReport = 0;
            report.accept(new LoadProgress(LoadProgress.Stage.READING, 0, total));
            while (read < total) {
                if (result.isDone()) return null;
                buf.clear();
                int n = ch.read(buf, read);
                if (n < 0) break;
                read += n;
                long now = System.nanoTime();
                if (now - lastReport >= REPORT_NANOS) {
                    lastReport = now;
                    report.accept(new LoadProgress(LoadProgress.Stage.READING, read, total));
                }
            }
            report.accept(new LoadProgress(LoadProgress.Stage.READING, read, total));
        }
        report.accept(new LoadProgress(LoadProgress.Stage.PREPARING, total, total));
        Model m = Model.load(path, options);
        report.accept(new LoadProgress(LoadProgress.Stage.DONE, total, total));
        return m;
    }
}
