package dev.quire.generation;

import java.util.List;

/**
 * Stop strings over text that grows token by token: where the first one begins (then the answer
 * ends there, without it), and how much of the text can be shown without showing the start of a
 * stop string that the next tokens may complete.
 */
final class StopStrings {

  private final List<String> stops;
  private final int longest;

  StopStrings(List<String> stops) {
    this.stops = stops;
    this.longest = stops.stream().mapToInt(String::length).max().orElse(0);
  }

  boolean isEmpty() {
    return stops.isEmpty();
  }

  /**
   * Where the earliest stop string begins in {@code text}, looking only where text from
   * {@code newFrom} on can complete one; -1 if none does.
   */
  int find(CharSequence text, int newFrom) {
    int from = Math.max(0, newFrom - longest + 1);
    String tail = text.subSequence(from, text.length()).toString();
    int best = -1;
    for (String stop : stops) {
      int at = tail.indexOf(stop);
      if (at >= 0 && (best < 0 || from + at < best)) {
        best = from + at;
      }
    }
    return best;
  }

  /** The length of {@code text} that is safe to show: all but an end that begins a stop string. */
  int safeLength(CharSequence text) {
    int length = text.length();
    for (int keep = Math.min(longest - 1, length); keep > 0; keep--) {
      String end = text.subSequence(length - keep, length).toString();
      for (String stop : stops) {
        if (stop.startsWith(end)) {
          return length - keep;
        }
      }
    }
    return length;
  }
}
