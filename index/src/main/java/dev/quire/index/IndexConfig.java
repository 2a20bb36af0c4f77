package dev.quire.index;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Configuration of a {@link PageIndex}.
 *
 * @param directory where the index lives (created if missing)
 * @param language language of the page text; {@code null} means "the language the index was built
 *     with" (English for a new index)
 * @param initialMapSizeBytes initial size of the LMDB memory map; it doubles whenever it is full
 * @param thumbnailWidth width in pixels of the JPEG thumbnail kept for each page image
 * @param stagingMaxAge staged pages of a document that nobody resumed for this long are discarded
 *     when the index is opened
 * @param quantizedTextVectors whether the text vectors' HNSW graph searches 8-bit scalar-quantised
 *     copies (the default: a quarter of the memory) or the float32 vectors themselves
 */
public record IndexConfig(
    Path directory,
    TextLanguage language,
    long initialMapSizeBytes,
    int thumbnailWidth,
    Duration stagingMaxAge,
    boolean quantizedTextVectors) {

  /** 64 MiB: small enough for a test index, and the map grows by doubling. */
  public static final long DEFAULT_MAP_SIZE = 64L << 20;

  public static final int DEFAULT_THUMBNAIL_WIDTH = 256;

  /** A week: an interrupted indexing job is usually resumed long before. */
  public static final Duration DEFAULT_STAGING_MAX_AGE = Duration.ofDays(7);

  public IndexConfig {
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(stagingMaxAge, "stagingMaxAge");
    if (initialMapSizeBytes < (1L << 20)) {
      throw new IllegalArgumentException(
          "initialMapSizeBytes must be at least 1 MiB, got " + initialMapSizeBytes);
    }
    if (thumbnailWidth < 16) {
      throw new IllegalArgumentException("thumbnailWidth must be at least 16, got " + thumbnailWidth);
    }
    if (stagingMaxAge.isNegative()) {
      throw new IllegalArgumentException("stagingMaxAge must not be negative, got " + stagingMaxAge);
    }
  }

  public IndexConfig(
      Path directory, TextLanguage language, long initialMapSizeBytes, int thumbnailWidth) {
    this(directory, language, initialMapSizeBytes, thumbnailWidth, DEFAULT_STAGING_MAX_AGE);
  }

  public IndexConfig(Path directory, TextLanguage language, long initialMapSizeBytes,
      int thumbnailWidth, Duration stagingMaxAge) {
    this(directory, language, initialMapSizeBytes, thumbnailWidth, stagingMaxAge, true);
  }

  public static IndexConfig defaults(Path directory) {
    return new IndexConfig(
        directory, TextLanguage.ENGLISH, DEFAULT_MAP_SIZE, DEFAULT_THUMBNAIL_WIDTH);
  }

  public IndexConfig withLanguage(TextLanguage newLanguage) {
    return new IndexConfig(
        directory, newLanguage, initialMapSizeBytes, thumbnailWidth, stagingMaxAge, quantizedTextVectors);
  }

  /** Text vectors searched as float32 (segments written from now on; older ones keep theirs). */
  public IndexConfig withQuantizedTextVectors(boolean quantized) {
    return new IndexConfig(
        directory, language, initialMapSizeBytes, thumbnailWidth, stagingMaxAge, quantized);
  }
}
