package dev.quire.index;

import java.io.IOException;
import java.util.Set;

/**
 * Stages the pages of one document, then makes them visible at once.
 *
 * <p>Pages are durable as soon as {@link #addPage} returns, but stay invisible until {@link
 * #commit}. Closing without committing abandons the writer and keeps the staged pages: a later
 * writer for the same document id, content hash and model sees them in {@link #stagedPages} and
 * skips them. Committing replaces the pages of an earlier version of the document.
 */
public interface DocumentWriter extends AutoCloseable {

  /** Page numbers already durable from an interrupted earlier run of the same document. */
  Set<Integer> stagedPages();

  /**
   * Stores one page durably; a page number staged before is replaced. Page numbers run from 1 to
   * the document's page count.
   */
  void addPage(PageRecord page) throws IOException;

  /**
   * Makes the staged pages visible in one atomic step, replacing the previous version of the
   * document, and is durable on return. Pages that were never added (a page that could not be
   * rendered, say) are simply absent from the committed document.
   */
  void commit() throws IOException;

  @Override
  void close();
}
