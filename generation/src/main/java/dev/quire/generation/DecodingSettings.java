package dev.quire.generation;

import java.util.List;

/**
 * What a caller asks of decoding, as the OpenAI API and transformers name it; a null leaves the
 * choice to the checkpoint's generation_config.json. {@code stop}: strings that end the answer
 * (left out of it); {@code stopTokenIds}: more ids that end it; {@code ignoreEos}: the
 * checkpoint's end-of-turn ids do not; {@code topLogprobs}: alternatives reported per token.
 */
public record DecodingSettings(Integer maxNewTokens, Boolean doSample, Double temperature,
    Double topP, Integer topK, Double minP, Double repetitionPenalty, Double presencePenalty,
    Double frequencyPenalty, Long seed, List<String> stop, List<Integer> stopTokenIds,
    boolean ignoreEos, int topLogprobs) {

  public DecodingSettings {
    check(maxNewTokens == null || maxNewTokens >= 0, "max new tokens must not be negative: " + maxNewTokens);
    check(temperature == null || temperature >= 0, "temperature must not be negative: " + temperature);
    check(topP == null || (topP > 0 && topP <= 1), "top-p lies in (0, 1], not " + topP);
    check(topK == null || topK >= 0, "top-k must not be negative (0 is off): " + topK);
    check(minP == null || (minP >= 0 && minP <= 1), "min-p lies in [0, 1], not " + minP);
    check(repetitionPenalty == null || repetitionPenalty > 0,
        "repetition penalty must be positive, not " + repetitionPenalty);
    check(presencePenalty == null || Math.abs(presencePenalty) <= 2,
        "presence penalty lies in [-2, 2], not " + presencePenalty);
    check(frequencyPenalty == null || Math.abs(frequencyPenalty) <= 2,
        "frequency penalty lies in [-2, 2], not " + frequencyPenalty);
    check(topLogprobs >= 0 && topLogprobs <= 20, "top log-probabilities lie in 0..20, not " + topLogprobs);
    stop = stop == null ? List.of() : List.copyOf(stop);
    stopTokenIds = stopTokenIds == null ? List.of() : List.copyOf(stopTokenIds);
  }

  private static void check(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Everything from the checkpoint. */
  public static DecodingSettings defaults() {
    return new DecodingSettings(null, null, null, null, null, null, null, null, null, null,
        List.of(), List.of(), false, 0);
  }

  public DecodingSettings withMaxNewTokens(int n) {
    return new DecodingSettings(n, doSample, temperature, topP, topK, minP, repetitionPenalty,
        presencePenalty, frequencyPenalty, seed, stop, stopTokenIds, ignoreEos, topLogprobs);
  }

  public DecodingSettings greedy() {
    return new DecodingSettings(maxNewTokens, false, temperature, topP, topK, minP,
        repetitionPenalty, presencePenalty, frequencyPenalty, seed, stop, stopTokenIds, ignoreEos,
        topLogprobs);
  }
}
