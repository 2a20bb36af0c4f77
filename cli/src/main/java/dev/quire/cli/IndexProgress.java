package dev.quire.cli;

import dev.quire.datasets.SourceInfo;
import dev.quire.indexing.IndexListener;
import dev.quire.indexing.IndexReport;
import java.nio.file.Path;
import me.tongfei.progressbar.ProgressBar;

/** A progress bar over files, with the current file and the pages done as its message. */
final class IndexProgress implements IndexListener, AutoCloseable {

  private final boolean quiet;
  private ProgressBar bar;
  private int pages;

  IndexProgress(boolean quiet) {
    this.quiet = quiet;
  }

  @Override
  public void started(int files) {
    if (quiet) {
      return;
    }
    bar =
        ProgressBars.builder("Indexing", files, " files").build();
  }

  @Override
  public void documentStarted(SourceInfo source, int pageCount) {
    if (bar != null) {
      bar.setExtraMessage(shortName(source.path()) + " (" + pageCount + " p.)");
    }
  }

  @Override
  public void pageIndexed(SourceInfo source, int pageNumber) {
    pages++;
    if (bar != null) {
      bar.setExtraMessage(shortName(source.path()) + " p." + pageNumber + " | " + pages + " pages");
    }
  }

  @Override
  public void documentFinished(Path file, IndexReport.Outcome outcome) {
    if (bar != null) {
      bar.step();
    }
  }

  private static String shortName(Path path) {
    String name = String.valueOf(path.getFileName());
    return name.length() <= 32 ? name : name.substring(0, 29) + "...";
  }

  @Override
  public void close() {
    if (bar != null) {
      bar.close();
      bar = null;
    }
  }
}
