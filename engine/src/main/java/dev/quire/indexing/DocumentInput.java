package dev.quire.indexing;

import dev.quire.datasets.DocumentRejectedException;
import dev.quire.datasets.Page;
import dev.quire.datasets.SourceInfo;
import java.io.IOException;

/**
 * A document to index from any source: a file, a row of an evaluation dataset, an upload.
 *
 * @param source identity and provenance; {@code source.path()} is where it came from
 * @param pageCount pages 1..pageCount are requested from {@code pages}
 * @param pages renders or decodes page {@code n} on demand, so a long document is never held
 *     in memory whole
 */
public record DocumentInput(SourceInfo source, int pageCount, Pages pages) {

  public DocumentInput {
    if (pageCount < 0) {
      throw new IllegalArgumentException("page count must not be negative, got " + pageCount);
    }
  }

  /** Produces one page; a page that cannot be produced is rejected alone. */
  @FunctionalInterface
  public interface Pages {
    Page page(int number) throws DocumentRejectedException, IOException;
  }
}
