package dev.quire.samples;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;

/** A document being generated: its PDF, its pages, and how it turns into ground truth. */
final class Draft {
  static final int MAX_QUESTIONS = 3;

  final PDDocument pdf = new PDDocument();
  final DocumentType type;
  final Style style;
  final Fabricator fab;
  final List<DraftPage> pages = new ArrayList<>();

  Draft(DocumentType type, Style style, Fabricator fab) {
    this.type = type;
    this.style = style;
    this.fab = fab;
  }

  DraftPage newPage() {
    return newPage(style.paper());
  }

  DraftPage newPage(PDRectangle size) {
    DraftPage page = new DraftPage(new PageCanvas(pdf, size));
    pages.add(page);
    return page;
  }

  /**
   * Closes the pages and keeps, per page, 1-3 of its candidate questions whose answer and entity it
   * prints and whose answer no other page of the document prints.
   *
   * @throws IllegalStateException when text overlaps text, or a page is left without any valid
   *     question: layout bugs
   */
  List<GroundTruthPage> finish(String file, boolean scanned, Random random) {
    List<String> texts = new ArrayList<>();
    for (int i = 0; i < pages.size(); i++) {
      PageCanvas canvas = pages.get(i).canvas;
      canvas.close();
      List<String> overlaps = canvas.overlaps();
      if (!overlaps.isEmpty()) {
        throw new IllegalStateException(
            "text drawn over other text on page "
                + (i + 1)
                + " of "
                + file
                + " ("
                + type.label()
                + "): "
                + overlaps);
      }
      texts.add(canvas.text());
    }
    List<GroundTruthPage> truth = new ArrayList<>();
    for (int i = 0; i < pages.size(); i++) {
      DraftPage page = pages.get(i);
      String text = texts.get(i);
      Map<String, QuestionAnswer> valid = new LinkedHashMap<>();
      for (QuestionAnswer candidate : page.candidates) {
        if (answersOnlyHere(candidate, texts, i)) {
          valid.putIfAbsent(candidate.question(), candidate);
        }
      }
      if (valid.isEmpty()) {
        throw new IllegalStateException(
            "no question singles out page " + (i + 1) + " of " + file + " (" + type.label() + ")");
      }
      List<QuestionAnswer> chosen = new ArrayList<>(valid.values());
      Collections.shuffle(chosen, random);
      int count = 1 + random.nextInt(Math.min(MAX_QUESTIONS, chosen.size()));
      truth.add(
          new GroundTruthPage(
              file,
              i + 1,
              type.label(),
              text,
              page.fields,
              page.tables,
              chosen.subList(0, count),
              scanned));
    }
    return truth;
  }

  private static boolean answersOnlyHere(QuestionAnswer qa, List<String> texts, int page) {
    String text = texts.get(page);
    if (!qa.question().contains(qa.entity())
        || Phrases.contains(qa.question(), qa.answer())
        || !Phrases.contains(text, qa.entity())
        || !Phrases.contains(text, qa.answer())) {
      return false;
    }
    for (int other = 0; other < texts.size(); other++) {
      if (other != page && Phrases.contains(texts.get(other), qa.answer())) {
        return false;
      }
    }
    return true;
  }
}
