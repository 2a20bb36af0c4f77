package dev.quire.index;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.de.GermanAnalyzer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.es.SpanishAnalyzer;
import org.apache.lucene.analysis.fr.FrenchAnalyzer;
import org.apache.lucene.analysis.it.ItalianAnalyzer;

/** Language of the page text: decides stemming and stop words of the BM25 index. */
public enum TextLanguage {
  ENGLISH("en"),
  FRENCH("fr"),
  GERMAN("de"),
  SPANISH("es"),
  ITALIAN("it");

  private final String code;

  TextLanguage(String code) {
    this.code = code;
  }

  /** ISO 639-1 code. */
  public String code() {
    return code;
  }

  /** Accepts the enum name or the ISO 639-1 code, in any case ("French", "fr"). */
  public static TextLanguage parse(String value) {
    if (value != null) {
      String wanted = value.strip();
      for (TextLanguage language : values()) {
        if (language.name().equalsIgnoreCase(wanted) || language.code.equalsIgnoreCase(wanted)) {
          return language;
        }
      }
    }
    String known =
        Arrays.stream(values())
            .map(l -> l.name().toLowerCase(Locale.ROOT) + " (" + l.code + ")")
            .collect(Collectors.joining(", "));
    throw new IllegalArgumentException(
        "unknown text language '" + value + "'; expected one of " + known);
  }

  /** A new analyzer: Lucene's language analyzer with its default stop words and stemmer. */
  Analyzer analyzer() {
    return switch (this) {
      case ENGLISH -> new EnglishAnalyzer();
      case FRENCH -> new FrenchAnalyzer();
      case GERMAN -> new GermanAnalyzer();
      case SPANISH -> new SpanishAnalyzer();
      case ITALIAN -> new ItalianAnalyzer();
    };
  }
}
