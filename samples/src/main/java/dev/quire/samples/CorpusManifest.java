package dev.quire.samples;

import java.nio.file.Path;
import java.util.List;

/**
 * What {@link SyntheticCorpus#generate} wrote.
 *
 * @param directory the corpus folder
 * @param groundTruth the JSON-lines ground truth, one line per page
 * @param documents the PDFs, in generation order
 * @param seed the seed they were generated from
 */
public record CorpusManifest(
    Path directory, Path groundTruth, List<CorpusDocument> documents, long seed) {
  public CorpusManifest {
    documents = List.copyOf(documents);
  }

  public int pageCount() {
    return documents.stream().mapToInt(CorpusDocument::pageCount).sum();
  }
}
