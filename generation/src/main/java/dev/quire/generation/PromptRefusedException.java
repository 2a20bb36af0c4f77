package dev.quire.generation;

/**
 * The request cannot be generated from as sent: the prompt is longer than the model's context, or
 * its images have no place in the rendered prompt. The caller's to change (a shorter prompt,
 * fewer pages), unlike an {@code IllegalArgumentException} from deeper in, which is a bug or bad
 * weights.
 */
public final class PromptRefusedException extends IllegalArgumentException {
  public PromptRefusedException(String message) {
    super(message);
  }
}
