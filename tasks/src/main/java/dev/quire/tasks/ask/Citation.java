package dev.quire.tasks.ask;

/** A page the answer cites, checked to be one the model was shown. */
public record Citation(int number, String documentId, int pageNumber, String source) {

  static Citation of(SourcePage page) {
    return new Citation(page.number(), page.documentId(), page.pageNumber(), page.source());
  }
}
