package dev.quire.evaluation.format;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Small helpers shared by the line-based formats. */
final class Lines {

  private Lines() {}

  /** Splits on runs of whitespace, as trec_eval's parser does ({@code isspace}). */
  static List<String> fields(String line) {
    List<String> fields = new ArrayList<>(6);
    int i = 0;
    int n = line.length();
    while (i < n) {
      while (i < n && isSpace(line.charAt(i))) {
        i++;
      }
      int start = i;
      while (i < n && !isSpace(line.charAt(i))) {
        i++;
      }
      if (i > start) {
        fields.add(line.substring(start, i));
      }
    }
    return fields;
  }

  /** C's isspace in the C locale. */
  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == 0x0B;
  }

  static boolean isBlank(String line) {
    for (int i = 0; i < line.length(); i++) {
      if (!isSpace(line.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /** Drops a UTF-8 byte order mark at the start of the first line. */
  static String firstLine(BufferedReader reader) throws IOException {
    String line = reader.readLine();
    return line != null && line.startsWith("\uFEFF") ? line.substring(1) : line;
  }

  /**
   * Parses a score: a decimal or scientific number, or Infinity. Java's parseDouble alone would also
   * take hex floats and a trailing f or d, which no TREC tool writes.
   */
  static double parseScore(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean ok = (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E';
      if (!ok && !text.equals("Infinity") && !text.equals("-Infinity") && !text.equals("+Infinity")) {
        throw new NumberFormatException("not a number");
      }
    }
    double value = Double.parseDouble(text);
    if (Double.isNaN(value)) {
      throw new NumberFormatException("NaN");
    }
    return value;
  }

  /** Checks an id can be written in a whitespace-separated file. */
  static String requireToken(String id, String what) {
    if (id.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty");
    }
    for (int i = 0; i < id.length(); i++) {
      if (isSpace(id.charAt(i))) {
        throw new IllegalArgumentException(
            what + " \"" + id + "\" contains whitespace and cannot be written in a TREC file");
      }
    }
    return id;
  }
}
