package dev.quire.samples;

import java.util.Objects;

/**
 * A question answered by one page and only that page.
 *
 * @param question a natural question naming {@code entity}
 * @param answer the answer exactly as printed on the page
 * @param entity the identifier in the question that singles the document out (an invoice number, a
 *     person, a company, an account number); printed on the page too
 */
public record QuestionAnswer(String question, String answer, String entity) {
  public QuestionAnswer {
    Objects.requireNonNull(question, "question");
    Objects.requireNonNull(answer, "answer");
    Objects.requireNonNull(entity, "entity");
  }
}
