package dev.quire.index;

import dev.quire.index.PageStore.DocumentEntry;
import dev.quire.index.PageStore.Meta;
import dev.quire.index.PageStore.PageRow;
import dev.quire.index.PageStore.StagingEntry;
import dev.quire.index.PageStore.Tx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything that changes the index: staging pages, committing a document, deleting, adding text
 * vectors, and recovering at open. The page store is written first, in one transaction that
 * appends to the change log; the text index then follows the log (and catches up at the next
 * commit or open if it could not).
 *
 * <p>Writes to one document are serialised by claiming its id: one open writer per document.
 */
final class PageCommitter {
  private static final Logger LOG = LoggerFactory.getLogger(PageCommitter.class);

  /** LMDB keys are at most 511 bytes. */
  static final int MAX_DOCUMENT_ID_BYTES = 500;

  private static final int MAX_TEXT_SOURCE_BYTES = 1000;

  private final IndexConfig config;
  private final Path directory;
  private final PageStore store;
  private final TextIndex text;
  private final PageImages images;
  private final IndexManifest manifest;
  private final Lifecycle lifecycle;
  private final AtomicLong nextPageId = new AtomicLong();
  private final Set<String> busyDocuments = ConcurrentHashMap.newKeySet();

  PageCommitter(
      IndexConfig config,
      Path directory,
      PageStore store,
      TextIndex text,
      PageImages images,
      IndexManifest manifest,
      Lifecycle lifecycle) {
    this.config = config;
    this.directory = directory;
    this.store = store;
    this.text = text;
    this.images = images;
    this.manifest = manifest;
    this.lifecycle = lifecycle;
  }

  /**
   * Discards staging nobody resumed in time, removes image files no page refers to, and brings
   * Lucene up to the change log.
   */
  void recover() throws IOException {
    long cutoff = System.currentTimeMillis() - config.stagingMaxAge().toMillis();
    List<String> discarded =
        store.write(
            tx -> {
              List<String> files = new ArrayList<>();
              for (StagingEntry staging : tx.stagings()) {
                if (staging.updatedAtMillis() < cutoff) {
                  LOG.info(
                      "discarding {} staged pages of '{}', untouched since {}",
                      staging.pages().size(),
                      staging.documentId(),
                      Instant.ofEpochMilli(staging.updatedAtMillis()));
                  files.addAll(discardStaging(tx, staging));
                }
              }
              return files;
            });
    deleteImages(discarded);
    int orphans = store.read(tx -> images.removeOrphans(tx::pageExists));
    if (orphans > 0) {
      LOG.info("removed {} orphaned image files from {}", orphans, directory);
    }
    nextPageId.set(Math.max(1L, store.read(tx -> tx.counter(Meta.NEXT_PAGE_ID))));

    text.recover(store);
  }

  private void updateText(String documentId) throws IOException {
    try {
      text.follow(store);
    } catch (IOException | RuntimeException e) {
      throw new IOException(
          "document '"
              + documentId
              + "' is committed in the page store of "
              + directory
              + " but the text index could not follow; it is retried at the next commit and when"
              + " the index is opened",
          e);
    }
  }

  /** Deletes the pages of a staging entry; returns their image files. */
  private static List<String> discardStaging(Tx tx, StagingEntry staging) {
    List<String> files =
        deletePages(tx, staging.pages().values().stream().mapToLong(Long::longValue).toArray());
    tx.deleteStaging(staging.documentId());
    return files;
  }

  private void deleteImages(List<String> files) throws IOException {
    for (String file : files) {
      images.delete(file);
    }
  }

  /** See {@link PageIndex#addTextVectors}. */
  int addTextVectors(String documentId, Map<Long, TextVectors> vectors) throws IOException {
    if (vectors.isEmpty()) {
      return 0;
    }
    Lock lock = lifecycle.enter();
    try {
      for (TextVectors v : vectors.values()) {
        manifest.stampTextModel(v.model());
      }
      int added = store.write(tx -> {
        DocumentEntry entry = tx.document(documentId);
        if (entry == null) {
          return 0;
        }
        Set<Long> pages = new HashSet<>();
        for (long pageId : entry.pageIds()) {
          pages.add(pageId);
        }
        int n = 0;
        for (Map.Entry<Long, TextVectors> v : vectors.entrySet()) {
          if (pages.contains(v.getKey()) && tx.textVectors(v.getKey()) == null) {
            tx.putTextVectors(v.getKey(), v.getValue());
            n++;
          }
        }
        if (n > 0) {
          tx.appendChange(documentId);
        }
        return n;
      });
      if (added > 0) {
        updateText(documentId);
      }
      return added;
    } finally {
      lock.unlock();
    }
  }

