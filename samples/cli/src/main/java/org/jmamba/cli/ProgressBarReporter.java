package org.jmamba.cli;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import org.jmamba.quantize.Progress;

/** Quantize and convert progress on stderr: bytes done, speed, ETA, and the tensor being written. */
final class ProgressBarReporter implements Progress {
    private ProgressBar bar;
    private int tensors;

    @Override
    public void start(String what, int tensors, long totalBytes) {
        this.tensors = tensors;
        bar = new ProgressBarBuilder()
                .setTaskName(what)
                .setInitialMax(Math.max(1, totalBytes))
                .setUnit(" MiB", 1 << 20)
                .showSpeed()
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(System.err))
                .build();
    }

    @Override
    public void tensor(int index, String name) {
        if (bar != null) bar.setExtraMessage(" tensor " + (index + 1) + "/" + tensors + " " + name);
    }

    @Override
    public void advance(long doneBytes) {
        if (bar != null) bar.stepTo(doneBytes);
    }

    @Override
    public void finish() {
        if (bar != null) {
            bar.close();
            bar = null;
        }
    }
}
