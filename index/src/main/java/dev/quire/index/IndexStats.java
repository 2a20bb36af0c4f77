package dev.quire.index;

import java.util.Optional;

/**
 * What an index holds and what it costs on disk.
 *
 * @param pagesWithVectors visible pages that carry embeddings
 * @param dimension vector dimension of the model, 0 before any page has vectors
 * @param binaryCodes LMDB pages used by the binary codes, per page with vectors
 * @param halfVectors LMDB pages used by the half-precision vectors, per page with vectors
 * @param pageText LMDB pages used by the page text (the source of truth of the text index)
 * @param textIndex the Lucene BM25 index, per page
 * @param images PNG page images, per page
 * @param thumbnails JPEG thumbnails, per page
 * @param pageStoreFileBytes size of the LMDB data file, including free and staged pages
 * @param totalBytes everything under the index directory
 */
public record IndexStats(
    long documents,
    long pages,
    long pagesWithVectors,
    int dimension,
    Optional<ModelStamp> model,
    StoreSize binaryCodes,
    StoreSize halfVectors,
    StoreSize pageText,
    StoreSize textIndex,
    StoreSize images,
    StoreSize thumbnails,
    long pageStoreFileBytes,
    long totalBytes) {

  /** Bytes of one store, and the same divided by the number of pages it serves. */
  public record StoreSize(long bytes, double bytesPerPage) {
    static StoreSize of(long bytes, long pages) {
      return new StoreSize(bytes, pages == 0 ? 0 : (double) bytes / pages);
    }
  }
}
