package dev.quire.cli;

import java.io.Console;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * The CLI's progress bars: redrawn in place on a terminal; on a pipe or a file (CI logs, nohup) a
 * plain line every {@link #LINE_INTERVAL_MILLIS} instead, so the output is not a flood of redraws.
 */
public final class ProgressBars {

  public static final int LINE_INTERVAL_MILLIS = 30_000;
  private static final int LINE_WIDTH = 120;

  private ProgressBars() {}

  /** Whether the process talks to a terminal. */
  public static boolean terminal() {
    Console console = System.console();
    return console != null && console.isTerminal();
  }

  /** A bar for {@code max} steps of {@code unit} (e.g. " files"); -1 for an unknown total. */
  public static ProgressBarBuilder builder(String task, long max, String unit) {
    return builder(task, max, unit, terminal());
  }

  static ProgressBarBuilder builder(String task, long max, String unit, boolean terminal) {
    ProgressBarBuilder builder = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(max)
        .setUnit(unit, 1)
        .setStyle(ProgressBarStyle.ASCII);
    if (terminal) {
      return builder.setUpdateIntervalMillis(200).continuousUpdate();
    }
    return builder.setUpdateIntervalMillis(LINE_INTERVAL_MILLIS)
        .setConsumer(new DelegatingProgressBarConsumer(System.err::println, LINE_WIDTH));
  }
}
