package dev.quire;

import dev.quire.datasets.DocumentReader;
import dev.quire.encoder.EncoderInfo;
import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.index.DocumentRecord;
import dev.quire.index.IndexStats;
import dev.quire.index.ModelStamp;
import dev.quire.index.PageIndex;
import dev.quire.indexing.DocumentInput;
import dev.quire.indexing.IndexListener;
import dev.quire.indexing.IndexReport;
import dev.quire.indexing.IndexingJob;
import dev.quire.retrieval.Embedding;
import dev.quire.retrieval.SearchRequest;
import dev.quire.retrieval.SearchResults;
import dev.quire.retrieval.Searcher;
import dev.quire.retrieval.SimilarityMap;
import dev.quire.retrieval.SimilarityMaps;
import java.awt.image.BufferedImage;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Quire as a library: open an index folder, index files into it, search it.
 *
 * <pre>{@code
 * try (Quire quire = Quire.open(Path.of("my-index"))) {
 *   quire.index(List.of(Path.of("reports/")));
 *   quire.search("quarterly revenue", 10).hits().forEach(System.out::println);
 * }
 * }</pre>
 */
public final class Quire implements Closeable {

  private final QuireConfig config;
  private final PageIndex index;
  private final DocumentReader reader;
  private final MultiVectorEncoder encoder;
  private final dev.quire.textembedding.TextEmbedder textEmbedder;
  private final Searcher searcher;

  private Quire(QuireConfig config, PageIndex index, MultiVectorEncoder encoder,
      dev.quire.textembedding.TextEmbedder textEmbedder) {
    this.config = config;
    this.index = index;
    this.encoder = encoder;
    this.textEmbedder = textEmbedder;
    this.reader = new DocumentReader(config.reader());
    this.searcher = new Searcher(index, encoder, textEmbedder);
  }

  /** Opens (or creates) the index at {@code directory} with default settings and no model. */
  public static Quire open(Path directory) throws IOException {
    return open(QuireConfig.defaults(directory), null);
  }

  /**
   * Opens (or creates) an index.
   *
   * @param encoder embeds pages and queries; null for BM25 only. An index embedded with one
   *     model refuses another.
   */
  public static Quire open(QuireConfig config, MultiVectorEncoder encoder) throws IOException {
    return open(config, encoder, null);
  }

  /**
   * Opens (or creates) an index that also embeds page text with {@code textEmbedder} (the dense
   * first stage; null for none). An index with text vectors of one model refuses another.
   */
  public static Quire open(QuireConfig config, MultiVectorEncoder encoder,
      dev.quire.textembedding.TextEmbedder textEmbedder) throws IOException {
    PageIndex index = PageIndex.open(config.index());
    try {
      if (encoder != null) {
        index.checkModel(IndexingJob.stamp(encoder.info()));
      }
      if (textEmbedder != null) {
        index.checkTextModel(IndexingJob.textStamp(textEmbedder.info()));
      }
      return new Quire(config, index, encoder, textEmbedder);
    } catch (RuntimeException e) {
      index.close();
      throw e;
    }
  }

  public IndexReport index(List<Path> paths) throws IOException {
    return index(paths, IndexListener.NONE);
  }

  public IndexReport index(List<Path> paths, IndexListener listener) throws IOException {
    return new IndexingJob(index, reader, encoder, config.encodeBatchSize(), textEmbedder).run(paths, listener);
  }

  /** Indexes documents that do not come from files, e.g. the pages of an evaluation dataset. */
  public IndexReport index(Iterator<DocumentInput> documents, int count, IndexListener listener)
      throws IOException {
    return new IndexingJob(index, reader, encoder, config.encodeBatchSize(), textEmbedder)
        .run(documents, count, listener);
  }

  public SearchResults search(String query, int k) throws IOException {
    return search(new SearchRequest(query, k, Set.of(), config.search()));
  }

  public SearchResults search(SearchRequest request) throws IOException {
    return searcher.search(request);
  }

  /**
   * Searches with the query's embedding computed beforehand by {@link #embedText}, so that one
   * query can run under several configurations and be encoded once.
   */
  public SearchResults search(SearchRequest request, MultiVector queryEmbedding)
      throws IOException {
    return searcher.search(request, queryEmbedding);
  }

  /**
   * Which regions of a page matched each token of {@code query}; empty when the page has no
   * embedding or the encoder's tokens do not map to image patches.
   */
  public Optional<SimilarityMap> similarityMap(String query, String documentId, int pageNumber)
      throws IOException {
    return new SimilarityMaps(index, requireEncoder()).map(query, documentId, pageNumber);
  }

