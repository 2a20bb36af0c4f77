package dev.quire.samples;

/** Running footers, drawn once a document's page count is known. */
final class Footers {
  private Footers() {}

  /** "{left}" at the bottom left and "Page i of n" at the bottom right of every page. */
  static void pageNumbers(Draft draft, String left) {
    int count = draft.pages.size();
    for (int i = 0; i < count; i++) {
      PageCanvas canvas = draft.pages.get(i).canvas;
      float margin = Math.min(50, canvas.width() * 0.08f);
      canvas.line(margin, 42, canvas.width() - margin, 42, Style.RULE, 0.5f);
      if (!left.isEmpty()) {
        canvas.text(draft.style.regular(), 7.5f, margin, 30, left, Style.GREY);
      }
      canvas.textRight(
          draft.style.regular(),
          7.5f,
          canvas.width() - margin,
          30,
          "Page " + (i + 1) + " of " + count,
          Style.GREY);
    }
  }
}
