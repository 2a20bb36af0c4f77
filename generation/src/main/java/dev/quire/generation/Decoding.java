package dev.quire.generation;

import dev.quire.generation.sampling.LogitsProcessor;
import dev.quire.generation.sampling.TokenChooser;
import java.util.List;
import java.util.Set;

/**
 * How one answer is decoded: at most {@code maxNewTokens} new tokens, ending at any of
 * {@code stopIds}; scores go through {@code processors} in order and {@code chooser} picks the
 * token. {@link #greedy} is transformers' {@code do_sample=False}.
 */
public record Decoding(int maxNewTokens, Set<Integer> stopIds, List<LogitsProcessor> processors,
    TokenChooser chooser) {

  public Decoding {
    if (maxNewTokens < 0) {
      throw new IllegalArgumentException("max new tokens must not be negative: " + maxNewTokens);
    }
    stopIds = Set.copyOf(stopIds);
    processors = List.copyOf(processors);
  }

  /** Greedy decoding that stops at the checkpoint's end-of-turn ids. */
  public static Decoding greedy(int maxNewTokens, GenerationConfig config) {
    return new Decoding(maxNewTokens, Set.copyOf(config.eosTokenIds()), List.of(),
        TokenChooser.greedy());
  }

  /** The same, ending at no id: exactly {@code maxNewTokens} tokens (what parity tests compare). */
  public Decoding withoutStopIds() {
    return new Decoding(maxNewTokens, Set.of(), processors, chooser);
  }
}
