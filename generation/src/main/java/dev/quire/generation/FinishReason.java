package dev.quire.generation;

import java.util.Locale;

/** Why an answer ended, in the OpenAI API's words. */
public enum FinishReason {
  /** A stop id (end of turn) or a stop string. */
  STOP,
  /** The new-token limit. */
  LENGTH,
  /** The caller cancelled (Ctrl+C, a client that went away). */
  CANCELLED;

  public String apiName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
