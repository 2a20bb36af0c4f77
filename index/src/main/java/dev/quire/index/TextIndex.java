package dev.quire.index;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.BreakIterator;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.SearcherManager;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopFieldDocs;
import org.apache.lucene.search.uhighlight.DefaultPassageFormatter;
import org.apache.lucene.search.uhighlight.LengthGoalBreakIterator;
import org.apache.lucene.search.uhighlight.UnifiedHighlighter;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.IOUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lucene BM25 over page text: one Lucene document per visible page. It holds no text of its own
 * (the page store does) and follows the page store's change log; its commits record the last
 * sequence they contain, so after a crash it replays the rest, and when the log no longer reaches
 * back that far it rebuilds itself from the page store.
 */
final class TextIndex implements Closeable {
  private static final Logger LOG = LoggerFactory.getLogger(TextIndex.class);

  /** Changes applied between Lucene commits; the change log covers the ones in between. */
  private static final int COMMIT_EVERY = 32;

  static final String DOCUMENT_ID = "documentId";
  static final String PAGE_ID = "pageId";
  static final String PAGE_NUMBER = "pageNumber";
  static final String TEXT = "text";
  static final String SEQUENCE = "quire.sequence";
  /** A page text chunk's vector (HNSW, scalar-quantised); chunk documents carry no text. */
  static final String TEXT_VECTOR = "textVector";

  /** Distinct query terms kept; Lucene refuses queries of more than 1024 clauses. */
  static final int MAX_QUERY_TERMS = 1000;

  private static final int SNIPPET_CHARS = 200;
  private static final Sort SCORE_THEN_PAGE_ID =
      new Sort(SortField.FIELD_SCORE, new SortField(PAGE_ID, SortField.Type.LONG));

  /** One page as the text index sees it. */
  private record PageText(long pageId, int pageNumber, String text, float[][] vectors) {}

  /** A page the text index matched, before the page store confirms it is still visible. */
  record Match(long pageId, float score) {}

  private final Directory directory;
  private final Analyzer analyzer;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final UnifiedHighlighter highlighter;
  private volatile long committedSequence;

  // Guarded by this: the change log is applied in sequence order.
  private long appliedSequence;
  private int uncommittedChanges;

  private TextIndex(Directory directory, Analyzer analyzer, IndexWriter writer) throws IOException {
    this.directory = directory;
    this.analyzer = analyzer;
    this.writer = writer;
    this.searchers = new SearcherManager(writer, null);
    this.highlighter =
        UnifiedHighlighter.builderWithoutSearcher(analyzer)
            .withBreakIterator(
                () ->
                    LengthGoalBreakIterator.createClosestToLength(
                        BreakIterator.getWordInstance(Locale.ROOT), SNIPPET_CHARS, 0.5f))
            .withFormatter(new DefaultPassageFormatter("<b>", "</b>", " … ", true))
            .withMaxLength(Integer.MAX_VALUE - 1)
            .build();
    this.committedSequence = sequenceOf(writer);
    this.appliedSequence = committedSequence;
  }

  /**
   * Lucene's codec with text vectors in HNSW over scalar-quantised copies (a byte a dimension,
   * float32 kept for rescoring): a quarter of the memory the graph search touches. Readers need
   * nothing special: a segment names its vector format.
   */
  private static final org.apache.lucene.codecs.Codec CODEC = codec(
      new org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat());
  /** The option: the graph over the float32 vectors themselves. */
  private static final org.apache.lucene.codecs.Codec FLOAT32_CODEC = codec(
      new org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat());

  private static org.apache.lucene.codecs.Codec codec(org.apache.lucene.codecs.KnnVectorsFormat format) {
    return new org.apache.lucene.codecs.lucene104.Lucene104Codec() {
      @Override
      public org.apache.lucene.codecs.KnnVectorsFormat getKnnVectorsFormatForField(String field) {
        return format;
      }
    };
  }

  static TextIndex open(Path path, TextLanguage language) throws IOException {
    return open(path, language, true);
  }

  static TextIndex open(Path path, TextLanguage language, boolean quantized) throws IOException {
    Directory directory = FSDirectory.open(path);
    Analyzer analyzer = language.analyzer();
    try {
      IndexWriterConfig config =
          new IndexWriterConfig(analyzer)
              .setCodec(quantized ? CODEC : FLOAT32_CODEC)
              .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
              // Commits happen when we say, with the change-log sequence they contain.
              .setCommitOnClose(false);
      return new TextIndex(directory, analyzer, new IndexWriter(directory, config));
    } catch (IOException | RuntimeException e) {
      IOUtils.closeWhileHandlingException(analyzer, directory);
      throw e;
    }
  }

  private static long sequenceOf(IndexWriter writer) {
    Iterable<Map.Entry<String, String>> data = writer.getLiveCommitData();
    if (data != null) {
      for (Map.Entry<String, String> entry : data) {
        if (entry.getKey().equals(SEQUENCE)) {
          return Long.parseLong(entry.getValue());
        }
      }
    }
    return 0;
  }

