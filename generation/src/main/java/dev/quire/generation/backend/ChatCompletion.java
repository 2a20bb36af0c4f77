package dev.quire.generation.backend;

import dev.quire.generation.FinishReason;
import java.util.List;

/**
 * A backend's answer: the text, each token's log-probability (with alternatives when asked; empty
 * when the backend gives none), why it ended, the token counts, and how long it took.
 */
public record ChatCompletion(String text, List<ChatLogprob> logprobs, FinishReason finishReason,
    Usage usage, long latencyNanos) {

  public ChatCompletion {
    logprobs = List.copyOf(logprobs);
  }

  /** Tokens of the prompt and of the answer. */
  public record Usage(int promptTokens, int completionTokens) {
    public int totalTokens() {
      return promptTokens + completionTokens;
    }
  }
}
