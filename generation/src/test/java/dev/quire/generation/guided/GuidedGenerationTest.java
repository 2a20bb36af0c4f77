package dev.quire.generation.guided;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.generation.Decoding;
import dev.quire.generation.DecodingSettings;
import dev.quire.generation.FinishReason;
import dev.quire.generation.GenerationParityTest;
import dev.quire.generation.GenerationResult;
import dev.quire.generation.InstructFixtures;
import dev.quire.generation.LocalGenerator;
import dev.quire.generation.Prompt;
import dev.quire.generation.TokenSink;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatRequest;
import dev.quire.generation.backend.LocalChatGenerator;
import dev.quire.generation.backend.ResponseFormat;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The tiny random model's free output is noise; guided by a schema, 100 seeded samples of it are
 * all JSON that networknt's validator passes, ended by the model's end-of-turn id.
 */
class GuidedGenerationTest {

  private static final int SAMPLES = 100;

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2})
  void everySampleValidates(int which) throws IOException {
    String schema = Schemas.ALL.get(which);
    LocalGenerator generator = GenerationParityTest.generator("instruct-tied");
    JsonNode golden = InstructFixtures.json("goldens/instruct-tied-user.json");
    Prompt prompt = GenerationParityTest.prompt(generator, golden, golden.get("rows").get(0));
    Decoding sampling = Decoding.of(new DecodingSettings(400, true, 1.0, 1.0, 0, null, null, null,
        null, 1000L + which, List.of(), List.of(), false, 0), generator.generationConfig())
        .withProcessorsFirst(List.of(generator.guidedJson(JsonSchemaCompiler.compile(Schemas.parse(schema)))));
    List<GenerationResult> results = generator.generate(Collections.nCopies(SAMPLES, prompt), sampling,
        TokenSink.NONE, () -> false);
    List<String> texts = new ArrayList<>();
    for (GenerationResult result : results) {
      assertThat(result.finishReason()).as(result.text()).isEqualTo(FinishReason.STOP);
      assertThat(Schemas.errors(schema, result.text())).as(result.text()).isEmpty();
      texts.add(result.text());
    }
    // samples, not one answer a hundred times
    assertThat(texts.stream().distinct().count()).isGreaterThan(10);
  }

  @ParameterizedTest
  @ValueSource(strings = {"json_schema"})
  void theChatBackendFollowsTheResponseFormat(String type) throws IOException {
    LocalGenerator generator = GenerationParityTest.generator("instruct-tied");
    LocalChatGenerator chat = new LocalChatGenerator("t", "t", generator, 0);
    ResponseFormat format = type.equals("json_object") ? ResponseFormat.JSON_OBJECT
        : ResponseFormat.jsonSchema(Schemas.parse(Schemas.LABEL));
    ChatCompletion answer = chat.complete(new ChatRequest(
        List.of(Map.of("role", "user", "content", "Classify this page.")), List.of(),
        new DecodingSettings(300, false, null, null, null, null, null, null, null, null, List.of(),
            List.of(), false, 0), Map.of(), format));
    JsonNode parsed = new com.fasterxml.jackson.databind.ObjectMapper().readTree(answer.text());
    assertThat(parsed.isObject()).as(answer.text()).isTrue();
    if (type.equals("json_schema")) {
      assertThat(Schemas.errors(Schemas.LABEL, answer.text())).isEmpty();
    }
  }
}
