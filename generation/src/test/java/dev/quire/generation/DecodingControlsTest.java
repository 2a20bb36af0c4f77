package dev.quire.generation;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decoding controls on the tiny tied instruct checkpoint: stop strings (also split across
 * tokens), seeds, the most likely alternatives, and defaults from generation_config.json.
 */
class DecodingControlsTest {

  private static LocalGenerator generator() {
    return GenerationParityTest.generator("instruct-tied");
  }

  private static Prompt prompt() throws IOException {
    JsonNode golden = InstructFixtures.json("goldens/instruct-tied-system-user.json");
    return GenerationParityTest.prompt(generator(), golden, golden.get("rows").get(0));
  }

  private static DecodingSettings greedy(int n) {
    return DecodingSettings.defaults().withMaxNewTokens(n).greedy();
  }

  private static DecodingSettings with(DecodingSettings s, List<String> stop, Long seed,
      Double temperature, int topLogprobs) {
    return new DecodingSettings(s.maxNewTokens(), s.doSample(), temperature, s.topP(), s.topK(),
        s.minP(), s.repetitionPenalty(), s.presencePenalty(), s.frequencyPenalty(), seed, stop,
        s.stopTokenIds(), true, topLogprobs);
  }

  @Test
  void aStopStringSplitAcrossTokensEndsTheAnswerWithoutIt() throws IOException {
    LocalGenerator generator = generator();
    GenerationConfig config = generator.generationConfig();
    Prompt prompt = prompt();
    List<String> pieces = new ArrayList<>();
    GenerationResult all = generator.generate(prompt, Decoding.of(with(greedy(32), List.of(), null, null, 0), config),
        (s, token, text) -> pieces.add(text), () -> false);
    // a stop string made of the end of one token's text and the start of the next one's
    String stop = null;
    int prefix = 0;
    for (int k = 3; k + 1 < pieces.size() && stop == null; k++) {
      String a = pieces.get(k);
      String b = pieces.get(k + 1);
      if (a.length() >= 2 && b.length() >= 2 && !a.contains("\uFFFD") && !b.contains("\uFFFD")) {
        stop = a.substring(a.length() - 2) + b.substring(0, 2);
        prefix = String.join("", pieces.subList(0, k + 1)).length() - 2;
      }
    }
    assertThat(stop).as("two neighbouring tokens with text").isNotNull();
    int first = all.text().indexOf(stop);
    assertThat(first).isLessThanOrEqualTo(prefix);
    StringBuilder streamed = new StringBuilder();
    GenerationResult cut = generator.generate(prompt,
        Decoding.of(with(greedy(32), List.of("no such text", stop), null, null, 0), config),
        new TokenSink() {
          @Override
          public void accept(int sequence, int token, String text) {
            streamed.append(text);
          }

          @Override
          public void end(int sequence, String rest) {
            streamed.append(rest);
          }
        }, () -> false);
    assertThat(cut.finishReason()).isEqualTo(FinishReason.STOP);
    assertThat(cut.text()).isEqualTo(all.text().substring(0, first));
    assertThat(streamed.toString()).isEqualTo(cut.text());
    assertThat(all.tokenIdList()).startsWith(cut.tokenIds().length == 0 ? new Integer[0]
        : cut.tokenIdList().toArray(Integer[]::new));
  }

  @Test
  void aSeedMakesSamplingReproducible() throws IOException {
    LocalGenerator generator = generator();
    GenerationConfig config = generator.generationConfig();
    Prompt prompt = prompt();
    DecodingSettings sampled = DecodingSettings.defaults().withMaxNewTokens(16);
    Decoding seven = Decoding.of(with(sampled, List.of(), 7L, 1.5, 0), config);
    assertThat(seven.sample()).isTrue();
    GenerationResult a = generator.generate(prompt, seven, TokenSink.NONE, () -> false);
    GenerationResult b = generator.generate(prompt, seven, TokenSink.NONE, () -> false);
    assertThat(a.tokenIdList()).isEqualTo(b.tokenIdList());
    // in a batch, each sequence draws as it would alone
    List<GenerationResult> batch = generator.generate(List.of(prompt, prompt), seven, TokenSink.NONE, () -> false);
    assertThat(batch.get(0).tokenIdList()).isEqualTo(a.tokenIdList());
    GenerationResult other = generator.generate(prompt,
        Decoding.of(with(sampled, List.of(), 8L, 1.5, 0), config), TokenSink.NONE, () -> false);
    assertThat(other.tokenIdList()).isNotEqualTo(a.tokenIdList());
  }

  @Test
  void eachTokenComesWithItsMostLikelyAlternatives() throws IOException {
    LocalGenerator generator = generator();
    GenerationResult result = generator.generate(prompt(),
        Decoding.of(with(greedy(8), List.of(), null, null, 3), generator.generationConfig()),
        TokenSink.NONE, () -> false);
    assertThat(result.topLogprobs()).hasSize(result.tokenIds().length);
    for (int t = 0; t < result.tokenIds().length; t++) {
      List<TokenLogprob> top = result.topLogprobs().get(t);
      assertThat(top).hasSize(3);
      assertThat(top.get(0).logprob()).isGreaterThanOrEqualTo(top.get(1).logprob());
      assertThat(top.get(1).logprob()).isGreaterThanOrEqualTo(top.get(2).logprob());
      // greedy: the chosen token is the most likely one
      assertThat(top.get(0).tokenId()).isEqualTo(result.tokenIds()[t]);
      assertThat(top.get(0).logprob()).isEqualTo(result.logprobs()[t]);
    }
  }

  @Test
  void theCheckpointsGenerationConfigFillsWhatTheCallerLeavesOut() {
    GenerationConfig config = generator().generationConfig();
    assertThat(config.eosTokenIds()).hasSize(2);
    assertThat(config.doSample()).isTrue();
    Decoding defaults = Decoding.of(DecodingSettings.defaults(), config);
    assertThat(defaults.sample()).isTrue();
    // temperature 0.7, top-k 20, top-p 0.8 (repetition penalty 1.0 adds nothing)
    assertThat(defaults.processors()).hasSize(3);
    assertThat(defaults.stopIds()).containsExactlyInAnyOrderElementsOf(config.eosTokenIds());
    Decoding zero = Decoding.of(with(DecodingSettings.defaults(), List.of(), null, 0.0, 0), config);
    assertThat(zero.sample()).isFalse();
    assertThat(zero.processors()).isEmpty();
    assertThat(zero.stopIds()).as("ignore eos").isEmpty();
  }
}
