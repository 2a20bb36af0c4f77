package dev.quire;

import dev.quire.datasets.ReaderConfig;
import dev.quire.index.IndexConfig;
import dev.quire.retrieval.SearchConfig;
import java.nio.file.Path;

/**
 * Everything a {@link Quire} instance needs, one record per component.
 *
 * @param encodeBatchSize pages per encoder call while indexing
 */
public record QuireConfig(
    IndexConfig index, ReaderConfig reader, SearchConfig search, int encodeBatchSize) {

  public static QuireConfig defaults(Path indexDirectory) {
    return new QuireConfig(
        IndexConfig.defaults(indexDirectory), ReaderConfig.defaults(), SearchConfig.defaults(), 4);
  }

  public QuireConfig withIndex(IndexConfig config) {
    return new QuireConfig(config, reader, search, encodeBatchSize);
  }

  public QuireConfig withReader(ReaderConfig config) {
    return new QuireConfig(index, config, search, encodeBatchSize);
  }

  public QuireConfig withSearch(SearchConfig config) {
    return new QuireConfig(index, reader, config, encodeBatchSize);
  }

  public QuireConfig withEncodeBatchSize(int pages) {
    return new QuireConfig(index, reader, search, pages);
  }
}