  /** See {@link PageIndex#write}. */
  DocumentWriter write(DocumentRecord document, ModelStamp model) throws IOException {
    Objects.requireNonNull(document, "document");
    String id = document.documentId();
    checkDocumentId(id);
    Lock lock = lifecycle.enter();
    try {
      if (model != null) {
        manifest.checkModel(model);
      }
      claim(id);
      try {
        long now = System.currentTimeMillis();
        record Start(StagingEntry staging, List<String> discardedImages) {}
        Start start =
            store.write(
                tx -> {
                  StagingEntry existing = tx.staging(id);
                  if (existing != null && existing.resumableBy(document.contentHash(), model)) {
                    return new Start(existing, List.of());
                  }
                  List<String> discarded =
                      existing == null ? List.of() : discardStaging(tx, existing);
                  long generation = tx.counter(Meta.NEXT_GENERATION) + 1;
                  tx.setCounter(Meta.NEXT_GENERATION, generation);
                  StagingEntry fresh =
                      new StagingEntry(
                          id, document.contentHash(), model, generation, now, now, new TreeMap<>());
                  tx.putStaging(fresh);
                  return new Start(fresh, discarded);
                });
        deleteImages(start.discardedImages());
        return new StagedDocumentWriter(this, document, model, start.staging());
      } catch (IOException | RuntimeException e) {
        busyDocuments.remove(id);
        throw e;
      }
    } finally {
      lock.unlock();
    }
  }

  private void claim(String documentId) {
    if (!busyDocuments.add(documentId)) {
      throw new DocumentBusyException(
          "document '" + documentId + "' already has an open writer in index " + directory);
    }
  }

  /** Ends the claim of a writer on its document (called by {@link StagedDocumentWriter}). */
  void release(String documentId) {
    busyDocuments.remove(documentId);
  }

