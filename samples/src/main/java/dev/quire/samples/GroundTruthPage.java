package dev.quire.samples;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What one generated page shows.
 *
 * @param document the PDF's file name, relative to the corpus folder
 * @param page 1-based page number
 * @param type the document type's label, see {@link DocumentType#label()}
 * @param text the page's text in reading order (lines top to bottom, runs left to right)
 * @param fields named values printed on the page (e.g. invoice_number, total, employer_ein),
 *     exactly as printed; multi-line values keep their line breaks
 * @param tables the tables printed on the page
 * @param questions 1-3 questions this page, and no other page of the corpus, answers
 * @param scanned whether the page is an image only (a scan), with no text layer
 */
public record GroundTruthPage(
    String document,
    int page,
    String type,
    String text,
    Map<String, String> fields,
    List<TableCells> tables,
    List<QuestionAnswer> questions,
    boolean scanned) {

  public GroundTruthPage {
    Objects.requireNonNull(document, "document");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(text, "text");
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    tables = List.copyOf(tables);
    questions = List.copyOf(questions);
  }
}