  /** The last change-log sequence that a durable commit of this index contains. */
  long committedSequence() {
    return committedSequence;
  }

  /** At open: replays the change log past the last commit, or rebuilds, then commits. */
  synchronized void recover(PageStore store) throws IOException {
    long prunedThrough = store.read(tx -> tx.counter(PageStore.Meta.PRUNED_THROUGH));
    if (appliedSequence < prunedThrough) {
      LOG.warn(
          "text index is behind the change log (sequence {} < {}); rebuilding it from the pages",
          appliedSequence,
          prunedThrough);
      writer.deleteAll();
      List<String> ids =
          store.read(tx -> tx.documents().stream().map(PageStore.DocumentEntry::documentId).toList());
      for (String id : ids) {
        replace(id, store.read(tx -> pageTexts(tx, id)));
      }
      appliedSequence = store.read(PageStore.Tx::lastSequence);
      uncommittedChanges++;
      searchers.maybeRefreshBlocking();
    } else {
      follow(store);
    }
    commitPending();
  }

  /** Applies the change log past what this index has seen, and refreshes its searchers. */
  synchronized void follow(PageStore store) throws IOException {
    List<PageStore.Change> pending = store.read(tx -> tx.changesAfter(appliedSequence));
    if (pending.isEmpty()) {
      return;
    }
    Set<String> touched = new LinkedHashSet<>();
    pending.forEach(change -> touched.add(change.documentId()));
    for (String id : touched) {
      // The current pages, not those at the time of the change: replaying twice is harmless.
      replace(id, store.read(tx -> pageTexts(tx, id)));
    }
    appliedSequence = pending.getLast().sequence();
    uncommittedChanges += pending.size();
    searchers.maybeRefreshBlocking();
    if (uncommittedChanges >= COMMIT_EVERY) {
      commitPending();
    }
  }

  private static List<PageText> pageTexts(PageStore.Tx tx, String documentId) throws IOException {
    PageStore.DocumentEntry entry = tx.document(documentId);
    if (entry == null) {
      return List.of();
    }
    List<PageText> pages = new ArrayList<>(entry.pageIds().length);
    for (int i = 0; i < entry.pageIds().length; i++) {
      long pageId = entry.pageIds()[i];
      pages.add(new PageText(pageId, entry.pageNumbers()[i], tx.text(pageId), tx.textVectors(pageId)));
    }
    return pages;
  }

  /** Replaces the pages of a document; no pages deletes it. */
  private void replace(String documentId, List<PageText> pages) throws IOException {
    Term term = new Term(DOCUMENT_ID, documentId);
    if (pages.isEmpty()) {
      writer.deleteDocuments(term);
      return;
    }
    List<Document> documents = new ArrayList<>(pages.size());
    for (PageText page : pages) {
      Document document = new Document();
      document.add(new StringField(DOCUMENT_ID, documentId, Field.Store.YES));
      document.add(new StoredField(PAGE_ID, page.pageId()));
      document.add(new NumericDocValuesField(PAGE_ID, page.pageId()));
      document.add(new StoredField(PAGE_NUMBER, page.pageNumber()));
      document.add(new TextField(TEXT, page.text(), Field.Store.NO));
      documents.add(document);
    }
    for (PageText page : pages) {
      if (page.vectors() == null) {
        continue;
      }
      for (float[] vector : page.vectors()) {
        Document chunk = new Document();
        chunk.add(new StringField(DOCUMENT_ID, documentId, Field.Store.NO));
        chunk.add(new NumericDocValuesField(PAGE_ID, page.pageId()));
        chunk.add(new org.apache.lucene.document.KnnFloatVectorField(TEXT_VECTOR, vector,
            org.apache.lucene.index.VectorSimilarityFunction.DOT_PRODUCT));
        documents.add(chunk);
      }
    }
    // One atomic block: a refreshed searcher sees all of the new pages or none.
    writer.updateDocuments(term, documents);
  }

  /** Makes everything applied so far durable, recording its sequence in the commit. */
  private synchronized void commitPending() throws IOException {
    if (uncommittedChanges == 0) {
      return;
    }
    writer.setLiveCommitData(Map.of(SEQUENCE, Long.toString(appliedSequence)).entrySet());
    writer.commit();
    committedSequence = appliedSequence;
    uncommittedChanges = 0;
  }

