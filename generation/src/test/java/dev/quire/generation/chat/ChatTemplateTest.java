package dev.quire.generation.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each construct Qwen chat templates use, rendered by Jinjava as transformers renders it with
 * jinja2 (construct-goldens.json, written by tools/reference/chat_template_goldens.py): the
 * output byte for byte, or the template's own error message.
 */
class ChatTemplateTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  static Stream<Arguments> constructs() throws IOException {
    try (InputStream in = ChatTemplateTest.class.getResourceAsStream("/chat/construct-goldens.json")) {
      JsonNode goldens = JSON.readTree(in);
      return Stream.of(goldens.get("cases").spliterator()).flatMap(s ->
          java.util.stream.StreamSupport.stream(s, false)).map(c -> Arguments.of(c.get("name").asText(), c));
    }
  }

  static List<Map<String, Object>> messages(JsonNode node) {
    return JSON.convertValue(node, new TypeReference<>() {});
  }

  static Map<String, Object> options(JsonNode node) {
    return JSON.convertValue(node, new TypeReference<>() {});
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("constructs")
  void rendersEachConstructAsTransformersDoes(String name, JsonNode golden) {
    ChatTemplate template = ChatTemplate.of(golden.get("template").asText(), Map.of());
    List<Map<String, Object>> messages = messages(golden.get("messages"));
    Map<String, Object> options = options(golden.get("options"));
    if (golden.has("error")) {
      assertThatThrownBy(() -> template.render(messages, options))
          .isInstanceOf(ChatTemplateException.class)
          .hasMessage(golden.get("error").asText());
    } else {
      assertThat(template.render(messages, options)).isEqualTo(golden.get("output").asText());
    }
  }

  @Test
  void stepSlicesAreRewrittenOnlyInsideTagsAndExpressions() {
    assertThat(ChatTemplate.rewriteStepSlices("a[::-1] {{ x[::-1] }} {% for m in y[1::2] %}"))
        .isEqualTo("a[::-1] {{ x|pyslice(none, none, -1) }} {% for m in y|pyslice(1, none, 2) %}");
  }

  @Test
  void theTemplateComesFromTheCheckpointFolderWhereTransformersLooks() throws IOException {
    Files.writeString(dir.resolve("tokenizer_config.json"),
        "{\"eos_token\": \"<|im_end|>\", \"chat_template\": \"config:{{ eos_token }}\"}");
    assertThat(ChatTemplate.fromCheckpoint(dir).render(List.of(), Map.of())).isEqualTo("config:<|im_end|>");
    Files.writeString(dir.resolve("chat_template.json"), "{\"chat_template\": \"processor\"}");
    assertThat(ChatTemplate.fromCheckpoint(dir).render(List.of(), Map.of())).isEqualTo("processor");
    Files.writeString(dir.resolve("chat_template.jinja"), "jinja:{{ messages | length }}");
    assertThat(ChatTemplate.fromCheckpoint(dir).render(List.of(Map.of("role", "user")), Map.of()))
        .isEqualTo("jinja:1");
    Path empty = Files.createDirectories(dir.resolve("encoder-only"));
    assertThatThrownBy(() -> ChatTemplate.fromCheckpoint(empty))
        .hasMessageContaining("has no chat template");
  }

  @Test
  void aBrokenTemplateSaysWhere() {
    ChatTemplate broken = ChatTemplate.of("line one\n{{ messages[0].content.nosuchmethod() }}", Map.of());
    assertThatThrownBy(() -> broken.render(List.of(Map.of("role", "user", "content", "x")), Map.of()))
        .isInstanceOf(ChatTemplateException.class)
        .hasMessageContaining("line 2");
  }
}
