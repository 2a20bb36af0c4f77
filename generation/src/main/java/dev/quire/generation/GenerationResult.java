package dev.quire.generation;

import java.util.List;

/**
 * One generated answer: the prompt's ids, the generated ids (a stop id included when one ended
 * it, as transformers returns them), the text of the generated ids without special tokens (cut
 * before a stop string that ended it), each generated token's log-probability under the model
 * and, when asked, the most likely alternatives at each step, why it ended and how long it took.
 * {@code drawnLogprobs}: each token's log-probability under the distribution it was chosen from
 * (after guided decoding's mask and the penalties): with a schema, the probability of a label
 * among the labels the schema allows.
 */
public record GenerationResult(int[] promptTokenIds, int[] tokenIds, String text,
    double[] logprobs, double[] drawnLogprobs, List<List<TokenLogprob>> topLogprobs,
    FinishReason finishReason, Timings timings) {

  /**
   * Wall-clock time of the prompt's forward pass and of the decoding steps after it, and the
   * rates they give.
   */
  public record Timings(long prefillNanos, long decodeNanos, int promptTokens, int generatedTokens) {
    public double prefillMillis() {
      return prefillNanos / 1e6;
    }

    public double decodeMillis() {
      return decodeNanos / 1e6;
    }

    public double prefillTokensPerSecond() {
      return prefillNanos == 0 ? 0 : promptTokens / (prefillNanos / 1e9);
    }

    /** Tokens after the first (which the prefill gives) per second of decoding steps. */
    public double decodeTokensPerSecond() {
      return decodeNanos == 0 || generatedTokens < 2 ? 0 : (generatedTokens - 1) / (decodeNanos / 1e9);
    }
  }

  public GenerationResult {
    promptTokenIds = promptTokenIds.clone();
    tokenIds = tokenIds.clone();
    logprobs = logprobs.clone();
    drawnLogprobs = drawnLogprobs.clone();
    topLogprobs = topLogprobs.stream().map(List::copyOf).toList();
  }

  @Override
  public int[] tokenIds() {
    return tokenIds.clone();
  }

  @Override
  public int[] promptTokenIds() {
    return promptTokenIds.clone();
  }

  @Override
  public double[] logprobs() {
    return logprobs.clone();
  }

  @Override
  public double[] drawnLogprobs() {
    return drawnLogprobs.clone();
  }

  public List<Integer> tokenIdList() {
    return java.util.Arrays.stream(tokenIds).boxed().toList();
  }
}
