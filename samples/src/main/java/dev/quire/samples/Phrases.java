package dev.quire.samples;

/**
 * Phrase search as a reader means it: whitespace-insensitive, and whole tokens only, so "4.75" is
 * not found in "14.75" or "1,234.75", and "Lee" not in "Leeds".
 */
final class Phrases {
  private Phrases() {}

  static String normalizeSpace(String text) {
    return text.strip().replaceAll("\\s+", " ");
  }

  static boolean contains(String text, String phrase) {
    String haystack = normalizeSpace(text);
    String needle = normalizeSpace(phrase);
    if (needle.isEmpty()) {
      return false;
    }
    for (int at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
      if (startsToken(haystack, at, needle.charAt(0))
          && endsToken(haystack, at + needle.length(), needle.charAt(needle.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  private static boolean startsToken(String text, int at, char first) {
    if (at == 0 || !Character.isLetterOrDigit(first)) {
      return true;
    }
    char before = text.charAt(at - 1);
    if (Character.isLetterOrDigit(before)) {
      return false;
    }
    // "1,234.75" continues a number through its separators.
    boolean separator = before == '.' || before == ',';
    return !(separator
        && Character.isDigit(first)
        && at >= 2
        && Character.isDigit(text.charAt(at - 2)));
  }

  private static boolean endsToken(String text, int end, char last) {
    if (end == text.length() || !Character.isLetterOrDigit(last)) {
      return true;
    }
    char after = text.charAt(end);
    if (Character.isLetterOrDigit(after)) {
      return false;
    }
    boolean separator = after == '.' || after == ',';
    return !(separator
        && Character.isDigit(last)
        && end + 1 < text.length()
        && Character.isDigit(text.charAt(end + 1)));
  }
}
