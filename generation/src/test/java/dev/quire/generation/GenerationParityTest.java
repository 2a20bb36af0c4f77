package dev.quire.generation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.generation.sampling.LogitsProcessor;
import dev.quire.model.ComputeDevice;
import dev.quire.model.Precision;
import dev.quire.model.safetensors.SafetensorsFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Generation against transformers' goldens on two tiny instruct checkpoints (tied float32; untied
 * BF16 in shards, other head counts, DeepStack taps and M-RoPE sections): the rendered prompt and
 * its ids, the logits of the first three steps within 1e-4, the 32 greedy ids exactly, and where
 * the checkpoint's eos ids stop the answer; text only, one image, two images of different sizes,
 * and two prompts of different lengths decoded together.
 */
public class GenerationParityTest {

  private static final double TOLERANCE = 1e-4;
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Map<String, LocalGenerator> OPEN = new HashMap<>();

  public static LocalGenerator generator(String checkpoint) {
    return OPEN.computeIfAbsent(checkpoint, name -> {
      try {
        return LocalGenerator.open(InstructFixtures.path(name),
            new LocalGenerator.Options(ComputeDevice.CPU, Precision.FLOAT32, 0));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
  }

  @AfterAll
  static void close() {
    OPEN.values().forEach(LocalGenerator::close);
    OPEN.clear();
  }

  /** The prompt of golden row {@code row}, built from its messages and images. */
  public static Prompt prompt(LocalGenerator generator, JsonNode golden, JsonNode row) throws IOException {
    List<Map<String, Object>> messages = JSON.convertValue(row.get("messages"), new TypeReference<>() {});
    List<BufferedImage> images = new ArrayList<>();
    for (JsonNode file : row.get("images")) {
      images.add(ImageIO.read(InstructFixtures.path(file.asText()).toFile()));
    }
    Map<String, Object> kwargs = JSON.convertValue(golden.get("chat_template_kwargs"), new TypeReference<>() {});
    return generator.prompts().build(messages, images, kwargs);
  }

  static int[] ints(JsonNode array) {
    int[] out = new int[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asInt();
    }
    return out;
  }

  /** A processor that keeps the raw scores of each step it sees and changes nothing. */
  static final class Recorder implements LogitsProcessor {
    final Map<Integer, List<float[]>> steps = new HashMap<>();
    private final Map<Integer, Integer> sequenceOfLength = new HashMap<>();
    private final int[] promptLengths;

    Recorder(int[] promptLengths) {
      this.promptLengths = promptLengths;
    }

    @Override
    public void process(int[] tokens, int promptLength, float[] scores) {
      // which sequence: the prompt lengths differ in a batch, and a step adds one token to each
      int sequence = -1;
      for (int s = 0; s < promptLengths.length; s++) {
        int steps = this.steps.getOrDefault(s, List.of()).size();
        if (tokens.length == promptLengths[s] + steps && sequence < 0) {
          sequence = s;
        }
      }
      steps.computeIfAbsent(sequence, k -> new ArrayList<>()).add(scores.clone());
    }
  }

  @ParameterizedTest
  @CsvSource({
    "instruct-tied, user", "instruct-tied, system-user", "instruct-tied, one-image",
    "instruct-tied, two-images", "instruct-tied, batch",
    "instruct-untied, user", "instruct-untied, system-user", "instruct-untied, one-image",
    "instruct-untied, two-images", "instruct-untied, batch"})
  void greedyGenerationIsTransformersTokenForToken(String checkpoint, String name) throws IOException {
    LocalGenerator generator = generator(checkpoint);
    JsonNode golden = InstructFixtures.json("goldens/" + checkpoint + "-" + name + ".json");
    List<Prompt> prompts = new ArrayList<>();
    for (JsonNode row : golden.get("rows")) {
      Prompt prompt = prompt(generator, golden, row);
      assertThat(prompt.text()).as("rendered prompt").isEqualTo(row.get("prompt").asText());
      assertThat(prompt.ids()).as("prompt ids").containsExactly(ints(row.get("prompt_ids")));
      prompts.add(prompt);
    }
    Recorder recorder = new Recorder(prompts.stream().mapToInt(Prompt::length).toArray());
    Decoding greedy = Decoding.greedy(32, generator.generationConfig()).withoutStopIds()
        .withProcessorsFirst(List.of(recorder));
    List<GenerationResult> results = generator.generate(prompts, greedy, TokenSink.NONE, () -> false);
    float[] logits;
    long[] shape;
    try (SafetensorsFile tensors = SafetensorsFile.open(
        InstructFixtures.path("goldens/" + checkpoint + "-" + name + ".safetensors"))) {
      logits = tensors.tensor("logits").toFloatArray();
      shape = tensors.tensor("logits").shape();
    }
    int vocab = (int) shape[2];
    for (int s = 0; s < prompts.size(); s++) {
      JsonNode row = golden.get("rows").get(s);
      GenerationResult result = results.get(s);
      assertThat(result.tokenIds()).as("greedy ids of row " + s).containsExactly(ints(row.get("greedy_ids")));
      assertThat(result.finishReason()).isEqualTo(FinishReason.LENGTH);
      for (int step = 0; step < 3; step++) {
        float[] ours = recorder.steps.get(s).get(step);
        float[] theirs = Arrays.copyOfRange(logits, (s * 3 + step) * vocab, (s * 3 + step + 1) * vocab);
        assertThat(ours).hasSize(vocab);
        double worst = 0;
        for (int v = 0; v < vocab; v++) {
          worst = Math.max(worst, Math.abs(ours[v] - theirs[v]));
        }
        assertThat(worst).as("max |logit - reference| of row " + s + " step " + step).isLessThan(TOLERANCE);
      }
    }
    // the checkpoint's eos ids end the answer where transformers ends it
    List<GenerationResult> stopped = generator.generate(prompts,
        Decoding.greedy(32, generator.generationConfig()), TokenSink.NONE, () -> false);
    for (int s = 0; s < prompts.size(); s++) {
      JsonNode row = golden.get("rows").get(s);
      assertThat(stopped.get(s).tokenIds()).as("eos-stopped ids of row " + s)
          .containsExactly(ints(row.get("eos_stopped_ids")));
      assertThat(stopped.get(s).finishReason()).isEqualTo(
          row.get("stopped_at_eos").asBoolean() ? FinishReason.STOP : FinishReason.LENGTH);
      assertThat(stopped.get(s).text()).isEqualTo(row.get("eos_stopped_text").asText());
    }
  }

  @Test
  void streamedPiecesMakeTheAnswerAndCancellingKeepsWhatWasGenerated() throws IOException {
    LocalGenerator generator = generator("instruct-tied");
    JsonNode golden = InstructFixtures.json("goldens/instruct-tied-system-user.json");
    Prompt prompt = prompt(generator, golden, golden.get("rows").get(0));
    StringBuilder streamed = new StringBuilder();
    List<Integer> tokens = new ArrayList<>();
    GenerationResult all = generator.generate(prompt, Decoding.greedy(32, generator.generationConfig()),
        new TokenSink() {
          @Override
          public void accept(int sequence, int token, String text) {
            streamed.append(text);
            tokens.add(token);
          }

          @Override
          public void end(int sequence, String rest) {
            streamed.append(rest);
          }
        }, () -> false);
    assertThat(streamed.toString()).isEqualTo(all.text());
    assertThat(tokens).isEqualTo(all.tokenIdList());
    assertThat(all.logprobs()).hasSize(all.tokenIds().length);
    assertThat(Arrays.stream(all.logprobs()).max().orElse(0)).isLessThanOrEqualTo(0);
    assertThat(all.timings().promptTokens()).isEqualTo(prompt.length());
    int[] count = {0};
    GenerationResult cut = generator.generate(prompt, Decoding.greedy(32, generator.generationConfig()),
        (s, token, text) -> count[0]++, () -> count[0] >= 5);
    assertThat(cut.finishReason()).isEqualTo(FinishReason.CANCELLED);
    assertThat(cut.tokenIds()).containsExactly(Arrays.copyOf(all.tokenIds(), 5));
  }

  @Test
  void badInputGetsAClearError() throws IOException {
    LocalGenerator generator = generator("instruct-tied");
    List<Map<String, Object>> oneImagePart = List.of(Map.of("role", "user", "content",
        List.of(Map.of("type", "image"), Map.of("type", "text", "text", "hi"))));
    assertThatThrownBy(() -> generator.prompts().build(oneImagePart, List.of(), Map.of()))
        .hasMessageContaining("1 image places for 0 images");
    assertThatThrownBy(() -> Decoding.greedy(-1, generator.generationConfig()))
        .hasMessageContaining("must not be negative");
  }
}
