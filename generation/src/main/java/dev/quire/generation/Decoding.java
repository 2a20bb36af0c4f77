package dev.quire.generation;

import dev.quire.generation.sampling.LogitsProcessor;
import dev.quire.generation.sampling.Processors;
import dev.quire.generation.sampling.TokenChooser;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * How answers are decoded: at most {@code maxNewTokens} new tokens, ending at any of
 * {@code stopIds} or when the text reaches one of {@code stopStrings} (which the answer then
 * leaves out); scores go through {@code processors} in order, then a token is drawn from their
 * softmax ({@code sample}, reproducible with {@code seed}) or the highest is taken; each token's
 * log-probability is kept with the {@code topLogprobs} most likely alternatives.
 */
public record Decoding(int maxNewTokens, Set<Integer> stopIds, List<String> stopStrings,
    List<LogitsProcessor> processors, boolean sample, Long seed, int topLogprobs) {

  public Decoding {
    if (maxNewTokens < 0) {
      throw new IllegalArgumentException("max new tokens must not be negative: " + maxNewTokens);
    }
    if (topLogprobs < 0 || topLogprobs > 20) {
      throw new IllegalArgumentException("top log-probabilities lie in 0..20, not " + topLogprobs);
    }
    stopIds = Set.copyOf(stopIds);
    stopStrings = List.copyOf(stopStrings);
    for (String stop : stopStrings) {
      if (stop.isEmpty()) {
        throw new IllegalArgumentException("a stop string must not be empty");
      }
    }
    processors = List.copyOf(processors);
  }

  /** Greedy decoding that stops at the checkpoint's end-of-turn ids. */
  public static Decoding greedy(int maxNewTokens, GenerationConfig config) {
    return new Decoding(maxNewTokens, Set.copyOf(config.eosTokenIds()), List.of(), List.of(),
        false, null, 0);
  }

  /**
   * The decoding {@code settings} ask for, the checkpoint's generation_config.json filling what
   * they leave out, with transformers' processors in transformers' order (repetition penalty;
   * then, when sampling, temperature, top-k, top-p, min-p). A temperature of 0 is greedy.
   */
  public static Decoding of(DecodingSettings settings, GenerationConfig config) {
    double temperature = settings.temperature() != null ? settings.temperature() : config.temperature();
    boolean sample = settings.doSample() != null ? settings.doSample()
        : settings.temperature() != null ? temperature > 0 : config.doSample();
    if (temperature == 0) {
      sample = false;
    }
    List<LogitsProcessor> processors = new ArrayList<>();
    double repetition = settings.repetitionPenalty() != null ? settings.repetitionPenalty()
        : config.repetitionPenalty();
    if (repetition != 1.0) {
      processors.add(Processors.repetitionPenalty(repetition));
    }
    double presence = settings.presencePenalty() != null ? settings.presencePenalty() : 0;
    double frequency = settings.frequencyPenalty() != null ? settings.frequencyPenalty() : 0;
    if (presence != 0 || frequency != 0) {
      processors.add(Processors.presenceAndFrequency(presence, frequency));
    }
    if (sample) {
      if (temperature != 1.0) {
        processors.add(Processors.temperature(temperature));
      }
      int topK = settings.topK() != null ? settings.topK() : config.topK();
      if (topK > 0) {
        processors.add(Processors.topK(topK));
      }
      double topP = settings.topP() != null ? settings.topP() : config.topP();
      if (topP < 1.0) {
        processors.add(Processors.topP(topP));
      }
      double minP = settings.minP() != null ? settings.minP() : config.minP();
      if (minP > 0) {
        processors.add(Processors.minP(minP));
      }
    }
    Set<Integer> stopIds = new LinkedHashSet<>(settings.stopTokenIds());
    if (!settings.ignoreEos()) {
      stopIds.addAll(config.eosTokenIds());
    }
    int maxNew = settings.maxNewTokens() != null ? settings.maxNewTokens() : config.maxNewTokens();
    return new Decoding(maxNew, stopIds, settings.stop(), processors, sample, settings.seed(),
        settings.topLogprobs());
  }

  /** The same, ending at no id: exactly {@code maxNewTokens} tokens (what parity tests compare). */
  public Decoding withoutStopIds() {
    return new Decoding(maxNewTokens, Set.of(), stopStrings, processors, sample, seed, topLogprobs);
  }

  /** The same with {@code processors} run first (e.g. one that records the raw scores). */
  public Decoding withProcessorsFirst(List<LogitsProcessor> first) {
    List<LogitsProcessor> all = new ArrayList<>(first);
    all.addAll(processors);
    return new Decoding(maxNewTokens, stopIds, stopStrings, all, sample, seed, topLogprobs);
  }

  /** A chooser for one generate call (sampling generators start afresh from the seed). */
  TokenChooser chooser() {
    return sample ? TokenChooser.sampling(seed) : TokenChooser.greedy();
  }
}
