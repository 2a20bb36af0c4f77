package dev.quire.index;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One indexed document.
 *
 * @param documentId stable identifier chosen by the caller (at most 500 bytes in UTF-8)
 * @param contentHash hash of the source bytes: staged pages are resumed only for the same hash
 * @param metadata free-form strings kept for later filters
 */
public record DocumentRecord(
    String documentId,
    String sourcePath,
    String contentHash,
    long sizeBytes,
    String mediaType,
    int pageCount,
    Instant indexedAt,
    Map<String, String> metadata) {

  public DocumentRecord {
    Objects.requireNonNull(documentId, "documentId");
    Objects.requireNonNull(sourcePath, "sourcePath");
    Objects.requireNonNull(contentHash, "contentHash");
    Objects.requireNonNull(mediaType, "mediaType");
    Objects.requireNonNull(indexedAt, "indexedAt");
    if (documentId.isBlank()) {
      throw new IllegalArgumentException("documentId must not be blank");
    }
    if (pageCount < 0) {
      throw new IllegalArgumentException(
          "document '" + documentId + "': pageCount must not be negative, got " + pageCount);
    }
    if (sizeBytes < 0) {
      throw new IllegalArgumentException(
          "document '" + documentId + "': sizeBytes must not be negative, got " + sizeBytes);
    }
    metadata = metadata == null ? Map.of() : Map.copyOf(metadata);
  }
}