  /**
   * Free text to a query: the analyzed terms, each a SHOULD clause (boosted by its repetitions).
   * There is no syntax to get wrong. Returns null when no term survives analysis (empty or only
   * stop words).
   */
  Query parse(String text) throws IOException {
    Map<String, Integer> terms = new LinkedHashMap<>();
    try (TokenStream tokens = analyzer.tokenStream(TEXT, text)) {
      CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
      tokens.reset();
      while (tokens.incrementToken()) {
        String value = term.toString();
        if (terms.containsKey(value) || terms.size() < MAX_QUERY_TERMS) {
          terms.merge(value, 1, Integer::sum);
        }
      }
      tokens.end();
    }
    if (terms.isEmpty()) {
      return null;
    }
    BooleanQuery.Builder query = new BooleanQuery.Builder();
    terms.forEach(
        (value, count) -> {
          Query clause = new TermQuery(new Term(TEXT, value));
          query.add(count == 1 ? clause : new BoostQuery(clause, count), BooleanClause.Occur.SHOULD);
        });
    return query.build();
  }

  /** The best {@code n} pages, by BM25 score then page id. */
  List<Match> search(Query query, int n, Collection<String> documentIds) throws IOException {
    Query filtered = query;
    if (!documentIds.isEmpty()) {
      List<BytesRef> ids = documentIds.stream().map(BytesRef::new).toList();
      filtered =
          new BooleanQuery.Builder()
              .add(query, BooleanClause.Occur.MUST)
              .add(new TermInSetQuery(DOCUMENT_ID, ids), BooleanClause.Occur.FILTER)
              .build();
    }
    IndexSearcher searcher = searchers.acquire();
    try {
      TopFieldDocs top = searcher.search(filtered, n, SCORE_THEN_PAGE_ID, true);
      // The page id is the second sort key, so every hit carries it: no stored field is read
      // (decompressing stored-field blocks for 100 hits cost more than the BM25 search).
      List<Match> matches = new ArrayList<>(top.scoreDocs.length);
      for (ScoreDoc hit : top.scoreDocs) {
        matches.add(new Match((Long) ((FieldDoc) hit).fields[1], hit.score));
      }
      return matches;
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * The {@code n} pages whose best text chunk is nearest {@code query} (a unit vector), by that
   * chunk's score: Lucene's dot-product score, (1 + cosine) / 2.
   */
  List<Match> nearest(float[] query, int n, Collection<String> documentIds) throws IOException {
    Query filter = documentIds.isEmpty() ? null
        : new TermInSetQuery(DOCUMENT_ID, documentIds.stream().map(BytesRef::new).toList());
    // pages have several chunks: ask for more chunks than pages, then keep each page's best
    int chunks = Math.min(10_000, n * 4);
    Query knn = new org.apache.lucene.search.KnnFloatVectorQuery(TEXT_VECTOR, query, chunks, filter);
    IndexSearcher searcher = searchers.acquire();
    try {
      org.apache.lucene.search.TopDocs top = searcher.search(knn, chunks);
      Map<Long, Float> best = new LinkedHashMap<>();
      for (ScoreDoc hit : top.scoreDocs) {
        org.apache.lucene.index.LeafReaderContext leaf = searcher.getIndexReader().leaves()
            .get(org.apache.lucene.index.ReaderUtil.subIndex(hit.doc, searcher.getIndexReader().leaves()));
        org.apache.lucene.index.NumericDocValues ids = leaf.reader().getNumericDocValues(PAGE_ID);
        if (ids == null || !ids.advanceExact(hit.doc - leaf.docBase)) {
          continue;
        }
        best.merge(ids.longValue(), hit.score, Math::max);
      }
      return best.entrySet().stream()
          .sorted(Map.Entry.<Long, Float>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
          .limit(n)
          .map(e -> new Match(e.getKey(), e.getValue()))
          .toList();
    } finally {
      searchers.release(searcher);
    }
  }

  /** The passage of {@code text} that best matches, HTML-escaped, or the start of the text. */
  String snippet(Query query, String text) throws IOException {
    Object snippet = highlighter.highlightWithoutSearcher(TEXT, query, text, 1);
    return snippet == null ? "" : snippet.toString().strip();
  }

  long sizeBytes() throws IOException {
    long total = 0;
    for (String file : directory.listAll()) {
      try {
        total += directory.fileLength(file);
      } catch (NoSuchFileException e) {
        // Merged away while we listed.
      }
    }
    return total;
  }

  /** Searchable pages of one document, or of all documents when {@code documentId} is null. */
  int pageCount(String documentId) throws IOException {
    IndexSearcher searcher = searchers.acquire();
    try {
      // chunk documents (text vectors) are not pages
      Query pages = new BooleanQuery.Builder()
          .add(documentId == null ? new org.apache.lucene.search.MatchAllDocsQuery()
              : new TermQuery(new Term(DOCUMENT_ID, documentId)), BooleanClause.Occur.MUST)
          .add(new org.apache.lucene.search.FieldExistsQuery(TEXT_VECTOR), BooleanClause.Occur.MUST_NOT)
          .build();
      return searcher.count(pages);
    } finally {
      searchers.release(searcher);
    }
  }

  @Override
  public synchronized void close() throws IOException {
    try {
      commitPending();
    } finally {
      IOUtils.close(searchers, writer, analyzer, directory);
    }
  }
}
