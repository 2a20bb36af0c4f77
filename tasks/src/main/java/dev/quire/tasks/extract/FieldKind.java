package dev.quire.tasks.extract;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Optional;

/**
 * What a field holds beyond its JSON type, so the value the model copied as printed can be read
 * into one form: a schema names it with {@code "x-quire-kind"}, or with the standard
 * {@code "format": "date"} or {@code "format": "email"}.
 */
public enum FieldKind {
  DATE, MONEY, PERCENT, EMAIL, PHONE, EIN, SSN, TIN;

  public static final String KEYWORD = "x-quire-kind";

  /** The kind a property's schema declares, if any. */
  public static Optional<FieldKind> of(JsonNode schema) {
    String kind = schema.path(KEYWORD).asText(null);
    if (kind != null) {
      try {
        return Optional.of(valueOf(kind.toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("unknown " + KEYWORD + " '" + kind + "'; kinds: date, money,"
            + " percent, email, phone, ein, ssn, tin");
      }
    }
    return switch (schema.path("format").asText("")) {
      case "date" -> Optional.of(DATE);
      case "email" -> Optional.of(EMAIL);
      default -> Optional.empty();
    };
  }

  /** Identifiers that are masked unless the caller may see them. */
  public boolean sensitive() {
    return this == SSN || this == EIN || this == TIN;
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
