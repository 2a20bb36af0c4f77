package dev.quire.generation.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.generation.InstructFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real Qwen3-VL-Instruct and -Thinking chat templates (from a registry package, hash-checked
 * by tools/reference) and a fixture template using every construct they use, each rendered
 * byte-equal to transformers' Qwen3VLProcessor.apply_chat_template on 14 conversations: tools,
 * tool calls and responses, reasoning, multi-turn, vision ids, videos, errors.
 */
class RealTemplatesTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> renders() {
    JsonNode goldens = InstructFixtures.json("templates.json");
    List<Arguments> all = new ArrayList<>();
    for (JsonNode c : goldens.get("cases")) {
      c.get("renders").fieldNames().forEachRemaining(template ->
          all.add(Arguments.of(c.get("name").asText() + " / " + template, template, c)));
    }
    return all.stream();
  }

  private static ChatTemplate template(String name) throws IOException {
    return switch (name) {
      case "instruct-tied", "instruct-untied" -> ChatTemplate.fromCheckpoint(InstructFixtures.path(name));
      default -> {
        // the thinking template belongs to no checkpoint: the tied one's special tokens
        ChatTemplate tied = ChatTemplate.fromCheckpoint(InstructFixtures.path("instruct-tied"));
        Path file = InstructFixtures.path("templates/" + name + ".jinja");
        yield ChatTemplate.of(Files.readString(file), tied.specialTokens());
      }
    };
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("renders")
  void rendersAsTransformersDoes(String name, String templateName, JsonNode c) throws IOException {
    ChatTemplate template = template(templateName);
    List<Map<String, Object>> messages = JSON.convertValue(c.get("messages"), new TypeReference<>() {});
    Map<String, Object> options = new LinkedHashMap<>(
        JSON.convertValue(c.path("kwargs"), new TypeReference<Map<String, Object>>() {}));
    if (c.hasNonNull("tools")) {
      options.put("tools", JSON.convertValue(c.get("tools"), new TypeReference<List<Object>>() {}));
    }
    JsonNode expected = c.get("renders").get(templateName);
    if (expected.has("text")) {
      assertThat(template.render(messages, options)).isEqualTo(expected.get("text").asText());
    } else {
      assertThatThrownBy(() -> template.render(messages, options))
          .isInstanceOf(ChatTemplateException.class)
          .hasMessage(expected.get("message").asText());
    }
  }
}
