package dev.quire.generation.guided;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** What the subset accepts and refuses, and the automaton on texts picked by hand. */
class JsonSchemaCompilerTest {

  private static JsonAutomaton automaton(String schema) {
    return new JsonAutomaton(JsonSchemaCompiler.compile(Schemas.parse(schema)));
  }

  @Test
  void numbersFollowJsonsGrammar() {
    JsonAutomaton number = automaton("{\"type\": \"number\"}");
    for (String ok : new String[] {"0", "-0", "12", "-3.25", "1e5", "2.5E-3", "0.0"}) {
      assertThat(number.accepts(ok)).as(ok).isTrue();
    }
    for (String bad : new String[] {"01", "-", "1.", ".5", "1e", "+1", "1 ", "NaN", "1e+"}) {
      assertThat(number.accepts(bad)).as(bad).isFalse();
    }
    JsonAutomaton integer = automaton("{\"type\": \"integer\"}");
    assertThat(integer.accepts("-42")).isTrue();
    assertThat(integer.accepts("4.2")).isFalse();
    assertThat(integer.accepts("1".repeat(JsonAutomaton.MAX_DIGITS + 1))).isFalse();
  }

  @Test
  void objectsGiveRequiredPropertiesInOrderAndNoOthers() {
    JsonAutomaton object = automaton("{\"type\": \"object\", \"properties\": {\"a\": {\"type\": \"integer\"},"
        + " \"b\": {\"type\": \"string\"}, \"c\": {\"type\": \"boolean\"}}, \"required\": [\"b\"]}");
    assertThat(object.accepts("{\"b\":\"x\"}")).isTrue();
    assertThat(object.accepts("{\"a\":1,\"b\":\"x\",\"c\":true}")).isTrue();
    assertThat(object.accepts("{\"a\":1}")).as("b is required").isFalse();
    assertThat(object.accepts("{\"b\":\"x\",\"a\":1}")).as("schema order").isFalse();
    assertThat(object.accepts("{\"b\":\"x\",\"d\":1}")).as("no other properties").isFalse();
    assertThat(object.accepts("{\"b\":\"x\",}")).isFalse();
    assertThat(object.accepts("{\"b\": \"x\"}")).as("compact: no whitespace").isFalse();
  }

  @Test
  void stringsEscapesAndLengths() {
    JsonAutomaton string = automaton("{\"type\": \"string\", \"maxLength\": 3}");
    assertThat(string.accepts("\"a\\u00e9\\n\"")).isTrue();
    assertThat(string.accepts("\"€€€\"")).as("characters, not bytes").isTrue();
    assertThat(string.accepts("\"abcd\"")).isFalse();
    assertThat(string.accepts("\"a\nb\"")).as("a raw newline").isFalse();
    assertThat(string.accepts("\"\\x\"")).isFalse();
  }

  @Test
  void enumsConstsAnyOfAndFreeObjects() {
    JsonAutomaton label = automaton("{\"enum\": [\"1099-INT\", \"1099-DIV\", 10, 100, null]}");
    assertThat(label.accepts("\"1099-DIV\"")).isTrue();
    assertThat(label.accepts("10")).isTrue();
    assertThat(label.accepts("100")).isTrue();
    assertThat(label.accepts("null")).isTrue();
    assertThat(label.accepts("\"1099\"")).isFalse();
    JsonAutomaton free = new JsonAutomaton(JsonSchemaCompiler.anyObject());
    assertThat(free.accepts("{\"x\":[1,{\"y\":null}],\"z\":\"w\"}")).isTrue();
    assertThat(free.accepts("[1]")).isFalse();
    JsonAutomaton.State done = free.feed(free.start(), "{}".getBytes());
    assertThat(done.finished()).isTrue();
  }

  @Test
  void keywordsOutsideTheSubsetAreRefusedWithTheirPlace() {
    assertThatThrownBy(() -> JsonSchemaCompiler.compile(Schemas.parse(
        "{\"type\": \"object\", \"properties\": {\"date\": {\"type\": \"string\", \"pattern\": \"^\\\\d+$\"}}}")))
        .isInstanceOf(UnsupportedSchemaException.class)
        .hasMessageContaining("$.properties.date").hasMessageContaining("'pattern'");
    assertThatThrownBy(() -> JsonSchemaCompiler.compile(Schemas.parse("{\"$ref\": \"#/defs/x\"}")))
        .hasMessageContaining("'$ref'");
    assertThatThrownBy(() -> JsonSchemaCompiler.compile(Schemas.parse(
        "{\"type\": \"object\", \"properties\": {}, \"required\": [\"x\"]}")))
        .hasMessageContaining("'x' is required but not among the properties");
    assertThatThrownBy(() -> JsonSchemaCompiler.compile(Schemas.parse(
        "{\"type\": \"object\", \"additionalProperties\": {\"type\": \"string\"}}")))
        .hasMessageContaining("additionalProperties");
  }
}
