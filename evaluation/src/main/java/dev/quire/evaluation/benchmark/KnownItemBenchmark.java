package dev.quire.evaluation.benchmark;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.Quire;
import dev.quire.datasets.Qrels;
import dev.quire.datasets.ReaderConfig;
import dev.quire.datasets.vidore.EvalQuery;
import dev.quire.evaluation.Evaluation;
import dev.quire.evaluation.Measure;
import dev.quire.evaluation.Metric;
import dev.quire.evaluation.Metrics;
import dev.quire.evaluation.Run;
import dev.quire.evaluation.ScoredDoc;
import dev.quire.index.DocumentRecord;
import dev.quire.indexing.IndexListener;
import dev.quire.indexing.IndexReport;
import dev.quire.retrieval.SearchHit;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A known-item set: PDFs under {@code corpus/} and {@code queries.jsonl}, each query answered by one
 * page ({@code {"id", "kind", "query", "file", "page"}}, {@code file} relative to {@code corpus/}).
 * Each kind of query (say {@code copied} sentences and {@code paraphrased} ones) is its own
 * benchmark, all over one index; page ids are {@code <file>#<page>}.
 *
 * <p>Besides the engine's rankings, each reports a plain BM25 over the very text the engine stored
 * ({@link PlainBm25}), so a difference in ranking cannot hide behind text extraction.
 */
public final class KnownItemBenchmark implements Benchmark {

  public static final String QUERIES = "queries.jsonl";
  public static final String CORPUS = "corpus";

  /** One line of {@code queries.jsonl}. */
  public record KnownItem(String id, String kind, String query, String file, int page) {
    public String pageId() {
      return file + "#" + page;
    }
  }

  private final Path folder;
  private final String kind;
  private final List<KnownItem> items;
  private final String indexKey;
  private final List<Path> corpusPaths;

  private KnownItemBenchmark(Path folder, String kind, List<KnownItem> items, String indexKey) throws IOException {
    Path corpus = folder.resolve(CORPUS).toAbsolutePath().normalize();
    this.corpusPaths = List.of(corpus, corpus.toRealPath());
    this.folder = folder;
    this.kind = kind;
    this.items = items;
    this.indexKey = indexKey;
  }

  /** One benchmark per kind of query in {@code folder/queries.jsonl}, in order of first appearance. */
  public static List<KnownItemBenchmark> open(Path folder) throws IOException {
    Path corpus = folder.resolve(CORPUS);
    if (!Files.isDirectory(corpus)) {
      throw new IOException(folder + " is not a known-item set: it has no " + CORPUS + "/ folder of PDFs"
          + " (tools/known-item/fetch-debian-docs.sh makes one)");
    }
    List<KnownItem> all = read(folder.resolve(QUERIES));
    for (KnownItem item : all) {
      if (!Files.isRegularFile(corpus.resolve(item.file()))) {
        throw new IOException(QUERIES + ": query " + item.id() + " points at " + item.file()
            + ", which is not under " + corpus);
      }
    }
    Map<String, List<KnownItem>> byKind = new LinkedHashMap<>();
    all.forEach(item -> byKind.computeIfAbsent(item.kind(), k -> new ArrayList<>()).add(item));
    String key = indexKey(corpus);
    List<KnownItemBenchmark> benchmarks = new ArrayList<>();
    for (Map.Entry<String, List<KnownItem>> kind : byKind.entrySet()) {
      benchmarks.add(new KnownItemBenchmark(folder, kind.getKey(), List.copyOf(kind.getValue()), key));
    }
    return benchmarks;
  }

  /** Reads and checks {@code queries.jsonl}: ids unique, every field present, pages from 1. */
  static List<KnownItem> read(Path file) throws IOException {
    ObjectMapper json = new ObjectMapper()
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    List<KnownItem> items = new ArrayList<>();
    java.util.Set<String> ids = new java.util.HashSet<>();
    try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int number = 0;
      while ((line = lines.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        String where = file.getFileName() + " line " + number;
        JsonNode node;
        try {
          node = json.readTree(line);
        } catch (IOException e) {
          throw new IOException(where + ": not JSON: " + e.getMessage(), e);
        }
        String id = text(node, "id", where);
        String query = text(node, "query", where);
        if (query.isBlank()) {
          throw new IOException(where + ": the query is empty");
        }
        JsonNode page = node.get("page");
        if (page == null || !page.canConvertToInt() || !page.isIntegralNumber() || page.intValue() < 1) {
          throw new IOException(where + ": \"page\" must be a page number from 1");
        }
        if (!ids.add(id)) {
          throw new IOException(where + ": query id " + id + " appears twice");
        }
        String kind = text(node, "kind", where);
        if (!kind.matches("[a-z0-9][a-z0-9-]*")) {
          throw new IOException(where + ": kind \"" + kind + "\" must be lower-case letters, digits and dashes");
        }
        items.add(new KnownItem(id, kind, query, text(node, "file", where), page.intValue()));
      }
    }
    if (items.isEmpty()) {
      throw new IOException(file + " has no queries");
    }
    return items;
  }

  private static String text(JsonNode node, String field, String where) throws IOException {
    JsonNode value = node.get(field);
    if (value == null || !value.isTextual()) {
      throw new IOException(where + ": \"" + field + "\" must be a string");
    }
    return value.textValue();
  }

  /** The files and their sizes: a changed corpus gets a new index. */
  private static String indexKey(Path corpus) throws IOException {
    StringBuilder key = new StringBuilder("known-item " + corpus.toAbsolutePath().normalize());
    try (Stream<Path> files = Files.walk(corpus.toRealPath())) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        key.append('\n').append(corpus.toRealPath().relativize(file)).append(' ').append(Files.size(file));
      }
    }
    return key.toString();
  }

  @Override
  public String name() {
    return folder.toAbsolutePath().normalize().getFileName() + "-" + kind;
  }

  @Override
  public String indexName() {
    return folder.toAbsolutePath().normalize().getFileName() + "-known-item";
  }

  @Override
  public String kind() {
    return "known-item (" + kind + ")";
  }

  @Override
  public String source() {
    return folder.toAbsolutePath().normalize() + " (" + items.size() + " " + kind + " queries)";
  }

  /** Whether the known page comes first: P@1, as each query has one relevant page. */
  @Override
  public Metric primaryMetric() {
    return new Metric(Measure.PRECISION, 1);
  }

  @Override
  public String pageText() {
    return "the PDF text layer (no OCR)";
  }

  @Override
  public String indexKey() {
    return indexKey;
  }

  @Override
  public ReaderConfig readerConfig() {
    return ReaderConfig.defaults().withOcr(false);
  }

  @Override
  public IndexReport index(Quire quire, IndexListener listener) throws IOException {
    return quire.index(List.of(folder.resolve(CORPUS)), listener);
  }

  @Override
  public List<EvalQuery> queries() {
    return items.stream().map(item -> new EvalQuery(item.id(), item.query(), Optional.empty())).toList();
  }

  @Override
  public Qrels qrels() {
    Qrels.Builder qrels = Qrels.builder();
    items.forEach(item -> qrels.add(item.id(), item.pageId(), 1));
    return qrels.build();
  }

  @Override
  public String pageId(SearchHit hit) {
    return file(hit.sourcePath()) + "#" + hit.pageNumber();
  }

  /** A page's file relative to {@code corpus/}, whether the engine recorded it through a link or not. */
  private String file(String sourcePath) {
    Path source = Path.of(sourcePath).toAbsolutePath().normalize();
    for (Path corpus : corpusPaths) {
      if (source.startsWith(corpus)) {
        return corpus.relativize(source).toString().replace('\\', '/');
      }
    }
    return source.toString();
  }

  @Override
  public List<String> referenceNotes(Quire quire, List<EvalQuery> queries, Metrics metrics) throws IOException {
    List<DocumentRecord> documents = quire.documents();
    PlainBm25.Builder builder = PlainBm25.builder();
    for (DocumentRecord document : documents) {
      String file = file(document.sourcePath());
      for (int page = 1; page <= document.pageCount(); page++) {
        builder.add(file + "#" + page, quire.pageText(document.documentId(), page).orElse(""));
      }
    }
    PlainBm25 bm25 = builder.build();
    java.util.Set<String> searched = new java.util.HashSet<>();
    queries.forEach(q -> searched.add(q.id()));
    Run.Builder run = Run.builder();
    Qrels.Builder qrels = Qrels.builder();
    for (KnownItem item : items) {
      if (!searched.contains(item.id())) {
        continue;
      }
      qrels.add(item.id(), item.pageId(), 1);
      run.addQuery(item.id());
      for (ScoredDoc hit : bm25.search(item.query(), 100)) {
        run.add(item.id(), hit.docId(), hit.score());
      }
    }
    Evaluation evaluation = metrics.evaluate(qrels.build(), run.build());
    StringBuilder line = new StringBuilder("reference: a plain BM25 (" + PlainBm25.DESCRIPTION + ") over the text"
        + " the engine stored, " + bm25.size() + " pages:");
    for (Metric metric : List.of(new Metric(Measure.PRECISION, 1), new Metric(Measure.RECALL, 10),
        new Metric(Measure.MRR, 10), new Metric(Measure.NDCG, 10))) {
      line.append(String.format(Locale.ROOT, " %s %.3f", metric, evaluation.mean(metric)));
    }
    return List.of(line.toString());
  }
}
