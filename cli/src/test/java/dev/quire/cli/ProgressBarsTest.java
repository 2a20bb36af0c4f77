package dev.quire.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import me.tongfei.progressbar.ProgressBar;
import org.junit.jupiter.api.Test;

class ProgressBarsTest {

  @Test
  void offATerminalTheBarIsPlainLinesNotRedraws() {
    PrintStream saved = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try (ProgressBar bar = ProgressBars.builder("Indexing", 1000, " files", false).build()) {
      for (int i = 0; i < 1000; i++) {
        bar.step();
      }
    } finally {
      System.setErr(saved);
    }
    String out = captured.toString(StandardCharsets.UTF_8);
    assertThat(out).doesNotContain("\r").contains("Indexing 100%").contains("1000/1000 files");
    // the start and the end (a 30-second interval passes no other line in a fast run)
    assertThat(out.lines().count()).isBetween(1L, 3L);
  }
}
