package dev.quire.datasets.vidore;

import dev.quire.datasets.Qrels;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;

/**
 * ViDoRe v1: one question-answer table. Replicates vidore-benchmark's {@code ViDoReEvaluatorQA}:
 *
 * <ul>
 *   <li>the corpus is every distinct page, identified by {@code image_filename}, in first-seen
 *       order (rows repeat a page when several queries ask about it);
 *   <li>rows whose {@code query} is null only add corpus pages;
 *   <li>queries are deduplicated by exact text, keeping first-seen order ({@code
 *       deduplicate_dataset_rows}), and a duplicated text keeps one relevant page: the {@code
 *       image_filename} of its last row (the evaluator builds {@code {query: image_filename}} over
 *       all rows, so later rows overwrite earlier ones), with relevance 1.
 * </ul>
 *
 * <p>The evaluator uses the query text as the query id; runs need ids without spaces, so queries
 * are numbered 0, 1, ... in that order instead, which is also the id vidore-benchmark's QA-to-BEIR
 * conversion assigns. The evaluator's {@code ignore_identical_ids} never applies (a query id is
 * never an image file name here). Note the BEIR conversion differs: it keeps every row's page as
 * relevant, so a duplicated query can have several relevant pages there.
 */
final class QaDataset implements EvalDataset {

  private static final String QUERY = "query";
  private static final String IMAGE = "image";
  private static final String FILENAME = "image_filename";
  private static final String TEXT = "text_description";

  private final Path folder;
  private final ParquetTable table;
  private List<EvalQuery> queries;
  private Qrels qrels;

  private QaDataset(Path folder, ParquetTable table) {
    this.folder = folder;
    this.table = table;
  }

  static QaDataset open(Path folder, String split) throws IOException {
    ParquetTable table = ParquetTable.open(folder.resolve("data"), split);
    table.requireColumns(QUERY, IMAGE, FILENAME);
    return new QaDataset(folder, table);
  }

  @Override
  public DatasetVersion version() {
    return DatasetVersion.V1;
  }

  @Override
  public Path folder() {
    return folder;
  }

  @Override
  public int corpusSize() throws IOException {
    try (Stream<Group> rows = table.rows(List.of(FILENAME))) {
      return (int) rows.map(this::filename).distinct().count();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public Optional<String> textColumn() {
    return table.hasColumn(TEXT) ? Optional.of(TEXT) : Optional.empty();
  }

  @Override
  public Stream<CorpusPage> corpus() {
    boolean hasText = table.hasColumn(TEXT);
    List<String> columns = hasText ? List.of(FILENAME, IMAGE, TEXT) : List.of(FILENAME, IMAGE);
    Set<String> seen = new HashSet<>();
    return table.rows(columns)
        .filter(row -> seen.add(filename(row)))
        .map(row -> {
          String id = filename(row);
          byte[] image = ParquetTable.imageBytes(row, IMAGE);
          if (image == null) {
            throw new UncheckedIOException(new IOException("page " + id + " in " + table.folder()
                + " has no image bytes (image.path = " + ParquetTable.imagePath(row, IMAGE) + ")"));
          }
          return new CorpusPage(id, image, hasText ? ParquetTable.string(row, TEXT) : null);
        });
  }

  @Override
  public synchronized Stream<EvalQuery> queries() throws IOException {
    load();
    return queries.stream();
  }

  @Override
  public synchronized Qrels qrels() throws IOException {
    load();
    return qrels;
  }

  /** One pass over the query and file name columns (no images) builds both queries and qrels. */
  private void load() throws IOException {
    if (queries != null) {
      return;
    }
    Map<String, String> relevantPage = new LinkedHashMap<>();
    try (Stream<Group> rows = table.rows(List.of(QUERY, FILENAME))) {
      rows.forEach(row -> {
        String query = ParquetTable.string(row, QUERY);
        if (query != null) {
          // put keeps the first insertion position and the last value: first-seen order, last page.
          relevantPage.put(query, filename(row));
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
    if (relevantPage.isEmpty()) {
      throw new IOException("no query in " + table.files() + ": every query value is null");
    }
    List<EvalQuery> list = new ArrayList<>(relevantPage.size());
    Qrels.Builder judgments = Qrels.builder();
    for (Map.Entry<String, String> entry : relevantPage.entrySet()) {
      String id = Integer.toString(list.size());
      list.add(new EvalQuery(id, entry.getKey(), Optional.empty()));
      judgments.add(id, entry.getValue(), 1);
    }
    queries = List.copyOf(list);
    qrels = judgments.build();
  }

  private String filename(Group row) {
    String name = ParquetTable.string(row, FILENAME);
    if (name == null || name.isEmpty()) {
      throw new UncheckedIOException(new IOException("a row of " + table.folder() + " has no image_filename"));
    }
    return name;
  }
}
