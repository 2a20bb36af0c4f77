package dev.quire.generation.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each processor against transformers' on random logits (processor-goldens.json, written by
 * tools/reference/logits_processor_goldens.py): the same scores within 1e-6, the same ids removed.
 * The sampler is checked by its distribution: transformers draws with torch's generator, which a
 * JVM cannot reproduce bit for bit, so a chi-square test compares our draws with the softmax.
 */
class ProcessorsTest {

  static Stream<Arguments> goldens() throws IOException {
    try (InputStream in = ProcessorsTest.class.getResourceAsStream("/sampling/processor-goldens.json")) {
      JsonNode root = new ObjectMapper().readTree(in);
      List<Arguments> cases = new ArrayList<>();
      int i = 0;
      for (JsonNode c : root.get("cases")) {
        cases.add(Arguments.of(i++ + " " + c.get("processor").asText() + "=" + c.get("value").asDouble(), c));
      }
      return cases.stream();
    }
  }

  private static LogitsProcessor of(String name, double value) {
    return switch (name) {
      case "repetition_penalty" -> Processors.repetitionPenalty(value);
      case "temperature" -> Processors.temperature(value);
      case "top_k" -> Processors.topK((int) value);
      case "top_p" -> Processors.topP(value);
      case "min_p" -> Processors.minP(value);
      default -> throw new IllegalArgumentException(name);
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("goldens")
  void eachProcessorGivesTransformersScores(String name, JsonNode c) {
    float[] scores = new float[c.get("logits").size()];
    for (int i = 0; i < scores.length; i++) {
      scores[i] = (float) c.get("logits").get(i).asDouble();
    }
    int[] ids = new int[c.get("input_ids").size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = c.get("input_ids").get(i).asInt();
    }
    of(c.get("processor").asText(), c.get("value").asDouble()).process(ids, ids.length, scores);
    for (int i = 0; i < scores.length; i++) {
      JsonNode expected = c.get("scores").get(i);
      if (expected.isNull()) {
        assertThat(scores[i]).as("id %d removed", i).isEqualTo(Float.NEGATIVE_INFINITY);
      } else {
        assertThat((double) scores[i]).as("score of id %d", i).isCloseTo(expected.asDouble(),
            org.assertj.core.data.Offset.offset(1e-6));
      }
    }
  }

  @net.jqwik.api.Property
  void idsAreOrderedByScoreThenId(@net.jqwik.api.ForAll float[] scores) {
    int[] order = Processors.ascending(scores);
    assertThat(order).hasSize(scores.length);
    for (int i = 1; i < order.length; i++) {
      float a = scores[order[i - 1]];
      float b = scores[order[i]];
      assertThat(Float.compare(a, b) < 0 || (Float.compare(a, b) == 0 && order[i - 1] < order[i]))
          .as("%s then %s", a, b).isTrue();
    }
  }

  @Test
  void presenceAndFrequencyPenaliseOnlyGeneratedIds() {
    float[] scores = {1, 1, 1, 1};
    // prompt [0, 1], generated [1, 2, 2]
    Processors.presenceAndFrequency(0.5, 0.25).process(new int[] {0, 1, 1, 2, 2}, 2, scores);
    assertThat(scores).containsExactly(1f, 0.25f, 0f, 1f);
    assertThatThrownBy(() -> Processors.presenceAndFrequency(3, 0)).hasMessageContaining("[-2, 2]");
  }

  @Test
  void settingsOutsideTheirRangeAreRefused() {
    assertThatThrownBy(() -> Processors.temperature(0)).hasMessageContaining("0 is greedy");
    assertThatThrownBy(() -> Processors.topP(1.5)).hasMessageContaining("(0, 1]");
    assertThatThrownBy(() -> Processors.topK(0)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> Processors.minP(-0.1)).hasMessageContaining("[0, 1]");
    assertThatThrownBy(() -> Processors.repetitionPenalty(0)).hasMessageContaining("positive");
  }

  @Test
  void samplingDrawsFromTheSoftmax() {
    float[] logits = {2.0f, 1.0f, 0.5f, 0.0f, -1.0f, Float.NEGATIVE_INFINITY};
    double[] expected = Processors.softmax(logits);
    int draws = 60_000;
    long[] counts = new long[logits.length];
    TokenChooser chooser = TokenChooser.sampling(42L);
    for (int i = 0; i < draws; i++) {
      counts[chooser.choose(0, logits)]++;
    }
    assertThat(counts[5]).as("a removed id is never drawn").isZero();
    double chiSquare = 0;
    for (int i = 0; i < 5; i++) {
      double e = expected[i] * draws;
      chiSquare += (counts[i] - e) * (counts[i] - e) / e;
    }
    // 4 degrees of freedom: P(chi2 > 18.47) = 0.001
    assertThat(chiSquare).isLessThan(18.47);
  }

  @Test
  void aSeedReproducesTheDrawsOfEachSequence() {
    float[] logits = new float[50];
    for (int i = 0; i < logits.length; i++) {
      logits[i] = (float) Math.sin(i);
    }
    TokenChooser first = TokenChooser.sampling(7L);
    TokenChooser second = TokenChooser.sampling(7L);
    List<Integer> a = new ArrayList<>();
    List<Integer> b = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      a.add(first.choose(1, logits));
      second.choose(0, logits); // another sequence's draws do not disturb sequence 1's
      b.add(second.choose(1, logits));
    }
    assertThat(a).isEqualTo(b);
    TokenChooser other = TokenChooser.sampling(8L);
    List<Integer> c = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      c.add(other.choose(1, logits));
    }
    assertThat(c).isNotEqualTo(a);
  }
}
