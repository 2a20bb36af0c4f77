package dev.quire.index;

import java.io.IOException;
import java.util.Objects;
import java.util.Set;

/** A {@link DocumentWriter} whose pages are staged in the page store until commit. */
final class StagedDocumentWriter implements DocumentWriter {
  private final PageCommitter committer;
  private final DocumentRecord document;
  private final ModelStamp model;
  private PageStore.StagingEntry staging;
  private boolean done;

  StagedDocumentWriter(
      PageCommitter committer, DocumentRecord document, ModelStamp model, PageStore.StagingEntry staging) {
    this.committer = committer;
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
    staging = committer.stagePage(document, model, staging, page);
  }

  @Override
  public synchronized void commit() throws IOException {
    checkOpen();
    committer.commitDocument(document, staging);
    done = true;
    committer.release(document.documentId());
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
      committer.release(document.documentId());
    }
  }
}
