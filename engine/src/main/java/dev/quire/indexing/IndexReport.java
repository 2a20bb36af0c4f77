package dev.quire.indexing;

import java.nio.file.Path;
import java.util.List;

/**
 * What an indexing job did.
 *
 * @param indexed documents whose pages were (re)indexed in this run
 * @param unchanged documents already in the index with the same content (nothing done)
 * @param skipped files or pages that could not be indexed, with the reason
 * @param pagesIndexed pages written in this run (resumed pages included)
 * @param pagesResumed pages found already staged by an interrupted earlier run and not redone
 * @param pagesEmbedded pages that got a multi-vector embedding
 * @param pagesWithoutText pages with neither a text layer nor OCR text (image-only in BM25)
 * @param notes things the user should know, e.g. that no model was given
 * @param cancelled the job was stopped before it went through every document
 */
public record IndexReport(
    List<String> indexed,
    List<String> unchanged,
    List<Skipped> skipped,
    int pagesIndexed,
    int pagesResumed,
    int pagesEmbedded,
    int pagesWithoutText,
    List<String> notes,
    boolean cancelled,
    double seconds) {

  public IndexReport {
    indexed = List.copyOf(indexed);
    unchanged = List.copyOf(unchanged);
    skipped = List.copyOf(skipped);
    notes = List.copyOf(notes);
  }

  /** How one file ended. */
  public enum Outcome {
    INDEXED,
    UNCHANGED,
    SKIPPED
  }

  /**
   * A file, or one page of it ({@code page > 0}), that was not indexed.
   *
   * @param reason a stable code, e.g. ENCRYPTED, CORRUPT, UNKNOWN_TYPE
   */
  public record Skipped(Path file, int page, String reason, String message) {
    @Override
    public String toString() {
      return file + (page > 0 ? " page " + page : "") + ": " + reason + " (" + message + ")";
    }
  }
}
