package dev.quire.indexing;

import dev.quire.datasets.SourceInfo;
import java.nio.file.Path;

/** Progress of an indexing job, for progress bars and logs. Every method defaults to nothing. */
public interface IndexListener {

  IndexListener NONE = new IndexListener() {};

  /** The documents to go through, before any is read; -1 when not known in advance. */
  default void started(int documents) {}

  /** A document is about to be read; {@code pages} is its page count. */
  default void documentStarted(SourceInfo source, int pages) {}

  /** One page is durable in the index (staged until its document commits). */
  default void pageIndexed(SourceInfo source, int pageNumber) {}

  /** A document is done: indexed, unchanged or skipped (not called for one a cancel stopped). */
  default void documentFinished(Path file, IndexReport.Outcome outcome) {}

  /**
   * Polled between pages: true stops the job. Pages already stored stay staged, so running
   * the job again resumes where it stopped.
   */
  default boolean cancelled() {
    return false;
  }
}
