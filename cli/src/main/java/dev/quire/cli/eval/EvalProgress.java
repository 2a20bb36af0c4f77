package dev.quire.cli.eval;

import dev.quire.datasets.SourceInfo;
import dev.quire.evaluation.benchmark.EvalListener;
import dev.quire.indexing.IndexListener;
import dev.quire.indexing.IndexReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;

/** Progress bars on the terminal's error stream: pages indexed, then searches done. */
final class EvalProgress implements EvalListener, AutoCloseable {

  private final boolean quiet;
  private final PrintWriter err;
  private ProgressBar bar;

  EvalProgress(boolean quiet, PrintWriter err) {
    this.quiet = quiet;
    this.err = err;
  }

  @Override
  public IndexListener indexing(String benchmark) {
    return new IndexListener() {
      private int pages;

      @Override
      public void started(int documents) {
        start("Indexing " + benchmark, documents, " docs");
      }

      @Override
      public void pageIndexed(SourceInfo source, int pageNumber) {
        pages++;
        if (bar != null) {
          bar.setExtraMessage(pages + " pages");
        }
      }

      @Override
      public void documentFinished(Path file, IndexReport.Outcome outcome) {
        if (bar != null) {
          bar.step();
        }
      }
    };
  }

  @Override
  public void searching(String benchmark, int searches) {
    close();
    start("Searching " + benchmark, searches, " searches");
  }

  @Override
  public void searched(String variant) {
    if (bar != null) {
      bar.setExtraMessage(variant);
      bar.step();
    }
  }

  @Override
  public void searchingDone() {
    close();
  }

  @Override
  public void message(String line) {
    if (!quiet) {
      close();
      err.println(line);
      err.flush();
    }
  }

  private void start(String task, int total, String unit) {
    close();
    if (quiet) {
      return;
    }
    bar = dev.quire.cli.ProgressBars.builder(task, Math.max(total, -1), unit).build();
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
