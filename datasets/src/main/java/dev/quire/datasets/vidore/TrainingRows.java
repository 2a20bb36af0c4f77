package dev.quire.datasets.vidore;

import dev.quire.datasets.Qrels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.parquet.example.data.Group;

/**
 * ViDoRe-style Parquet read for fine-tuning rather than evaluation: each row as it is, a missing
 * query or image left for the caller to count and skip (the evaluation readers fail on those, as a
 * benchmark must be complete; training data need only be mostly usable). Rows stream a row group at
 * a time as {@link EvalDataset}'s do; image bytes stay encoded.
 *
 * <p>Streams hold open files: use them in try-with-resources. Read errors during iteration are
 * {@link java.io.UncheckedIOException}s naming the file.
 */
public final class TrainingRows {

  private static final String QUERY = "query";
  private static final String IMAGE = "image";
  private static final String FILENAME = "image_filename";
  /** colpali-engine's older collators read a hard-negative page image from this column. */
  private static final String NEGATIVE_IMAGE = "neg_image";
  /** The source document's id, as ViDoRe v3 names it. */
  private static final String DOCUMENT = "doc_id";

  private TrainingRows() {}

  /**
   * A row of a question-answer table such as {@code vidore/colpali_train_set}.
   *
   * @param index the row's position in the split, from 0 across its shards
   * @param query null when the row has none
   * @param image the encoded page image, null when the row has no bytes
   * @param imageFilename the {@code image_filename} column, null when absent
   * @param document the {@code doc_id} column, null when absent
   * @param negativeImage the {@code neg_image} column's bytes, null when absent
   */
  public record QaRow(long index, String query, byte[] image, String imageFilename, String document,
      byte[] negativeImage) {}

  /**
   * A page of a BEIR corpus.
   *
   * @param document the {@code doc-id} (v2) or {@code doc_id} (v3) column, null when absent
   * @param image the encoded page image, null when the row has no bytes
   */
  public record CorpusImage(String id, String document, byte[] image) {}

  /** A query of a BEIR folder; {@code text} null when the row has none. */
  public record QueryText(String id, String text) {}

  /**
   * The rows of a question-answer table: the Parquet files of {@code split} in {@code folder/data}
   * (the Hugging Face layout) or, without that folder, in {@code folder} itself. Needs {@code query}
   * and {@code image} columns.
   */
  public static Stream<QaRow> qaRows(Path folder, String split) throws IOException {
    Path data = Files.isDirectory(folder.resolve("data")) ? folder.resolve("data") : folder;
    ParquetTable table = ParquetTable.open(data, split);
    table.requireColumns(QUERY, IMAGE);
    List<String> columns = new ArrayList<>(List.of(QUERY, IMAGE));
    for (String optional : List.of(FILENAME, DOCUMENT, NEGATIVE_IMAGE)) {
      if (table.hasColumn(optional)) {
        columns.add(optional);
      }
    }
    AtomicLong index = new AtomicLong();
    return table.rows(columns).map(row -> new QaRow(index.getAndIncrement(), ParquetTable.string(row, QUERY),
        ParquetTable.imageBytes(row, IMAGE), optionalString(row, FILENAME), optionalString(row, DOCUMENT),
        row.getType().containsField(NEGATIVE_IMAGE) ? ParquetTable.imageBytes(row, NEGATIVE_IMAGE) : null));
  }

  /** A BEIR folder ({@code corpus/}, {@code queries/}, {@code qrels/}) of ViDoRe v2 or v3. */
  public static Beir beir(Path folder, String split) throws IOException {
    EvalDataset dataset = EvalDataset.open(folder, split);
    if (!(dataset instanceof BeirDataset)) {
      throw new IOException(folder + " is not a BEIR folder (corpus/, queries/, qrels/)");
    }
    boolean v3 = dataset.version() == DatasetVersion.V3;
    return new Beir(dataset, ParquetTable.open(folder.resolve("corpus"), split),
        ParquetTable.open(folder.resolve("queries"), split), v3 ? "corpus_id" : "corpus-id",
        v3 ? "query_id" : "query-id", v3 ? "doc_id" : "doc-id");
  }

  /** The three tables of a BEIR folder, read row by row. */
  public static final class Beir {
    private final EvalDataset dataset;
    private final ParquetTable corpus;
    private final ParquetTable queries;
    private final String corpusId;
    private final String queryId;
    private final String documentId;

    private Beir(EvalDataset dataset, ParquetTable corpus, ParquetTable queries, String corpusId, String queryId,
        String documentId) {
      this.dataset = dataset;
      this.corpus = corpus;
      this.queries = queries;
      this.corpusId = corpusId;
      this.queryId = queryId;
      this.documentId = documentId;
    }

    /** The qrels as the evaluation reads them (the last score of a pair listed twice). */
    public Qrels qrels() throws IOException {
      return dataset.qrels();
    }

    /** The queries in dataset order. */
    public Stream<QueryText> queries() {
      return queries.rows(List.of(queryId, QUERY))
          .map(row -> new QueryText(ParquetTable.id(row, queryId), ParquetTable.string(row, QUERY)));
    }

    /** The corpus pages in dataset order, images encoded. */
    public Stream<CorpusImage> corpus() {
      boolean hasDocument = corpus.hasColumn(documentId);
      List<String> columns = hasDocument ? List.of(corpusId, IMAGE, documentId) : List.of(corpusId, IMAGE);
      return corpus.rows(columns).map(row -> new CorpusImage(ParquetTable.id(row, corpusId),
          hasDocument ? ParquetTable.id(row, documentId) : null, ParquetTable.imageBytes(row, IMAGE)));
    }
  }

  private static String optionalString(Group row, String field) {
    return row.getType().containsField(field) ? ParquetTable.string(row, field) : null;
  }
}