  private static void checkDocumentId(String documentId) {
    int bytes = documentId.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_DOCUMENT_ID_BYTES) {
      throw new IllegalArgumentException(
          "document id '"
              + documentId.substring(0, 40)
              + "…' is "
              + bytes
              + " bytes in UTF-8; at most "
              + MAX_DOCUMENT_ID_BYTES
              + " are allowed");
    }
  }

  /** Stages one page durably (called by {@link StagedDocumentWriter}). */
  StagingEntry stagePage(
      DocumentRecord document, ModelStamp model, StagingEntry staging, PageRecord page)
      throws IOException {
    String id = document.documentId();
    if (page.pageNumber() < 1 || page.pageNumber() > document.pageCount()) {
      throw new IllegalArgumentException(
          "document '" + id + "' has pages 1.." + document.pageCount() + ", not page "
              + page.pageNumber());
    }
    PageVectors vectors = page.vectors();
    if (vectors != null) {
      if (model == null) {
        throw new IllegalArgumentException(
            "document '"
                + id
                + "' page "
                + page.pageNumber()
                + " carries vectors, but its writer was opened without a model (text only)");
      }
      if (vectors.dim() != model.dimension()) {
        throw new IllegalArgumentException(
            "document '"
                + id
                + "' page "
                + page.pageNumber()
                + " has vectors of dimension "
                + vectors.dim()
                + " but model "
                + model
                + " has dimension "
                + model.dimension());
      }
    }
    if (page.textSource().getBytes(StandardCharsets.UTF_8).length > MAX_TEXT_SOURCE_BYTES) {
      throw new IllegalArgumentException(
          "document '" + id + "' page " + page.pageNumber() + ": textSource is too long");
    }
    Lock lock = lifecycle.enter();
    try {
      if (vectors != null) {
        manifest.stampModel(model);
      }
      if (page.textVectors() != null) {
        manifest.stampTextModel(page.textVectors().model());
      }
      long pageId = nextPageId.getAndIncrement();
      String imageFile = page.image() == null ? null : images.write(pageId, page.image());
      PageRow row =
          new PageRow(
              id,
              page.pageNumber(),
              vectors == null ? 0 : vectors.tokens(),
              vectors == null ? 0 : vectors.dim(),
              vectors != null,
              page.textSource(),
              imageFile);
      long now = System.currentTimeMillis();
      record Staged(StagingEntry staging, String replacedImage) {}
      Staged staged;
      try {
        staged =
            store.write(
                tx -> {
                  StagingEntry current = currentStaging(tx, staging);
                  String replacedImage = null;
                  Long replaced = current.pages().get(page.pageNumber());
                  if (replaced != null) {
                    PageRow old = tx.deletePage(replaced);
                    replacedImage = old == null ? null : old.imageFile();
                  }
                  tx.putPage(pageId, row, page.text(), vectors, page.textVectors());
                  StagingEntry next = current.withPage(page.pageNumber(), pageId, now);
                  tx.putStaging(next);
                  if (tx.counter(Meta.NEXT_PAGE_ID) <= pageId) {
                    tx.setCounter(Meta.NEXT_PAGE_ID, pageId + 1);
                  }
                  return new Staged(next, replacedImage);
                });
      } catch (IOException | RuntimeException e) {
        if (imageFile != null) {
          try {
            images.delete(imageFile);
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
        }
        throw e;
      }
      if (staged.replacedImage() != null) {
        images.delete(staged.replacedImage());
      }
      return staged.staging();
    } finally {
      lock.unlock();
    }
  }

  private static StagingEntry currentStaging(Tx tx, StagingEntry expected) throws IOException {
    StagingEntry current = tx.staging(expected.documentId());
    if (current == null || current.generation() != expected.generation()) {
      throw new IllegalStateException(
          "the staged pages of document '"
              + expected.documentId()
              + "' were discarded while its writer was open");
    }
    return current;
  }

  /** Makes the staged pages visible (called by {@link StagedDocumentWriter}). */
  void commitDocument(DocumentRecord document, StagingEntry staging) throws IOException {
    String id = document.documentId();
    Lock lock = lifecycle.enter();
    try {
      record Committed(long sequence, List<String> removedImages) {}
      long textDurable = text.committedSequence();
      Committed committed =
          store.write(
              tx -> {
                StagingEntry current = currentStaging(tx, staging);
                List<String> removedImages = new ArrayList<>();
                long vectorPages = tx.counter(Meta.VECTOR_PAGES);
                DocumentEntry old = tx.document(id);
                if (old != null) {
                  removedImages.addAll(deletePages(tx, old.pageIds()));
                  vectorPages -= old.vectorPages();
                }
                int count = current.pages().size();
                int[] numbers = new int[count];
                long[] ids = new long[count];
                int withVectors = 0;
                int i = 0;
                for (var staged : current.pages().entrySet()) {
                  PageRow row = tx.page(staged.getValue());
                  if (row == null) {
                    throw new IllegalStateException(
                        "staged page " + staged.getKey() + " of document '" + id + "' is missing");
                  }
                  tx.setLive(staged.getValue(), row.hasVectors());
                  withVectors += row.hasVectors() ? 1 : 0;
                  numbers[i] = staged.getKey();
                  ids[i] = staged.getValue();
                  i++;
                }
                tx.putDocument(DocumentEntry.of(document, numbers, ids, withVectors));
                tx.deleteStaging(id);
                tx.setCounter(Meta.VECTOR_PAGES, vectorPages + withVectors);
                long sequence = tx.appendChange(id);
                tx.pruneChanges(textDurable);
                return new Committed(sequence, removedImages);
              });
      LOG.debug("committed '{}' at sequence {}", id, committed.sequence());
      deleteImages(committed.removedImages());
      updateText(id);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Deletes pages (a document's visible ones, or a staging entry's) in the given order; returns the
   * image files of those that had one.
   */
  private static List<String> deletePages(Tx tx, long[] pageIds) {
    List<String> files = new ArrayList<>();
    for (long pageId : pageIds) {
      PageRow row = tx.deletePage(pageId);
      if (row != null && row.imageFile() != null) {
        files.add(row.imageFile());
      }
    }
    return files;
  }

  /** See {@link PageIndex#deleteDocument}. */
  boolean deleteDocument(String documentId) throws IOException {
    Objects.requireNonNull(documentId, "documentId");
    Lock lock = lifecycle.enter();
    try {
      claim(documentId);
      try {
        record Deleted(boolean existed, List<String> removedImages) {}
        long textDurable = text.committedSequence();
        Deleted deleted =
            store.write(
                tx -> {
                  List<String> files = new ArrayList<>();
                  StagingEntry staging = tx.staging(documentId);
                  if (staging != null) {
                    files.addAll(discardStaging(tx, staging));
                  }
                  DocumentEntry old = tx.document(documentId);
                  if (old != null) {
                    files.addAll(deletePages(tx, old.pageIds()));
                    tx.deleteDocument(documentId);
                    tx.setCounter(
                        Meta.VECTOR_PAGES, tx.counter(Meta.VECTOR_PAGES) - old.vectorPages());
                    tx.appendChange(documentId);
                    tx.pruneChanges(textDurable);
                  }
                  return new Deleted(old != null, files);
                });
        deleteImages(deleted.removedImages());
        if (deleted.existed()) {
          updateText(documentId);
        }
        return deleted.existed();
      } finally {
        release(documentId);
      }
    } finally {
      lock.unlock();
    }
  }

  /** See {@link PageIndex#discardStaged}. */
  boolean discardStaged(String documentId) throws IOException {
    Objects.requireNonNull(documentId, "documentId");
    Lock lock = lifecycle.enter();
    try {
      claim(documentId);
      try {
        List<String> files =
            store.write(
                tx -> {
                  StagingEntry staging = tx.staging(documentId);
                  return staging == null ? null : discardStaging(tx, staging);
                });
        if (files == null) {
          return false;
        }
        deleteImages(files);
        return true;
      } finally {
        release(documentId);
      }
    } finally {
      lock.unlock();
    }
  }
}
