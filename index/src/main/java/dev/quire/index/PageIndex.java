package dev.quire.index;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.LockObtainFailedException;
import org.apache.lucene.store.NativeFSLockFactory;
import org.apache.lucene.util.IOUtils;

/**
 * What is stored for retrieval: the LMDB page store (source of truth: page text, vectors, document
 * table), the Lucene BM25 index over page text, page images and the manifest. This class opens
 * and closes them; the work is done by the {@link PageCommitter} (stage, commit, delete, recover)
 * and the {@link PageReader} (documents, BM25, snippets, vectors, warm-up).
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
  private final Path directory;
  private final Directory rootDirectory;
  /** Held while open: one process at a time. */
  private final org.apache.lucene.store.Lock processLock;
  private final PageStore store;
  private final TextIndex text;
  private final IndexManifest manifest;
  private final Lifecycle lifecycle;
  private final PageCommitter committer;
  private final PageReader reader;

  private PageIndex(
      IndexConfig config,
      Path directory,
      Directory rootDirectory,
      org.apache.lucene.store.Lock processLock,
      IndexManifest manifest,
      PageStore store,
      TextIndex text,
      PageImages images) {
    this.directory = directory;
    this.rootDirectory = rootDirectory;
    this.processLock = processLock;
    this.manifest = manifest;
    this.store = store;
    this.text = text;
    this.lifecycle = new Lifecycle(directory);
    this.committer = new PageCommitter(config, directory, store, text, images, manifest, lifecycle);
    this.reader = new PageReader(directory, store, text, images, manifest, lifecycle);
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
      IndexManifest manifest = IndexManifest.readOrCreate(directory, config.language());
      TextIndex text = TextIndex.open(directory.resolve("text"), manifest.language(),
          config.quantizedTextVectors());
      opened.add(text);
      PageStore store = PageStore.open(directory.resolve("pages"), config.initialMapSizeBytes());
      opened.add(store);
      PageImages images = new PageImages(directory, config.thumbnailWidth());
      PageIndex index =
          new PageIndex(config, directory, root, lock, manifest, store, text, images);
      index.committer.recover();
      return index;
    } catch (IOException | RuntimeException e) {
      IOUtils.closeWhileHandlingException(opened.reversed());
      throw e;
    }
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
    manifest.checkModel(model);
  }

  /** The text embedding model whose vectors the index holds; empty until a page with some was added. */
  public Optional<ModelStamp> textModel() {
    return Optional.ofNullable(manifest.textModel());
  }

  /** Refuses a text model other than the index's (any is fine before the first text vectors). */
  public void checkTextModel(ModelStamp textModel) {
    manifest.checkTextModel(textModel);
  }

  // ---------------------------------------------------------------- writing (PageCommitter)

  /**
   * Starts writing a document: a new version of it replaces the old one at commit. Pages staged by
   * an interrupted writer of the same document id, content hash and model are kept (see {@link
   * DocumentWriter#stagedPages}); staging of other content is discarded.
   *
   * @param model the model of the page vectors, or null to write text only
   */
  public DocumentWriter write(DocumentRecord document, ModelStamp model) throws IOException {
    return committer.write(document, model);
  }

  /**
   * Deletes a document: its pages, vectors, text, images, and any pages staged for it. Returns
   * whether a committed document existed.
   */
  public boolean deleteDocument(String documentId) throws IOException {
    return committer.deleteDocument(documentId);
  }

  /** Discards the pages staged for a document by an abandoned writer; returns whether any were. */
  public boolean discardStaged(String documentId) throws IOException {
    return committer.discardStaged(documentId);
  }

  /**
   * Gives a committed document's pages text vectors they lack ({@code vectors} by page id; pages
   * that already have some keep theirs), in one transaction with a change-log entry, so the text
   * index follows and a crash keeps all of them or none. For re-embedding an existing index.
   *
   * @return how many pages gained vectors
   */
  public int addTextVectors(String documentId, Map<Long, TextVectors> vectors) throws IOException {
    return committer.addTextVectors(documentId, vectors);
  }

  // ---------------------------------------------------------------- reading (PageReader)

  public Optional<DocumentRecord> document(String documentId) {
    return reader.document(documentId);
  }

  /** Every committed document, by document id. */
  public List<DocumentRecord> documents() {
    return reader.documents();
  }

  public Optional<PageInfo> page(long pageId) {
    return reader.page(pageId);
  }

  public Optional<PageInfo> page(String documentId, int pageNumber) {
    return reader.page(documentId, pageNumber);
  }

  /** A page's text vectors (one per chunk of its text); empty when it has none. */
  public Optional<float[][]> textVectors(long pageId) {
    return reader.textVectors(pageId);
  }

  /** The committed pages of {@code documentId} that have text but no text vectors: id to text. */
  public Map<Long, String> pagesWithoutTextVectors(String documentId) throws IOException {
    return reader.pagesWithoutTextVectors(documentId);
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
    Objects.requireNonNull(documentIds, "documentIds");
    return reader.searchText(query, n, PageFilter.documents(documentIds), withSnippets);
  }

  /**
   * BM25 search over the pages {@code filter} lets through (resolved by Lucene with the query, so
   * the {@code n} best pages that pass are found however few pass).
   */
  public List<TextHit> searchText(String query, int n, PageFilter filter, boolean withSnippets)
      throws IOException {
    return reader.searchText(query, n, filter, withSnippets);
  }

  /**
   * The dense first stage: the {@code n} pages whose best text chunk is nearest {@code query}
   * (the query's text vector, of the index's text model), through the HNSW graph.
   *
   * @param documentIds restrict to these documents; empty for all
   */
  public List<TextHit> searchTextVectors(float[] query, int n, Set<String> documentIds)
      throws IOException {
    Objects.requireNonNull(documentIds, "documentIds");
    return reader.searchTextVectors(query, n, PageFilter.documents(documentIds));
  }

  /** The dense first stage over the pages {@code filter} lets through (HNSW with the filter). */
  public List<TextHit> searchTextVectors(float[] query, int n, PageFilter filter) throws IOException {
    return reader.searchTextVectors(query, n, filter);
  }

  /**
   * The visible pages {@code filter} lets through, in page id order (with or without vectors): the
   * candidates of a filtered exhaustive search, and empty when the filter matches no document.
   */
  public long[] pageIds(PageFilter filter) throws IOException {
    return reader.pageIds(filter);
  }

  /**
   * Whether any page passes {@code filter}, as the text index sees it (it follows each commit and
   * delete), without listing them: what a search checks before it ranks anything.
   */
  public boolean hasPages(PageFilter filter) throws IOException {
    return reader.hasPages(filter);
  }

  /**
   * The passages of {@code query} in the given pages' text, with the matches as spans; a page
   * where nothing matches gets the start of its text, a query with no searchable terms an empty
   * snippet, and a page that no longer exists is left out.
   */
  public Map<Long, Snippet> snippets(String query, Collection<Long> pageIds) throws IOException {
    return reader.snippets(query, pageIds);
  }

  /** A snapshot reader of the page vectors for the calling thread; close it promptly. */
  public VectorReader vectors() {
    return reader.vectors();
  }

  /** Like {@link #vectors()}, refusing a model other than the index's. */
  public VectorReader vectors(ModelStamp model) {
    checkModel(model);
    return reader.vectors();
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
    return reader.warmBinaryCodes(stop);
  }

  public Optional<Path> pageImage(String documentId, int pageNumber) {
    return reader.pageImage(documentId, pageNumber);
  }

  public Optional<Path> thumbnail(String documentId, int pageNumber) {
    return reader.thumbnail(documentId, pageNumber);
  }

  public IndexStats stats() throws IOException {
    return reader.stats();
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
    if (lifecycle.close()) {
      IOUtils.close(text, store, processLock, rootDirectory);
    }
  }
}
