package dev.quire.datasets;

/**
 * An opened document whose pages are decoded on demand, one at a time, so a long PDF is never held
 * in memory at once. Not thread-safe: use one instance per thread.
 */
public interface LoadedDocument extends AutoCloseable {
  SourceInfo source();

  int pageCount();

  /**
   * Renders page {@code number} (1-based) and gets its text, running OCR when the page has no text
   * layer and OCR is enabled and available.
   *
   * @throws DocumentRejectedException when this page alone cannot be read; the other pages can
   * @throws IndexOutOfBoundsException when {@code number} is not in {@code 1..pageCount()}
   */
  Page page(int number) throws DocumentRejectedException;

  @Override
  void close();
}