  /** The query's multi-vector embedding and its pooled single vector. */
  public Embedding embedText(String text) {
    MultiVectorEncoder model = requireEncoder();
    MultiVector vectors = model.encodeQueries(List.of(text)).get(0);
    return new Embedding(vectors, model.pooledQuery(vectors));
  }

  /** A page image's multi-vector embedding and its pooled single vector. */
  public Embedding embedImage(BufferedImage image) {
    MultiVector vectors = requireEncoder().encodePages(List.of(image)).get(0);
    return new Embedding(vectors, vectors.meanPooled());
  }

  /**
   * Reads every page's binary codes once so the Hamming pre-filter finds them in memory (see
   * {@link PageIndex#warmBinaryCodes}); a server calls it in the background after opening a large
   * index. Returns the bytes read.
   */
  public long warmUp(BooleanSupplier stop) {
    return index.warmBinaryCodes(stop);
  }

  /** The encoder's identity, when a model was given. */
  public Optional<EncoderInfo> encoderInfo() {
    return Optional.ofNullable(encoder).map(MultiVectorEncoder::info);
  }

  private MultiVectorEncoder requireEncoder() {
    if (encoder == null) {
      throw new IllegalStateException("no model is loaded: embeddings need one");
    }
    return encoder;
  }

  /** Removes a document and all its pages; false when there was none with this id. */
  public boolean delete(String documentId) throws IOException {
    return index.deleteDocument(documentId);
  }

  public List<DocumentRecord> documents() {
    return index.documents();
  }

  public Optional<DocumentRecord> document(String documentId) {
    return index.document(documentId);
  }

  public Optional<ModelStamp> model() {
    return index.model();
  }

  /** The text embedding model whose vectors the index holds, if any. */
  public Optional<ModelStamp> textModel() {
    return index.textModel();
  }

  /** Whether the dense and hybrid first stages can run: text vectors and a model for the query. */
  public boolean hasDenseStage() {
    return searcher.whyNoTextVectors() == null;
  }

  public IndexStats info() throws IOException {
    return index.stats();
  }

  /**
   * Gives the pages that have text but no text vectors theirs, a document at a time (each in one
   * transaction): an index built without a text model gains the dense stage. Resumable: a rerun
   * after an interruption embeds only what is still missing, and no page gets two sets.
   *
   * @param progress told each document as it is done, with how many of them there are
   * @return how many pages gained vectors
   */
  public int reembedText(java.util.function.BiConsumer<Integer, Integer> progress) throws IOException {
    if (textEmbedder == null) {
      throw new IllegalStateException("re-embedding page text needs a text embedding model");
    }
    ModelStamp stamp = IndexingJob.textStamp(textEmbedder.info());
    List<DocumentRecord> all = index.documents();
    int pages = 0;
    for (int d = 0; d < all.size(); d++) {
      String id = all.get(d).documentId();
      java.util.Map<Long, String> missing = index.pagesWithoutTextVectors(id);
      java.util.Map<Long, dev.quire.index.TextVectors> vectors = new java.util.LinkedHashMap<>();
      for (java.util.Map.Entry<Long, String> page : missing.entrySet()) {
        List<String> chunks = dev.quire.textembedding.TextChunker.chunks(page.getValue());
        if (!chunks.isEmpty()) {
          vectors.put(page.getKey(), new dev.quire.index.TextVectors(stamp, textEmbedder.embed(chunks)));
        }
      }
      pages += index.addTextVectors(id, vectors);
      progress.accept(d + 1, all.size());
    }
    return pages;
  }

  /** A page's text vectors (one per chunk of its text); empty when it has none. */
  public Optional<float[][]> pageTextVectors(String documentId, int pageNumber) {
    return index.page(documentId, pageNumber).flatMap(p -> index.textVectors(p.pageId()));
  }

  /** A page's text as indexed (text layer or OCR); empty when the page is unknown. */
  public Optional<String> pageText(String documentId, int pageNumber) {
    return index.page(documentId, pageNumber).map(dev.quire.index.PageInfo::text);
  }

  /** Page images and thumbnails, for display. */
  public Optional<Path> pageImage(String documentId, int pageNumber, boolean thumbnail) {
    return thumbnail
        ? index.thumbnail(documentId, pageNumber)
        : index.pageImage(documentId, pageNumber);
  }

  public QuireConfig config() {
    return config;
  }

  /** Whether pages without a text layer get OCR text, and if not why, as a user should read it. */
  public String ocrStatus() {
    return reader.ocr().status();
  }

  @Override
  public void close() throws IOException {
    try {
      reader.close();
    } finally {
      index.close();
    }
  }
}
