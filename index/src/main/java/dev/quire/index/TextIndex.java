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
import java.util.concurrent.atomic.AtomicBoolean;
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
  /**
   * The same text lower-cased but neither stemmed nor stripped of stop words, with positions: exact
   * word forms and word order count, which a pasted sentence needs (a stemmed field alone ranked the
   * right page first 5 points less often than a plain BM25 on the known-item set; see
   * {@link #parse}).
   */
  static final String EXACT_TEXT = "text.exact";
  static final String SEQUENCE = "quire.sequence";
  /**
   * The fields and analysis of the BM25 documents; an index committed under another (or none)
   * rebuilds its text index from the page store when opened.
   */
  static final String SCHEMA = "quire.textSchema";
  static final String CURRENT_SCHEMA = "3";
  /**
   * The document's metadata, one term per key/value pair on each of its pages and text chunks, so
   * that a {@link PageFilter} is a Lucene filter (schema 3). Pairs too long for a Lucene term go to
   * {@link #METADATA_DIGEST} as a SHA-256 of the same term.
   */
  static final String METADATA = "metadata";
  static final String METADATA_DIGEST = "metadata.sha256";
  /** Longer pair terms are indexed (and looked up) by digest; Lucene's limit is 32766 bytes. */
  static final int MAX_METADATA_TERM_BYTES = 1024;
  /** A page text chunk's vector (HNSW, scalar-quantised); chunk documents carry no text. */
  static final String TEXT_VECTOR = "textVector";

  /**
   * Distinct query terms kept per field, and word pairs: Lucene refuses queries of more than 1024
   * clauses in all (two fields' terms, the pairs, and the boolean queries holding them).
   */
  static final int MAX_QUERY_TERMS = 400;
  static final int MAX_QUERY_PAIRS = 200;

  /** Weight of the exact-form match against the stemmed one (measured, see {@link #parse}). */
  static final float EXACT_WEIGHT = 0.5f;
  /** Weight of adjacent query word pairs found near each other (within 2 positions) on the page. */
  static final float PAIR_WEIGHT = 0.5f;
  static final int PAIR_SLOP = 2;

  private static final int SNIPPET_CHARS = 200;
  private static final Sort SCORE_THEN_PAGE_ID =
      new Sort(SortField.FIELD_SCORE, new SortField(PAGE_ID, SortField.Type.LONG));

  /** One page as the text index sees it. */
  private record PageText(
      long pageId, int pageNumber, String text, float[][] vectors, Map<String, String> metadata) {}

  /** A page the text index matched, before the page store confirms it is still visible. */
  record Match(long pageId, float score) {}

  /**
   * A parsed free-text query: {@code terms} ranks every page (cheap: Lucene skips the pages that
   * cannot make the top), {@code pairs} (null when the query has one word) reorders the best
   * {@link #RESCORE_WINDOW} of them, as reading positions for every matching page cost 18 times
   * the terms' time on the known-item set.
   */
  record TextQuery(Query terms, Query pairs) {}

  /** How many of the terms' best pages the word pairs reorder (at least the pages asked for). */
  static final int RESCORE_WINDOW = 200;

  private final Directory directory;
  private final Analyzer analyzer;
  private final Analyzer exactAnalyzer;
  private final IndexWriter writer;
  private final SearcherManager searchers;
  private final UnifiedHighlighter highlighter;
  private volatile long committedSequence;

  /** The schema of the committed documents: {@link #CURRENT_SCHEMA} once rebuilt. */
  private String schema;

  // Guarded by this: the change log is applied in sequence order.
  private long appliedSequence;
  private int uncommittedChanges;

  private TextIndex(Directory directory, Analyzer analyzer, Analyzer exactAnalyzer, IndexWriter writer)
      throws IOException {
    this.directory = directory;
    this.analyzer = analyzer;
    this.exactAnalyzer = exactAnalyzer;
    this.writer = writer;
    this.searchers = new SearcherManager(writer, null);
    this.highlighter =
        UnifiedHighlighter.builderWithoutSearcher(analyzer)
            .withBreakIterator(
                () ->
                    LengthGoalBreakIterator.createClosestToLength(
                        BreakIterator.getWordInstance(Locale.ROOT), SNIPPET_CHARS, 0.5f))
            .withFormatter(new SnippetFormatter())
            .withMaxLength(Integer.MAX_VALUE - 1)
            .build();
    this.committedSequence = commitData(writer, SEQUENCE).map(Long::parseLong).orElse(0L);
    this.appliedSequence = committedSequence;
    this.schema = commitData(writer, SCHEMA).orElse(writer.getDocStats().maxDoc == 0 ? CURRENT_SCHEMA : "1");
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
    Analyzer exactAnalyzer = new org.apache.lucene.analysis.standard.StandardAnalyzer(
        org.apache.lucene.analysis.CharArraySet.EMPTY_SET);
    try {
      IndexWriterConfig config =
          new IndexWriterConfig(new org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper(
                  analyzer, Map.of(EXACT_TEXT, exactAnalyzer)))
              .setCodec(quantized ? CODEC : FLOAT32_CODEC)
              .setOpenMode(IndexWriterConfig.OpenMode.CREATE_OR_APPEND)
              // Commits happen when we say, with the change-log sequence they contain.
              .setCommitOnClose(false);
      return new TextIndex(directory, analyzer, exactAnalyzer, new IndexWriter(directory, config));
    } catch (IOException | RuntimeException e) {
      IOUtils.closeWhileHandlingException(analyzer, exactAnalyzer, directory);
      throw e;
    }
  }

  private static java.util.Optional<String> commitData(IndexWriter writer, String key) {
    Iterable<Map.Entry<String, String>> data = writer.getLiveCommitData();
    if (data != null) {
      for (Map.Entry<String, String> entry : data) {
        if (entry.getKey().equals(key)) {
          return java.util.Optional.of(entry.getValue());
        }
      }
    }
    return java.util.Optional.empty();
  }

  /** The last change-log sequence that a durable commit of this index contains. */
  long committedSequence() {
    return committedSequence;
  }

  /** At open: replays the change log past the last commit, or rebuilds, then commits. */
  synchronized void recover(PageStore store) throws IOException {
    long prunedThrough = store.read(tx -> tx.counter(PageStore.Meta.PRUNED_THROUGH));
    boolean oldSchema = !schema.equals(CURRENT_SCHEMA);
    if (appliedSequence < prunedThrough || oldSchema) {
      if (oldSchema) {
        LOG.info("text index was built with schema {}, this version uses {}; rebuilding it from the pages",
            schema, CURRENT_SCHEMA);
      } else {
        LOG.warn(
            "text index is behind the change log (sequence {} < {}); rebuilding it from the pages",
            appliedSequence,
            prunedThrough);
      }
      writer.deleteAll();
      List<String> ids =
          store.read(tx -> tx.documents().stream().map(PageStore.DocumentEntry::documentId).toList());
      for (String id : ids) {
        replace(id, store.read(tx -> pageTexts(tx, id)));
      }
      appliedSequence = store.read(PageStore.Tx::lastSequence);
      schema = CURRENT_SCHEMA;
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
      pages.add(new PageText(pageId, entry.pageNumbers()[i], tx.text(pageId), tx.textVectors(pageId),
          entry.record().metadata()));
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
      document.add(new TextField(EXACT_TEXT, page.text(), Field.Store.NO));
      addMetadata(document, page.metadata());
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
        addMetadata(chunk, page.metadata()); // the dense stage filters chunks
        chunk.add(new org.apache.lucene.document.KnnFloatVectorField(TEXT_VECTOR, vector,
            org.apache.lucene.index.VectorSimilarityFunction.DOT_PRODUCT));
        documents.add(chunk);
      }
    }
    // One atomic block: a refreshed searcher sees all of the new pages or none.
    writer.updateDocuments(term, documents);
  }

  private static void addMetadata(Document document, Map<String, String> metadata) {
    metadata.forEach((key, value) -> {
      Term term = metadataTerm(key, value);
      document.add(new StringField(term.field(), term.bytes(), Field.Store.NO));
    });
  }

  /**
   * The term of one metadata pair: the key's length, the key, then the value, so no two pairs share
   * a term; a pair longer than {@link #MAX_METADATA_TERM_BYTES} is its SHA-256 in another field.
   */
  static Term metadataTerm(String key, String value) {
    byte[] bytes = (key.length() + ":" + key + "=" + value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    if (bytes.length <= MAX_METADATA_TERM_BYTES) {
      return new Term(METADATA, new BytesRef(bytes));
    }
    try {
      return new Term(METADATA_DIGEST,
          new BytesRef(java.security.MessageDigest.getInstance("SHA-256").digest(bytes)));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The Lucene filter of a page filter; null when it lets every page through. */
  static Query filter(PageFilter filter) {
    if (filter.isNone()) {
      return null;
    }
    BooleanQuery.Builder query = new BooleanQuery.Builder();
    if (filter.documentIds() != null) {
      query.add(filter.documentIds().isEmpty() ? new org.apache.lucene.search.MatchNoDocsQuery()
          : new TermInSetQuery(DOCUMENT_ID, filter.documentIds().stream().map(BytesRef::new).toList()),
          BooleanClause.Occur.FILTER);
    }
    filter.metadata().forEach((key, value) ->
        query.add(new TermQuery(metadataTerm(key, value)), BooleanClause.Occur.FILTER));
    return query.build();
  }

  /** Makes everything applied so far durable, recording its sequence in the commit. */
  private synchronized void commitPending() throws IOException {
    if (uncommittedChanges == 0) {
      return;
    }
    writer.setLiveCommitData(Map.of(SEQUENCE, Long.toString(appliedSequence), SCHEMA, schema).entrySet());
    writer.commit();
    committedSequence = appliedSequence;
    uncommittedChanges = 0;
  }

  /**
   * Free text to a query, with no syntax to get wrong: the sum of BM25 over the stemmed field (each
   * analyzed term a SHOULD clause, boosted by its repetitions) and BM25 over the exact word forms
   * but the language's stop words, weighted {@link #EXACT_WEIGHT}; then each adjacent pair of query
   * words found within {@link #PAIR_SLOP} positions of each other adds {@link #PAIR_WEIGHT} times its
   * score to the best {@link #RESCORE_WINDOW} pages. Returns null when no term survives analysis
   * (empty or only stop words).
   *
   * <p>Measured on a known-item set from Debian's documentation PDFs (tools/known-item: 10,487
   * pages; 200 sentences copied from pages, 200 paraphrased) and the synthetic corpus's questions:
   * the stemmed field alone put the right page first for 90.5% of the copied sentences where a plain
   * BM25 over the same text did 94.5%; the exact forms bring the words back, the pairs their order.
   * The weights were chosen on the odd-numbered queries and hold on the even ones.
   */
  TextQuery parse(String text) throws IOException {
    List<String> exact = new ArrayList<>();
    List<Integer> positions = new ArrayList<>();
    Map<String, Integer> stemmed = terms(analyzer, TEXT, text, null, null);
    if (stemmed.isEmpty()) {
      return null;
    }
    Map<String, Integer> words = terms(exactAnalyzer, EXACT_TEXT, text, exact, positions);
    // Stop words stay in the pairs but not in the bag: their long posting lists tripled its cost and
    // changed no ranking on the known-item set.
    if (analyzer instanceof org.apache.lucene.analysis.StopwordAnalyzerBase language) {
      words.keySet().removeIf(word -> language.getStopwordSet().contains(word));
    }
    BooleanQuery.Builder query = new BooleanQuery.Builder();
    query.add(bag(TEXT, stemmed), BooleanClause.Occur.SHOULD);
    if (!words.isEmpty()) {
      query.add(new BoostQuery(bag(EXACT_TEXT, words), EXACT_WEIGHT), BooleanClause.Occur.SHOULD);
    }
    Query pairQuery = null;
    if (exact.size() > 1) {
      BooleanQuery.Builder pairs = new BooleanQuery.Builder();
      Set<String> seen = new java.util.HashSet<>();
      for (int i = 0; i + 1 < exact.size() && seen.size() < MAX_QUERY_PAIRS; i++) {
        if (seen.add(exact.get(i) + ' ' + exact.get(i + 1))) {
          pairs.add(new org.apache.lucene.search.PhraseQuery.Builder()
              .setSlop(PAIR_SLOP)
              .add(new Term(EXACT_TEXT, exact.get(i)), 0)
              .add(new Term(EXACT_TEXT, exact.get(i + 1)), positions.get(i + 1) - positions.get(i))
              .build(), BooleanClause.Occur.SHOULD);
        }
      }
      pairQuery = pairs.build();
    }
    return new TextQuery(query.build(), pairQuery);
  }

  /**
   * The analyzed terms of {@code text} with their counts, at most {@link #MAX_QUERY_TERMS} distinct
   * ones; when {@code sequence} is given, also every term in order with its position (the first
   * {@code MAX_QUERY_PAIRS + 1}).
   */
  static Map<String, Integer> terms(Analyzer analyzer, String field, String text, List<String> sequence,
      List<Integer> positions) throws IOException {
    Map<String, Integer> terms = new LinkedHashMap<>();
    try (TokenStream tokens = analyzer.tokenStream(field, text)) {
      CharTermAttribute term = tokens.addAttribute(CharTermAttribute.class);
      org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute increment =
          tokens.addAttribute(org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute.class);
      tokens.reset();
      int position = -1;
      while (tokens.incrementToken()) {
        position += increment.getPositionIncrement();
        String value = term.toString();
        if (terms.containsKey(value) || terms.size() < MAX_QUERY_TERMS) {
          terms.merge(value, 1, Integer::sum);
        }
        if (sequence != null && sequence.size() <= MAX_QUERY_PAIRS) {
          sequence.add(value);
          positions.add(position);
        }
      }
      tokens.end();
    }
    return terms;
  }

  static Query bag(String field, Map<String, Integer> terms) {
    BooleanQuery.Builder query = new BooleanQuery.Builder();
    terms.forEach(
        (value, count) -> {
          Query clause = new TermQuery(new Term(field, value));
          query.add(count == 1 ? clause : new BoostQuery(clause, count), BooleanClause.Occur.SHOULD);
        });
    return query.build();
  }

  /**
   * The best {@code n} pages, by score then page id: BM25 of the terms, plus {@link #PAIR_WEIGHT}
   * times the pairs' score for the best {@link #RESCORE_WINDOW} pages.
   */
  List<Match> search(TextQuery query, int n, PageFilter pageFilter) throws IOException {
    Query filter = filter(pageFilter);
    Query filtered = filter == null ? query.terms()
        : new BooleanQuery.Builder()
            .add(query.terms(), BooleanClause.Occur.MUST)
            .add(filter, BooleanClause.Occur.FILTER)
            .build();
    IndexSearcher searcher = searchers.acquire();
    try {
      if (query.pairs() != null) {
        int window = Math.max(n, RESCORE_WINDOW);
        org.apache.lucene.search.TopDocs rescored = org.apache.lucene.search.QueryRescorer.rescore(
            searcher, searcher.search(filtered, window), query.pairs(), PAIR_WEIGHT, window);
        List<Match> matches = new ArrayList<>(rescored.scoreDocs.length);
        for (ScoreDoc hit : rescored.scoreDocs) {
          long pageId = pageId(searcher, hit.doc);
          if (pageId >= 0) {
            matches.add(new Match(pageId, hit.score));
          }
        }
        return matches.stream()
            .sorted(java.util.Comparator.comparingDouble((Match m) -> -m.score()).thenComparingLong(Match::pageId))
            .limit(n)
            .toList();
      }
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
  List<Match> nearest(float[] query, int n, PageFilter pageFilter) throws IOException {
    Query filter = filter(pageFilter);
    // pages have several chunks: ask for more chunks than pages, then keep each page's best
    int chunks = Math.min(10_000, n * 4);
    Query knn = new org.apache.lucene.search.KnnFloatVectorQuery(TEXT_VECTOR, query, chunks, filter);
    IndexSearcher searcher = searchers.acquire();
    try {
      org.apache.lucene.search.TopDocs top = searcher.search(knn, chunks);
      Map<Long, Float> best = new LinkedHashMap<>();
      for (ScoreDoc hit : top.scoreDocs) {
        long pageId = pageId(searcher, hit.doc);
        if (pageId >= 0) {
          best.merge(pageId, hit.score, Math::max);
        }
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

  /** The page id of a Lucene document (a page or a chunk of one), or -1 if it has none. */
  private static long pageId(IndexSearcher searcher, int doc) throws IOException {
    List<org.apache.lucene.index.LeafReaderContext> leaves = searcher.getIndexReader().leaves();
    org.apache.lucene.index.LeafReaderContext leaf = leaves.get(org.apache.lucene.index.ReaderUtil.subIndex(doc, leaves));
    org.apache.lucene.index.NumericDocValues ids = leaf.reader().getNumericDocValues(PAGE_ID);
    return ids != null && ids.advanceExact(doc - leaf.docBase) ? ids.longValue() : -1;
  }

  /** The passage of {@code text} that best matches, with its matches, or the start of the text. */
  Snippet snippet(TextQuery query, String text) throws IOException {
    Object snippet = highlighter.highlightWithoutSearcher(TEXT, query.terms(), text, 1);
    return snippet instanceof Snippet s ? s : Snippet.EMPTY;
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

  /** The page documents (text chunks have a vector, pages none) that {@code pageFilter} lets through. */
  private Query pagesPassing(PageFilter pageFilter) {
    Query filter = filter(pageFilter);
    return new BooleanQuery.Builder()
        .add(filter == null ? new org.apache.lucene.search.MatchAllDocsQuery() : filter, BooleanClause.Occur.FILTER)
        .add(new org.apache.lucene.search.FieldExistsQuery(TEXT_VECTOR), BooleanClause.Occur.MUST_NOT)
        .build();
  }

  /**
   * The pages (not text chunks) the filter lets through, in page id order: the candidates of a
   * filtered exhaustive search.
   */
  long[] pageIds(PageFilter pageFilter) throws IOException {
    Query pages = pagesPassing(pageFilter);
    IndexSearcher searcher = searchers.acquire();
    try {
      return searcher.search(pages, new org.apache.lucene.search.CollectorManager<PageIdCollector, long[]>() {
        @Override
        public PageIdCollector newCollector() {
          return new PageIdCollector(java.util.stream.LongStream.builder());
        }

        @Override
        public long[] reduce(Collection<PageIdCollector> collectors) {
          return collectors.stream().flatMapToLong(c -> c.ids().build()).sorted().toArray();
        }
      });
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * Whether any page (not text chunk) passes the filter. Asked before every filtered search, so it
   * stops at the first page found rather than counting them all.
   */
  boolean anyPage(PageFilter pageFilter) throws IOException {
    Query pages = pagesPassing(pageFilter);
    IndexSearcher searcher = searchers.acquire();
    try {
      AtomicBoolean found = new AtomicBoolean();
      return searcher.search(pages, new org.apache.lucene.search.CollectorManager<FirstHit, Boolean>() {
        @Override
        public FirstHit newCollector() {
          return new FirstHit(found); // shared: a hit in one slice ends the others too
        }

        @Override
        public Boolean reduce(Collection<FirstHit> collectors) {
          return found.get();
        }
      });
    } finally {
      searchers.release(searcher);
    }
  }

  /**
   * Notes that a document matched and ends the search: the leaf it is in at its first hit, every
   * later leaf before it is read (the searcher catches the exception for that leaf only).
   */
  private record FirstHit(AtomicBoolean found) implements org.apache.lucene.search.Collector {
    @Override
    public org.apache.lucene.search.LeafCollector getLeafCollector(
        org.apache.lucene.index.LeafReaderContext context) {
      if (found.get()) {
        throw new org.apache.lucene.search.CollectionTerminatedException();
      }
      return new org.apache.lucene.search.LeafCollector() {
        @Override
        public void setScorer(org.apache.lucene.search.Scorable scorer) {}

        @Override
        public void collect(int doc) {
          found.set(true);
          throw new org.apache.lucene.search.CollectionTerminatedException();
        }
      };
    }

    @Override
    public org.apache.lucene.search.ScoreMode scoreMode() {
      return org.apache.lucene.search.ScoreMode.COMPLETE_NO_SCORES;
    }
  }

  /** Collects the page ids (doc values) of the documents that match. */
  private record PageIdCollector(java.util.stream.LongStream.Builder ids)
      implements org.apache.lucene.search.Collector {
    @Override
    public org.apache.lucene.search.LeafCollector getLeafCollector(
        org.apache.lucene.index.LeafReaderContext context) throws IOException {
      org.apache.lucene.index.NumericDocValues values = context.reader().getNumericDocValues(PAGE_ID);
      return new org.apache.lucene.search.LeafCollector() {
        @Override
        public void setScorer(org.apache.lucene.search.Scorable scorer) {}

        @Override
        public void collect(int doc) throws IOException {
          if (values != null && values.advanceExact(doc)) {
            ids.accept(values.longValue());
          }
        }
      };
    }

    @Override
    public org.apache.lucene.search.ScoreMode scoreMode() {
      return org.apache.lucene.search.ScoreMode.COMPLETE_NO_SCORES;
    }
  }

  /** Searchable pages of one document, or of all documents when {@code documentId} is null. */
  int pageCount(String documentId) throws IOException {
    Query pages =
        pagesPassing(documentId == null ? PageFilter.NONE : PageFilter.documents(Set.of(documentId)));
    IndexSearcher searcher = searchers.acquire();
    try {
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
      IOUtils.close(searchers, writer, analyzer, exactAnalyzer, directory);
    }
  }
}
