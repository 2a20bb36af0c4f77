package dev.quire.index;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A passage of a page's text and where the query matched in it: plain text, so whoever shows it
 * decides the markup (the web UI bolds the spans, a terminal prints the text, a client may do
 * anything). Offsets count UTF-16 code units, as Java and JavaScript strings index them.
 *
 * @param text the passage, whitespace as on the page, no markup and no escaping
 * @param matches the matched stretches, in order, not overlapping, each within {@code text}
 */
public record Snippet(String text, List<Span> matches) {

  public static final Snippet EMPTY = new Snippet("", List.of());

  /** {@code text[start, end)}. */
  public record Span(int start, int end) {
    public Span {
      if (start < 0 || end <= start) {
        throw new IllegalArgumentException("a span needs 0 <= start < end, got [" + start + ", " + end + ")");
      }
    }
  }

  public Snippet {
    Objects.requireNonNull(text, "text");
    matches = List.copyOf(matches);
    int previousEnd = 0;
    for (Span span : matches) {
      if (span.start() < previousEnd || span.end() > text.length()) {
        throw new IllegalArgumentException("spans must be ordered, apart and within the text: " + matches);
      }
      previousEnd = span.end();
    }
  }

  /** A passage without matches (the start of a page, say). */
  public static Snippet plain(String text) {
    return new Snippet(text, List.of());
  }

  public boolean isEmpty() {
    return text.isEmpty();
  }

  /** The matched stretches' text, in order. */
  public List<String> matched() {
    List<String> out = new ArrayList<>(matches.size());
    for (Span span : matches) {
      out.add(text.substring(span.start(), span.end()));
    }
    return out;
  }

  /** The text with each match wrapped in {@code open}/{@code close}, escaping nothing. */
  public String marked(String open, String close) {
    StringBuilder out = new StringBuilder(text.length() + matches.size() * (open.length() + close.length()));
    int at = 0;
    for (Span span : matches) {
      out.append(text, at, span.start()).append(open).append(text, span.start(), span.end()).append(close);
      at = span.end();
    }
    return out.append(text, at, text.length()).toString();
  }
}
