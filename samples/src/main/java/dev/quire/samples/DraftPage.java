package dev.quire.samples;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A page being drawn, with what it will show: fields, tables, and candidate questions. */
final class DraftPage {
  final PageCanvas canvas;
  final Map<String, String> fields = new LinkedHashMap<>();
  final List<TableCells> tables = new ArrayList<>();
  final List<QuestionAnswer> candidates = new ArrayList<>();

  DraftPage(PageCanvas canvas) {
    this.canvas = canvas;
  }

  void field(String name, String value) {
    fields.put(name, value);
  }

  void table(String caption, List<List<String>> rows) {
    tables.add(new TableCells(caption, rows));
  }

  /**
   * Offers a question; it is kept only if its answer and entity are printed on this page and the
   * answer on no other page of the document (see {@link Draft#finish}).
   */
  void ask(String question, String answer, String entity) {
    candidates.add(new QuestionAnswer(question, answer, entity));
  }
}
