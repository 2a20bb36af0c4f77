package dev.quire.evaluation.format;

import dev.quire.evaluation.Run;
import dev.quire.evaluation.ScoredDoc;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * TREC run files, one result per line: {@code qid Q0 docid rank score tag}, fields separated by
 * whitespace.
 *
 * <p>Read as trec_eval reads them: blank lines are skipped, the second field and anything after the
 * tag are ignored, and the rank is checked to be an integer but not used (ranks come from the
 * scores). A document listed twice for one query is an error, as in trec_eval.
 */
public final class TrecRunFormat {

  private TrecRunFormat() {}

  public static Run read(Path file) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      return read(reader, file.toString());
    }
  }

  /**
   * Reads a run from text.
   *
   * @param source the name quoted in error messages
   * @throws FormatException on the first malformed line
   */
  public static Run read(BufferedReader reader, String source) throws IOException {
    Run.Builder run = Run.builder();
    long lineNumber = 0;
    for (String line = Lines.firstLine(reader); line != null; line = reader.readLine()) {
      lineNumber++;
      if (Lines.isBlank(line)) {
        continue;
      }
      List<String> fields = Lines.fields(line);
      if (fields.size() < 6) {
        throw new FormatException(source, lineNumber, line,
            "expected 6 fields \"qid Q0 docid rank score tag\", found " + fields.size());
      }
      String queryId = fields.get(0);
      String docId = fields.get(2);
      try {
        Long.parseLong(fields.get(3));
      } catch (NumberFormatException e) {
        throw new FormatException(source, lineNumber, line, "rank \"" + fields.get(3) + "\" is not an integer");
      }
      double score;
      try {
        score = Lines.parseScore(fields.get(4));
      } catch (NumberFormatException e) {
        throw new FormatException(source, lineNumber, line, "score \"" + fields.get(4) + "\" is not a number");
      }
      if (run.contains(queryId, docId)) {
        throw new FormatException(source, lineNumber, line, "document \"" + docId
            + "\" is listed twice for query \"" + queryId + "\" (trec_eval refuses duplicate documents)");
      }
      run.add(queryId, docId, score);
    }
    return run.build();
  }

  public static void write(Run run, Path file, String tag) throws IOException {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      write(run, out, tag);
    }
  }

  /**
   * Writes every query's results in trec_eval's rank order ({@link ScoredDoc#TREC_ORDER}) with ranks
   * from 1, so the file's ranks agree with the order trec_eval computes from the scores. Scores are
   * written in full precision (they read back to the same double).
   *
   * @throws IllegalArgumentException if an id or the tag contains whitespace
   */
  public static void write(Run run, Writer out, String tag) throws IOException {
    Lines.requireToken(tag, "run tag");
    StringBuilder line = new StringBuilder();
    for (String queryId : run.queryIds()) {
      Lines.requireToken(queryId, "query id");
      int rank = 1;
      for (ScoredDoc doc : run.ranking(queryId)) {
        line.setLength(0);
        line.append(queryId).append(" Q0 ").append(Lines.requireToken(doc.docId(), "document id"))
            .append(' ').append(rank++).append(' ').append(doc.score()).append(' ').append(tag).append('\n');
        out.write(line.toString());
      }
    }
  }
}
