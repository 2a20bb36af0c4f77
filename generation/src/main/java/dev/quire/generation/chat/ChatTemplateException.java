package dev.quire.generation.chat;

/** A chat template that raised (its own message) or could not be rendered (where and why). */
public final class ChatTemplateException extends RuntimeException {
  public ChatTemplateException(String message) {
    super(message);
  }
}
