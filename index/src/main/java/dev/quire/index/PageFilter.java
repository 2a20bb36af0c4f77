package dev.quire.index;

import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which documents' pages a search may return, resolved by the text index (so only the pages that
 * pass are ranked or scored): every page, or the pages of the listed documents whose metadata has
 * every given value.
 *
 * @param documentIds only these documents; null for any (an empty set lets nothing through)
 * @param metadata only documents whose {@link DocumentRecord#metadata} holds all these key/value
 *     pairs (exact, case-sensitive); empty for any
 */
public record PageFilter(Set<String> documentIds, Map<String, String> metadata) {
  /** Lets every page through. */
  public static final PageFilter NONE = new PageFilter(null, Map.of());

  public PageFilter {
    if (documentIds != null) {
      for (String id : documentIds) {
        if (id == null) {
          throw new IllegalArgumentException("a document id of the filter is null");
        }
      }
      documentIds = Set.copyOf(documentIds);
    }
    Objects.requireNonNull(metadata, "metadata");
    for (Map.Entry<String, String> pair : metadata.entrySet()) {
      if (pair.getKey() == null || pair.getKey().isEmpty()) {
        throw new IllegalArgumentException("a metadata key of the filter is null or empty");
      }
      if (pair.getValue() == null) {
        throw new IllegalArgumentException("metadata '" + pair.getKey() + "' of the filter has no value");
      }
    }
    metadata = Map.copyOf(metadata);
  }

  /** The pages of these documents; an empty set, as callers of the older API mean it, is any. */
  public static PageFilter documents(Set<String> documentIds) {
    return documentIds.isEmpty() ? NONE : new PageFilter(documentIds, Map.of());
  }

  /** The pages of documents whose metadata holds all these pairs. */
  public static PageFilter metadata(Map<String, String> metadata) {
    return new PageFilter(null, metadata);
  }

  /** Whether this filter lets every page through. */
  public boolean isNone() {
    return documentIds == null && metadata.isEmpty();
  }
}
