package dev.quire.index;

import java.io.IOException;
import java.util.Objects;
import java.util.Set;

/** A {@link DocumentWriter} whose pages are staged in the page store until commit. */
final class StagedDocumentWriter implements DocumentWriter {
  private final PageIndex index;
  private final DocumentRecord document;
  private final ModelStamp model;
  private PageStore.StagingEntry staging;
  private boolean done;

  StagedDocumentWriter(
      PageIndex index, DocumentRecord document, ModelStamp model, PageStore.StagingEntry staging) {
    this.index = index;
    this.document = document;
    this.model = model;
    this.staging = staging;
  }

  @Override
  public synchronized Set<Integer> stagedPages() {
    return Set.copyOf(staging.pages().keySet());
  }

  @Override
  public synchronized void addPage(PageRecord page) throws IOException {
    Objects.requireNonNull(page, "page");
    checkOpen();
    staging = index.stagePage(document, model, staging, page);
  }

  @Override
  public synchronized void commit() throws IOException {
    checkOpen();
    index.commitDocument(document, staging);
    done = true;
    index.release(document.documentId());
  }

  private void checkOpen() {
    if (done) {
      throw new IllegalStateException(
          "the writer of document '" + document.documentId() + "' is closed or committed");
    }
  }

  @Override
  public synchronized void close() {
    if (!done) {
      done = true;
      index.release(document.documentId());
    }
  }
}
