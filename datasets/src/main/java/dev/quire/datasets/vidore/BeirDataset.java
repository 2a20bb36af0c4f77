package dev.quire.datasets.vidore;

import dev.quire.datasets.Qrels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;

/**
 * ViDoRe v2 and v3: BEIR layout, one folder per config ({@code corpus}, {@code queries}, {@code
 * qrels}; others such as {@code docs} or {@code documents_metadata} are ignored). Ids are read as
 * text (integers in decimal), as vidore-benchmark and MTEB cast them to str. A (query, page) pair
 * listed twice in the qrels keeps its last score, as their {@code qrels[q][c] = score} loops do.
 */
final class BeirDataset implements EvalDataset {

  /** Page text columns, most specific first. */
  private static final List<String> TEXT_COLUMNS = List.of("markdown", "text_description", "text");

  private final Path folder;
  private final DatasetVersion version;
  private final ParquetTable corpus;
  private final ParquetTable queryTable;
  private final ParquetTable qrelsTable;
  private final String corpusId;
  private final String queryId;
  private Qrels qrels;

  private BeirDataset(Path folder, DatasetVersion version, ParquetTable corpus, ParquetTable queries,
      ParquetTable qrels, String corpusId, String queryId) {
    this.folder = folder;
    this.version = version;
    this.corpus = corpus;
    this.queryTable = queries;
    this.qrelsTable = qrels;
    this.corpusId = corpusId;
    this.queryId = queryId;
  }

  static BeirDataset open(Path folder, String split) throws IOException {
    ParquetTable corpus = ParquetTable.open(folder.resolve("corpus"), split);
    DatasetVersion version;
    String corpusId;
    String queryId;
    if (corpus.hasColumn("corpus_id")) {
      version = DatasetVersion.V3;
      corpusId = "corpus_id";
      queryId = "query_id";
    } else if (corpus.hasColumn("corpus-id")) {
      version = DatasetVersion.V2;
      corpusId = "corpus-id";
      queryId = "query-id";
    } else {
      throw new IOException("corpus of " + folder + " has neither corpus_id (ViDoRe v3) nor corpus-id (v2) column");
    }
    corpus.requireColumns(corpusId, "image");
    ParquetTable queries = ParquetTable.open(folder.resolve("queries"), split);
    queries.requireColumns(queryId, "query");
    ParquetTable qrels = ParquetTable.open(folder.resolve("qrels"), split);
    qrels.requireColumns(queryId, corpusId, "score");
    return new BeirDataset(folder, version, corpus, queries, qrels, corpusId, queryId);
  }

  @Override
  public DatasetVersion version() {
    return version;
  }

  @Override
  public Path folder() {
    return folder;
  }

  @Override
  public int corpusSize() throws IOException {
    return Math.toIntExact(corpus.rowCount());
  }

  @Override
  public Optional<String> textColumn() {
    return TEXT_COLUMNS.stream().filter(corpus::hasColumn).findFirst();
  }

  @Override
  public Stream<CorpusPage> corpus() {
    String text = textColumn().orElse(null);
    List<String> columns = text == null ? List.of(corpusId, "image") : List.of(corpusId, "image", text);
    return corpus.rows(columns).map(row -> {
      String id = requireId(row, corpusId, corpus);
      byte[] image = ParquetTable.imageBytes(row, "image");
      if (image == null) {
        throw new UncheckedIOException(new IOException("page " + id + " in " + corpus.folder()
            + " has no image bytes (image.path = " + ParquetTable.imagePath(row, "image") + ")"));
      }
      return new CorpusPage(id, image, text == null ? null : ParquetTable.string(row, text));
    });
  }

  @Override
  public Stream<EvalQuery> queries() {
    boolean hasLanguage = queryTable.hasColumn("language");
    List<String> columns = hasLanguage ? List.of(queryId, "query", "language") : List.of(queryId, "query");
    return queryTable.rows(columns).map(row -> {
      String id = requireId(row, queryId, queryTable);
      String text = ParquetTable.string(row, "query");
      if (text == null) {
        throw new UncheckedIOException(new IOException("query " + id + " in " + queryTable.folder() + " has no text"));
      }
      return new EvalQuery(id, text, hasLanguage ? Optional.ofNullable(ParquetTable.string(row, "language")) : Optional.empty());
    });
  }

  @Override
  public synchronized Qrels qrels() throws IOException {
    if (qrels == null) {
      Map<String, Map<String, Integer>> scores = new LinkedHashMap<>();
      try (Stream<Group> rows = qrelsTable.rows(List.of(queryId, corpusId, "score"))) {
        rows.forEach(row -> {
          Long score = ParquetTable.integer(row, "score");
          String query = requireId(row, queryId, qrelsTable);
          if (score == null) {
            throw new UncheckedIOException(new IOException("a qrel of query " + query + " in " + qrelsTable.folder()
                + " has no score"));
          }
          scores.computeIfAbsent(query, q -> new LinkedHashMap<>())
              .put(requireId(row, corpusId, qrelsTable), Math.toIntExact(score));
        });
      } catch (UncheckedIOException e) {
        throw e.getCause();
      }
      Qrels.Builder builder = Qrels.builder();
      scores.forEach((query, docs) -> docs.forEach((doc, score) -> builder.add(query, doc, score)));
      qrels = builder.build();
    }
    return qrels;
  }

  private static String requireId(Group row, String column, ParquetTable table) {
    String id = ParquetTable.id(row, column);
    if (id == null || id.isEmpty()) {
      throw new UncheckedIOException(new IOException("a row of " + table.folder() + " has no " + column));
    }
    return id;
  }
}
