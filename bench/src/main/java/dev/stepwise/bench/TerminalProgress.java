package dev.stepwise.bench;

import java.io.PrintWriter;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;

/** A progress bar per phase on the terminal's error stream (the CLI's writer), drawn by the progressbar library. */
final class TerminalProgress implements Progress {

    private static final int WIDTH = 100;

    private final PrintWriter err;
    private ProgressBar bar;

    TerminalProgress(final PrintWriter err) {
        this.err = err;
    }

    @Override
    public synchronized void phase(final String name, final long total) {
        closeBar();
        bar = new ProgressBarBuilder().setTaskName(name).setInitialMax(total).setUpdateIntervalMillis(500)
                .setConsumer(new DelegatingProgressBarConsumer(line -> {
                    err.print('\r');
                    err.print(line);
                    err.flush();
                }, WIDTH)).build();
    }

    @Override
    public void step() {
        final ProgressBar current;
        synchronized (this) {
            current = bar;
        }
        if (current != null) {
            current.step();
        }
    }

    @Override
    public synchronized void close() {
        closeBar();
    }

    private void closeBar() {
        if (bar != null) {
            bar.close();
            err.println();
            err.flush();
            bar = null;
        }
    }
}
