package dev.quire.evaluation.format;

import dev.quire.datasets.Qrels;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * TREC qrels files, one judgment per line: {@code qid 0 docid relevance}, fields separated by
 * whitespace; the relevance is an integer, possibly negative. Blank lines are skipped; the second
 * field is ignored; a document judged twice for a query is an error, as in trec_eval.
 */
public final class TrecQrelsFormat {

  private TrecQrelsFormat() {}

  public static Qrels read(Path file) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(reader, file.toString());
    }
  }

  /**
   * Reads qrels from text.
   *
   * @param source the name quoted in error messages
   * @throws FormatException on the first malformed line
   */
  public static Qrels read(BufferedReader reader, String source) throws IOException {
    Qrels.Builder qrels = Qrels.builder();
    long lineNumber = 0;
    for (String line = Lines.firstLine(reader); line != null; line = reader.readLine()) {
      lineNumber++;
      if (Lines.isBlank(line)) {
        continue;
      }
      List<String> fields = Lines.fields(line);
      if (fields.size() != 4) {
        throw new FormatException(source, lineNumber, line,
            "expected 4 fields \"qid 0 docid relevance\", found " + fields.size());
      }
      int relevance;
      try {
        relevance = Integer.parseInt(fields.get(3));
      } catch (NumberFormatException e) {
        throw new FormatException(source, lineNumber, line,
            "relevance \"" + fields.get(3) + "\" is not an integer");
      }
      if (qrels.contains(fields.get(0), fields.get(2))) {
        throw new FormatException(source, lineNumber, line, "document \"" + fields.get(2)
            + "\" is judged twice for query \"" + fields.get(0) + "\"");
      }
      qrels.add(fields.get(0), fields.get(2), relevance);
    }
    return qrels.build();
  }

  public static void write(Qrels qrels, Path file) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(qrels, out);
    }
  }

  /**
   * Writes judgments in insertion order.
   *
   * @throws IllegalArgumentException if an id contains whitespace
   */
  public static void write(Qrels qrels, Writer out) throws IOException {
    for (String queryId : qrels.queryIds()) {
      Lines.requireToken(queryId, "query id");
      for (Map.Entry<String, Integer> judgment : qrels.judgments(queryId).entrySet()) {
        out.write(queryId + " 0 " + Lines.requireToken(judgment.getKey(), "document id") + " "
            + judgment.getValue() + "\n");
      }
    }
  }
}
