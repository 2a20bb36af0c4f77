package dev.quire.datasets.vidore;

import dev.quire.datasets.Qrels;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A ViDoRe benchmark as downloaded with {@code huggingface-cli download --repo-type dataset
 * <name> --local-dir <folder>}, read from its Parquet files. The corpus is streamed a row group at
 * a time, so a dataset larger than memory can be read; queries and qrels are small.
 *
 * <p>Streams hold open files: use them in try-with-resources. Read errors during iteration are
 * {@link java.io.UncheckedIOException}s naming the file.
 */
public interface EvalDataset {

  /** The split read when none is given. */
  String DEFAULT_SPLIT = "test";

  /**
   * Opens a downloaded dataset folder, detecting its version: {@code corpus/}, {@code queries/}
   * and {@code qrels/} folders are the BEIR layout (v3 if the corpus has {@code corpus_id}, v2 if
   * {@code corpus-id}); a {@code data/} folder with a {@code query} and an {@code image_filename}
   * column is v1.
   */
  static EvalDataset open(Path folder) throws IOException {
    return open(folder, DEFAULT_SPLIT);
  }

  /** As {@link #open(Path)}, reading the files of the given split ({@code <split>-*.parquet}). */
  static EvalDataset open(Path folder, String split) throws IOException {
    if (Files.isDirectory(folder.resolve("corpus"))
        && Files.isDirectory(folder.resolve("queries"))
        && Files.isDirectory(folder.resolve("qrels"))) {
      return BeirDataset.open(folder, split);
    }
    if (Files.isDirectory(folder.resolve("data"))) {
      return QaDataset.open(folder, split);
    }
    throw new IOException("not a ViDoRe dataset folder: " + folder + " has neither data/ (v1) nor corpus/,"
        + " queries/ and qrels/ (v2, v3); download it with huggingface-cli download --repo-type dataset"
        + " <name> --local-dir " + folder);
  }

  DatasetVersion version();

  /** The dataset folder. */
  Path folder();

  /** The corpus pages, in dataset order, each once. */
  Stream<CorpusPage> corpus();

  /**
   * The number of corpus pages, known before {@link #corpus()} is read: from the Parquet footers
   * (v2, v3) or one pass over the file name column (v1).
   */
  int corpusSize() throws IOException;

  /** The column the page text comes from ({@code markdown}, {@code text_description}...), if any. */
  Optional<String> textColumn();

  /** The queries, in dataset order, each once. */
  Stream<EvalQuery> queries() throws IOException;

  /** The relevance judgments, keyed by the ids of {@link #queries()} and {@link #corpus()}. */
  Qrels qrels() throws IOException;
}
