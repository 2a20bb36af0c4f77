package dev.quire.index;

import dev.quire.index.PageStore.DocumentEntry;
import dev.quire.index.PageStore.Meta;
import dev.quire.index.PageStore.PageRow;
import dev.quire.index.PageStore.StagingEntry;
import dev.quire.index.PageStore.Tx;
import dev.quire.index.TextIndex.Match;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.apache.lucene.search.Query;
import org.apache.lucene.store.AlreadyClosedException;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.NativeFSLockFactory;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What is stored for retrieval: the LMDB page store (source of truth: page text, vectors, document
 * table), the Lucene BM25 index over page text, page images and the manifest.
 *
 * <p>One commit point: a document's pages are staged durably, then {@link DocumentWriter#commit}
 * makes them visible in one LMDB transaction that also appends to a change log; Lucene follows the
 * change log and its commits record how far they got, so opening the index replays what Lucene
 * missed. A kill at any instant leaves an index that opens, holds every acknowledged commit, shows
 * no half document, and resumes staged pages.
 *
 * <p>Thread-safe: any number of concurrent readers while writes are serialised. One process at a
 * time may open an index.
 */
public final class PageIndex implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(PageIndex.class);

  /** LMDB keys are at most 511 bytes. */
  static final int MAX_DOCUMENT_ID_BYTES = 500;

  private static final int MAX_TEXT_SOURCE_BYTES = 1000;
  /** Pages whose codes one reader warms before it is closed (a reader holds back map growth). */
  private static final int WARM_BATCH = 512;
  /** One read per memory page faults the page in. */
  private static final long WARM_STRIDE = 4096;

  private final IndexConfig config;
  private final Path directory;
  private final Directory rootDirectory;
  /** Held while open: one process at a time. */
  private final org.apache.lucene.store.Lock processLock;
  private final PageStore store;
  private final TextIndex text;
  private final PageImages images;
  private final AtomicLong nextPageId;
  private final Set<String> busyDocuments = ConcurrentHashMap.newKeySet();
  private final Object manifestLock = new Object();
  private volatile Manifest manifest;
  /** Where warmBinaryCodes leaves its checksum, so that its reads are not optimised away. */
  @SuppressWarnings("unused")
  private volatile long warmChecksum;

  /** Operations share it; close takes it alone. */
  private final ReentrantReadWriteLock lifecycle = new ReentrantReadWriteLock();

  private boolean closed;

  private PageIndex(
      IndexConfig config,
      Path directory,
      Directory rootDirectory,
      org.apache.lucene.store.Lock processLock,
      Manifest manifest,
      PageStore store,
      TextIndex text,
      PageImages images) {
    this.config = config;
    this.directory = directory;
    this.rootDirectory = rootDirectory;
    this.processLock = processLock;
    this.manifest = manifest;
    this.store = store;
    this.text = text;
    this.images = images;
    this.nextPageId = new AtomicLong();
  }

  /** Creates or opens the index, then recovers from any interruption. */
  public static PageIndex open(IndexConfig config) throws IOException {
    Path directory = config.directory().toAbsolutePath();
    Files.createDirectories(directory);
    List<Closeable> opened = new ArrayList<>();
    try {
      Directory root = FSDirectory.open(directory);
      opened.add(root);
      org.apache.lucene.store.Lock lock;
      try {
        lock = NativeFSLockFactory.INSTANCE.obtainLock(root, "index.lock");
      } catch (LockObtainFailedException e) {
        throw new IOException(
            "index " + directory + " is already open, by this process or another one", e);
      }
      opened.add(lock);
      Manifest manifest = readOrCreateManifest(directory, config.language());
      TextIndex text = TextIndex.open(directory.resolve("text"), manifest.language(),
          config.quantizedTextVectors());
      opened.add(text);
      PageStore store = PageStore.open(directory.resolve("pages"), config.initialMapSizeBytes());
      opened.add(store);
      PageImages images = new PageImages(directory, config.thumbnailWidth());
      PageIndex index =
          new PageIndex(config, directory, root, lock, manifest, store, text, images);
      index.recover();
      return index;
    } catch (IOException | RuntimeException e) {
      IOUtils.closeWhileHandlingException(opened.reversed());
      throw e;
    }
  }

  private static Manifest readOrCreateManifest(Path directory, TextLanguage language)
      throws IOException {
    Path file = directory.resolve(Manifest.FILE_NAME);
    if (Files.exists(file)) {
      Manifest manifest = Manifest.read(file);
      if (language != null && language != manifest.language()) {
        throw new IllegalArgumentException(
            "index "
                + directory
                + " was built for "
                + manifest.language().name().toLowerCase(Locale.ROOT)
                + " text but was opened as "
                + language.name().toLowerCase(Locale.ROOT)
                + "; open it with its own language or build a new index");
      }
      return manifest;
    }
    if (Files.exists(directory.resolve("pages")) || Files.exists(directory.resolve("text"))) {
      throw new IOException(
          "index " + directory + " has data but no " + Manifest.FILE_NAME + "; refusing to guess");
    }
    Manifest manifest =
        new Manifest(
            Manifest.FORMAT_VERSION, language == null ? TextLanguage.ENGLISH : language, null, null);
    manifest.write(file);
    return manifest;
  }

  /**
   * Discards staging nobody resumed in time, removes image files no page refers to, and brings
   * Lucene up to the change log.
   */
  private void recover() throws IOException {
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
    List<String> files = new ArrayList<>();
    for (long pageId : staging.pages().values()) {
      PageRow row = tx.deletePage(pageId);
      if (row != null && row.imageFile() != null) {
        files.add(row.imageFile());
      }
    }
    tx.deleteStaging(staging.documentId());
    return files;
  }

  private void deleteImages(List<String> files) throws IOException {
    for (String file : files) {
      images.delete(file);
    }
  }

  // ---------------------------------------------------------------- lifecycle

  private Lock enter() {
    Lock lock = lifecycle.readLock();
    lock.lock();
    if (closed) {
      lock.unlock();
      throw new AlreadyClosedException("index " + directory + " is closed");
    }
    return lock;
  }

  public Path directory() {
    return directory;
  }

  public TextLanguage language() {
    return manifest.language();
  }

  /** The model whose vectors the index holds; empty until a page with vectors was added. */
  public Optional<ModelStamp> model() {
    return Optional.ofNullable(manifest.model());
  }

  /** Refuses a model other than the index's (any model is fine before the first vectors). */
  public void checkModel(ModelStamp model) {
    Objects.requireNonNull(model, "model");
    ModelStamp stamp = manifest.model();
    if (stamp != null && !stamp.equals(model)) {
      throw new ModelMismatchException(directory.toString(), stamp, model);
    }
  }

  /** Records the model in the manifest before its first vectors are stored. */
  void stampModel(ModelStamp model) throws IOException {
    synchronized (manifestLock) {
      checkModel(model);
      if (manifest.model() == null) {
        Manifest stamped = manifest.withModel(model);
        stamped.write(directory.resolve(Manifest.FILE_NAME));
        manifest = stamped;
        LOG.info("index {} now holds vectors of {}", directory, model);
      }
    }
  }

  /** The text embedding model whose vectors the index holds; empty until a page with some was added. */
  public Optional<ModelStamp> textModel() {
    return Optional.ofNullable(manifest.textModel());
  }

  /** Refuses a text model other than the index's (any is fine before the first text vectors). */
  public void checkTextModel(ModelStamp textModel) {
    Objects.requireNonNull(textModel, "textModel");
    ModelStamp stamp = manifest.textModel();
    if (stamp != null && !stamp.equals(textModel)) {
      throw new ModelMismatchException(directory.toString(), stamp, textModel);
    }
  }

  void stampTextModel(ModelStamp textModel) throws IOException {
    synchronized (manifestLock) {
      checkTextModel(textModel);
      if (manifest.textModel() == null) {
        Manifest stamped = manifest.withTextModel(textModel);
        stamped.write(directory.resolve(Manifest.FILE_NAME));
        manifest = stamped;
        LOG.info("index {} now holds text vectors of {}", directory, textModel);
      }
    }
  }

  /** A page's text vectors (one per chunk of its text); empty when it has none. */
  public Optional<float[][]> textVectors(long pageId) {
    try {
      return Optional.ofNullable(store.read(tx -> tx.textVectors(pageId)));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Gives a committed document's pages text vectors they lack ({@code vectors} by page id; pages
   * that already have some keep theirs), in one transaction with a change-log entry, so the text
   * index follows and a crash keeps all of them or none. For re-embedding an existing index.
   *
   * @return how many pages gained vectors
   */
  public int addTextVectors(String documentId, Map<Long, TextVectors> vectors) throws IOException {
    if (vectors.isEmpty()) {
      return 0;
    }
    Lock lock = enter();
    try {
      for (TextVectors v : vectors.values()) {
        stampTextModel(v.model());
      }
      int added = store.write(tx -> {
        PageStore.DocumentEntry entry = tx.document(documentId);
        if (entry == null) {
          return 0;
        }
        java.util.Set<Long> pages = new java.util.HashSet<>();
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

  /** The committed pages of {@code documentId} that have text but no text vectors: id to text. */
  public Map<Long, String> pagesWithoutTextVectors(String documentId) throws IOException {
    return store.read(tx -> {
      Map<Long, String> out = new java.util.LinkedHashMap<>();
      PageStore.DocumentEntry entry = tx.document(documentId);
      if (entry != null) {
        for (long pageId : entry.pageIds()) {
          String pageText = tx.text(pageId);
          if (pageText != null && !pageText.isBlank() && tx.textVectors(pageId) == null) {
            out.put(pageId, pageText);
          }
        }
      }
      return out;
    });
  }

  // ---------------------------------------------------------------- writing

  /**
   * Starts writing a document: a new version of it replaces the old one at commit. Pages staged by
   * an interrupted writer of the same document id, content hash and model are kept (see {@link
   * DocumentWriter#stagedPages}); staging of other content is discarded.
   *
   * @param model the model of the page vectors, or null to write text only
   */
  public DocumentWriter write(DocumentRecord document, ModelStamp model) throws IOException {
    Objects.requireNonNull(document, "document");
    String id = document.documentId();
    checkDocumentId(id);
    Lock lock = enter();
    try {
      if (model != null) {
        checkModel(model);
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
    Lock lock = enter();
    try {
      if (vectors != null) {
        stampModel(model);
      }
      if (page.textVectors() != null) {
        stampTextModel(page.textVectors().model());
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
    Lock lock = enter();
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
                  removedImages.addAll(deletePages(tx, old));
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

  /** Deletes the visible pages of a document; returns their image files. */
  private static List<String> deletePages(Tx tx, DocumentEntry entry) {
    List<String> files = new ArrayList<>();
    for (long pageId : entry.pageIds()) {
      PageRow row = tx.deletePage(pageId);
      if (row != null && row.imageFile() != null) {
        files.add(row.imageFile());
      }
    }
    return files;
  }

  /**
   * Deletes a document: its pages, vectors, text, images, and any pages staged for it. Returns
   * whether a committed document existed.
   */
  public boolean deleteDocument(String documentId) throws IOException {
    Objects.requireNonNull(documentId, "documentId");
    Lock lock = enter();
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
                    files.addAll(deletePages(tx, old));
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

  /** Discards the pages staged for a document by an abandoned writer; returns whether any were. */
  public boolean discardStaged(String documentId) throws IOException {
    Objects.requireNonNull(documentId, "documentId");
    Lock lock = enter();
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

  // ---------------------------------------------------------------- reading

  public Optional<DocumentRecord> document(String documentId) {
    Objects.requireNonNull(documentId, "documentId");
    return read(tx -> Optional.ofNullable(tx.document(documentId)).map(DocumentEntry::record));
  }

  /** Every committed document, by document id. */
  public List<DocumentRecord> documents() {
    return read(tx -> tx.documents().stream().map(DocumentEntry::record).toList());
  }

  public Optional<PageInfo> page(long pageId) {
    return read(tx -> Optional.ofNullable(pageInfo(tx, pageId)));
  }

  public Optional<PageInfo> page(String documentId, int pageNumber) {
    Objects.requireNonNull(documentId, "documentId");
    return read(
        tx -> {
          DocumentEntry entry = tx.document(documentId);
          long pageId = entry == null ? -1 : entry.pageId(pageNumber);
          return Optional.ofNullable(pageId < 0 ? null : pageInfo(tx, pageId));
        });
  }

  private static PageInfo pageInfo(Tx tx, long pageId) {
    int flag = tx.liveFlag(pageId);
    if (flag < 0) {
      return null;
    }
    PageRow row = tx.page(pageId);
    return new PageInfo(
        pageId,
        row.documentId(),
        row.pageNumber(),
        tx.text(pageId),
        flag == PageStore.LIVE_WITH_VECTORS);
  }

  /**
   * BM25 search over page text. The query is free text (no syntax); a query without searchable
   * terms returns nothing.
   *
   * @param documentIds restrict to these documents; empty for all
   * @return at most {@code n} hits by score descending, then page id ascending
   */
  public List<TextHit> searchText(String query, int n, Set<String> documentIds)
      throws IOException {
    return searchText(query, n, documentIds, true);
  }

  /**
   * BM25 search as {@link #searchText(String, int, Set)}; without snippets when {@code
   * withSnippets} is false (highlighting re-analyses every hit's text: callers that show a few
   * hits of many ask {@link #snippets} for those alone).
   */
  public List<TextHit> searchText(
      String query, int n, Set<String> documentIds, boolean withSnippets) throws IOException {
    Objects.requireNonNull(query, "query");
    Objects.requireNonNull(documentIds, "documentIds");
    if (n <= 0) {
      throw new IllegalArgumentException("number of hits must be positive, got " + n);
    }
    Lock lock = enter();
    try {
      TextIndex.TextQuery parsed = text.parse(query);
      if (parsed == null) {
        return List.of();
      }
      List<Match> matches = text.search(parsed, n, documentIds);
      // Lucene trails the page store by a moment: drop pages deleted since its last refresh. The
      // document and page number come from the store's page row, read in place.
      List<TextHit> hits = new ArrayList<>(matches.size());
      List<String> texts =
          store.read(
              tx -> {
                List<String> found = new ArrayList<>(matches.size());
                for (Match match : matches) {
                  PageRow row = tx.liveFlag(match.pageId()) >= 0 ? tx.page(match.pageId()) : null;
                  if (row == null) {
                    continue;
                  }
                  hits.add(new TextHit(match.pageId(), row.documentId(), row.pageNumber(), match.score(), ""));
                  // The text is only read for highlighting: a large store need not page it in.
                  found.add(withSnippets ? tx.text(match.pageId()) : "");
                }
                return found;
              });
      if (withSnippets) {
        for (int i = 0; i < hits.size(); i++) {
          TextHit hit = hits.get(i);
          hits.set(i, new TextHit(hit.pageId(), hit.documentId(), hit.pageNumber(), hit.score(),
              text.snippet(parsed, texts.get(i))));
        }
      }
      return hits;
    } finally {
      lock.unlock();
    }
  }
  /**
   * The dense first stage: the {@code n} pages whose best text chunk is nearest {@code query}
   * (the query's text vector, of the index's text model), through the HNSW graph.
   *
   * @param documentIds restrict to these documents; empty for all
   */
  public List<TextHit> searchTextVectors(float[] query, int n, Set<String> documentIds) throws IOException {
    Objects.requireNonNull(query, "query");
    if (n <= 0) {
      throw new IllegalArgumentException("number of hits must be positive, got " + n);
    }
    ModelStamp stamp = manifest.textModel();
    if (stamp == null) {
      return List.of();
    }
    if (query.length != stamp.dimension()) {
      throw new IllegalArgumentException("the query vector has " + query.length + " dimensions; the"
          + " index's text model " + stamp + " has " + stamp.dimension());
    }
    Lock lock = enter();
    try {
      List<Match> matches = text.nearest(query, n, documentIds);
      return store.read(tx -> {
        List<TextHit> hits = new ArrayList<>(matches.size());
        for (Match match : matches) {
          PageRow row = tx.liveFlag(match.pageId()) >= 0 ? tx.page(match.pageId()) : null;
          if (row != null) {
            hits.add(new TextHit(match.pageId(), row.documentId(), row.pageNumber(), match.score(), ""));
          }
        }
        return hits;
      });
    } finally {
      lock.unlock();
    }
  }

  /**
   * Highlighted passages of {@code query} in the given pages' text (HTML: escaped text, matches
   * in {@code <b>}); a page where nothing matches gets the start of its text, a query with no
   * searchable terms an empty string, and a page that no longer exists is left out.
   */
  public Map<Long, String> snippets(String query, Collection<Long> pageIds) throws IOException {
    Objects.requireNonNull(query, "query");
    Lock lock = enter();
    try {
      TextIndex.TextQuery parsed = text.parse(query);
      Map<Long, String> texts =
          store.read(
              tx -> {
                Map<Long, String> found = new LinkedHashMap<>();
                for (long pageId : pageIds) {
                  if (tx.liveFlag(pageId) >= 0) {
                    found.put(pageId, tx.text(pageId));
                  }
                }
                return found;
              });
      Map<Long, String> out = new LinkedHashMap<>();
      for (Map.Entry<Long, String> e : texts.entrySet()) {
        out.put(e.getKey(), parsed == null ? "" : text.snippet(parsed, e.getValue()));
      }
      return out;
    } finally {
      lock.unlock();
    }
  }


  /** A snapshot reader of the page vectors for the calling thread; close it promptly. */
  public VectorReader vectors() {
    Lock lock = enter();
    try {
      return store.openReader();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Reads every page's binary codes (and page row) once, so that the operating system holds them in memory
   * before searches need them: the Hamming pre-filter reads a hundred pages' codes per query,
   * scattered through a store that may be far larger than memory, where each miss is a disk read.
   * Works in batches, each under its own short-lived reader, and stops between batches when {@code
   * stop} says so.
   *
   * @return the bytes of binary codes read
   */
  public long warmBinaryCodes(BooleanSupplier stop) {
    LongStream.Builder listed = LongStream.builder();
    try (VectorReader reader = vectors()) {
      reader.forEachPage(listed);
    }
    long[] ids = listed.build().toArray();
    long bytes = 0;
    long checksum = 0;
    for (int from = 0; from < ids.length && !stop.getAsBoolean(); from += WARM_BATCH) {
      try (VectorReader reader = vectors()) {
        for (int i = from; i < Math.min(ids.length, from + WARM_BATCH); i++) {
          if (!reader.hasVectors(ids[i])) {
            continue; // deleted since the listing
          }
          reader.tokens(ids[i]); // the page row, which rescoring reads too
          MemorySegment codes = reader.binary(ids[i]);
          for (long at = 0; at < codes.byteSize(); at += WARM_STRIDE) {
            checksum += codes.get(ValueLayout.JAVA_BYTE, at);
          }
          bytes += codes.byteSize();
        }
      }
    }
    warmChecksum = checksum;
    return bytes;
  }

  /** Like {@link #vectors()}, refusing a model other than the index's. */
  public VectorReader vectors(ModelStamp model) {
    checkModel(model);
    return vectors();
  }

  public Optional<Path> pageImage(String documentId, int pageNumber) {
    return imageFile(documentId, pageNumber).map(images::image);
  }

  public Optional<Path> thumbnail(String documentId, int pageNumber) {
    return imageFile(documentId, pageNumber).map(images::thumbnail);
  }

  private Optional<String> imageFile(String documentId, int pageNumber) {
    Objects.requireNonNull(documentId, "documentId");
    return read(
        tx -> {
          DocumentEntry entry = tx.document(documentId);
          long pageId = entry == null ? -1 : entry.pageId(pageNumber);
          PageRow row = pageId < 0 ? null : tx.page(pageId);
          return Optional.ofNullable(row == null ? null : row.imageFile());
        });
  }

  public IndexStats stats() throws IOException {
    Lock lock = enter();
    try {
      record Counts(
          long documents, long pages, long vectorPages, long binary, long half, long text) {}
      Counts counts =
          store.read(
              tx ->
                  new Counts(
                      tx.documentCount(),
                      tx.livePageCount(),
                      tx.counter(Meta.VECTOR_PAGES),
                      store.usedBytes(tx, store.binaryDbi()),
                      store.usedBytes(tx, store.halfDbi()),
                      store.usedBytes(tx, store.textDbi())));
      ModelStamp model = manifest.model();
      Path dataFile = store.directory().resolve("data.mdb");
      return new IndexStats(
          counts.documents(),
          counts.pages(),
          counts.vectorPages(),
          model == null ? 0 : model.dimension(),
          Optional.ofNullable(model),
          IndexStats.StoreSize.of(counts.binary(), counts.vectorPages()),
          IndexStats.StoreSize.of(counts.half(), counts.vectorPages()),
          IndexStats.StoreSize.of(counts.text(), counts.pages()),
          IndexStats.StoreSize.of(text.sizeBytes(), counts.pages()),
          IndexStats.StoreSize.of(images.imageBytes(), counts.pages()),
          IndexStats.StoreSize.of(images.thumbnailBytes(), counts.pages()),
          Files.exists(dataFile) ? Files.size(dataFile) : 0,
          treeBytes(directory));
    } finally {
      lock.unlock();
    }
  }

  private static long treeBytes(Path root) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .mapToLong(
              file -> {
                try {
                  return Files.size(file);
                } catch (IOException e) {
                  return 0; // Deleted while we walked.
                }
              })
          .sum();
    }
  }

  private <R> R read(PageStore.TxWork<R> work) {
    Lock lock = enter();
    try {
      return store.read(work);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------- test access

  TextIndex textIndex() {
    return text;
  }

  PageStore pageStore() {
    return store;
  }

  @Override
  public void close() throws IOException {
    lifecycle.writeLock().lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      IOUtils.close(text, store, processLock, rootDirectory);
    } finally {
      lifecycle.writeLock().unlock();
    }
  }
}
