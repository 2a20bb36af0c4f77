package dev.quire.generation.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.generation.DecodingSettings;
import dev.quire.generation.FinishReason;
import dev.quire.generation.InstructFixtures;
import dev.quire.model.ComputeDevice;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The in-process backend behind the Generator interface: answers, streaming, logprobs, queueing. */
class LocalChatGeneratorTest {

  private static Generators generators;

  @BeforeAll
  static void open() throws IOException {
    generators = Generators.open(List.of(new BackendSpec.Local("small",
        InstructFixtures.path("instruct-tied"), null, ComputeDevice.CPU, 0, 0)));
  }

  @AfterAll
  static void close() {
    generators.close();
  }

  private static ChatRequest request(JsonNode golden, DecodingSettings settings) {
    List<Map<String, Object>> messages = new ObjectMapper().convertValue(
        golden.get("messages"), new TypeReference<>() {});
    return new ChatRequest(messages, List.of(), settings, Map.of());
  }

  private static JsonNode golden() {
    return InstructFixtures.json("goldens/instruct-tied-system-user.json").get("rows").get(0);
  }

  private static DecodingSettings greedy(int n, int top) {
    return new DecodingSettings(n, false, null, null, null, null, null, null, null, null,
        List.of(), List.of(), false, top);
  }

  @Test
  void answersAsTheModelDoesAndStreamsTheText() {
    Generator generator = generators.forModel(null);
    assertThat(generator.name()).isEqualTo("small");
    assertThat(generator.model()).isEqualTo("instruct-tied");
    StringBuilder streamed = new StringBuilder();
    ChatCompletion answer = generator.complete(request(golden(), greedy(32, 2)), streamed::append, () -> false);
    assertThat(answer.text()).isEqualTo(golden().get("eos_stopped_text").asText());
    assertThat(streamed.toString()).isEqualTo(answer.text());
    assertThat(answer.usage().promptTokens()).isEqualTo(golden().get("prompt_ids").size());
    assertThat(answer.usage().completionTokens()).isEqualTo(golden().get("eos_stopped_ids").size());
    assertThat(answer.logprobs()).hasSize(answer.usage().completionTokens());
    ChatLogprob first = answer.logprobs().getFirst();
    assertThat(first.top()).hasSize(2);
    assertThat(first.top().getFirst().logprob()).isEqualTo(first.logprob());
    assertThat(new String(first.bytes(), StandardCharsets.UTF_8)).isEqualTo(first.token());
  }

  @Test
  void modelsAreFoundByIdOrBackendNameAndUnknownOnesAreNamed() {
    assertThat(generators.forModel("instruct-tied").name()).isEqualTo("small");
    assertThat(generators.forModel("small").model()).isEqualTo("instruct-tied");
    assertThat(generators.models()).containsExactly("instruct-tied");
    assertThatThrownBy(() -> generators.forModel("gpt-4o"))
        .hasMessageContaining("no backend serves model 'gpt-4o'").hasMessageContaining("instruct-tied");
    assertThatThrownBy(() -> Generators.none().forModel(null)).hasMessageContaining("no generation backend");
  }

  @Test
  void aBusyBackendRefusesWhatItCannotQueue() throws Exception {
    Generator generator = generators.forModel(null);
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    CompletableFuture<ChatCompletion> first = CompletableFuture.supplyAsync(() ->
        generator.complete(request(golden(), greedy(32, 0)), delta -> started.countDown(), () -> {
          try {
            return !release.await(10, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            return true;
          }
        }));
    assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
    // maxQueued 0: while one answer is generated, the next request is turned away
    assertThatThrownBy(() -> generator.complete(request(golden(), greedy(4, 0))))
        .isInstanceOf(GeneratorBusyException.class).hasMessageContaining("try again later");
    release.countDown();
    assertThat(first.get(30, TimeUnit.SECONDS).finishReason()).isIn(FinishReason.STOP, FinishReason.LENGTH);
    assertThat(generator.complete(request(golden(), greedy(4, 0))).usage().completionTokens()).isEqualTo(4);
  }
}
