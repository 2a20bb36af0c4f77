package dev.quire.evaluation.format;

import dev.quire.datasets.Qrels;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * BEIR's qrels TSV ({@code qrels/test.tsv}): a header line {@code query-id\tcorpus-id\tscore}, then
 * one tab-separated judgment per line with an integer score. Ids may contain spaces but not tabs.
 * Blank lines are skipped; a document judged twice for a query is an error.
 */
public final class BeirQrelsTsvFormat {

  static final String HEADER = "query-id\tcorpus-id\tscore";

  private BeirQrelsTsvFormat() {}

  public static Qrels read(Path file) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(reader, file.toString());
    }
  }

  /**
   * Reads qrels from TSV text.
   *
   * @param source the name quoted in error messages
   * @throws FormatException if the header is missing or a line is malformed
   */
  public static Qrels read(BufferedReader reader, String source) throws IOException {
    String header = Lines.firstLine(reader);
    if (header == null) {
      throw new FormatException(source, 1, "", "empty file, expected the header \"query-id<TAB>corpus-id<TAB>score\"");
    }
    if (!header.strip().equals(HEADER)) {
      throw new FormatException(source, 1, header, "expected the header \"query-id<TAB>corpus-id<TAB>score\"");
    }
    Qrels.Builder qrels = Qrels.builder();
    long lineNumber = 1;
    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
      lineNumber++;
      if (Lines.isBlank(line)) {
        continue;
      }
      String[] fields = line.split("\t", -1);
      if (fields.length != 3) {
        throw new FormatException(source, lineNumber, line,
            "expected 3 tab-separated fields \"query-id corpus-id score\", found " + fields.length);
      }
      String queryId = fields[0].strip();
      String docId = fields[1].strip();
      if (queryId.isEmpty() || docId.isEmpty()) {
        throw new FormatException(source, lineNumber, line, "empty query-id or corpus-id");
      }
      int score;
      try {
        score = Integer.parseInt(fields[2].strip());
      } catch (NumberFormatException e) {
        throw new FormatException(source, lineNumber, line, "score \"" + fields[2] + "\" is not an integer");
      }
      if (qrels.contains(queryId, docId)) {
        throw new FormatException(source, lineNumber, line,
            "document \"" + docId + "\" is judged twice for query \"" + queryId + "\"");
      }
      qrels.add(queryId, docId, score);
    }
    return qrels.build();
  }

  public static void write(Qrels qrels, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(qrels, out);
    }
  }

  /**
   * Writes the header and the judgments in insertion order.
   *
   * @throws IllegalArgumentException if an id contains a tab or a line break
   */
  public static void write(Qrels qrels, Writer out) throws IOException {
    out.write(HEADER + "\n");
    for (String queryId : qrels.queryIds()) {
      for (Map.Entry<String, Integer> judgment : qrels.judgments(queryId).entrySet()) {
        out.write(requireCell(queryId) + "\t" + requireCell(judgment.getKey()) + "\t" + judgment.getValue() + "\n");
      }
    }
  }

  private static String requireCell(String id) {
    if (id.indexOf('\t') >= 0 || id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0 || !id.equals(id.strip())) {
      throw new IllegalArgumentException(
          "id \"" + id + "\" contains a tab, a line break or surrounding spaces and cannot be written to TSV");
    }
    return id;
  }
}
