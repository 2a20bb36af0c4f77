package dev.quire.tasks.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

/** Model answers as they come, read back to their value with what was repaired. */
class LenientJsonTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static String read(String answer) {
    return LenientJson.parse(answer).value().toString();
  }

  @Test
  void aCleanAnswerNeedsNoRepair() {
    LenientJson.Parsed parsed = LenientJson.parse("{\"type\": \"W2\", \"n\": [1, 2]}");
    assertThat(parsed.clean()).isTrue();
    assertThat(parsed.value().toString()).isEqualTo("{\"type\":\"W2\",\"n\":[1,2]}");
  }

  @Test
  void fencesProseAndNonStandardJsonAreRead() {
    assertThat(read("Here you go:\n```json\n{\"a\": 1}\n```\nHope it helps")).isEqualTo("{\"a\":1}");
    assertThat(read("The result is {\"a\": [1, 2,], } as requested.")).isEqualTo("{\"a\":[1,2]}");
    assertThat(read("{'a': 'it', b: True, 'c': None}")).isEqualTo("{\"a\":\"it\",\"b\":true,\"c\":null}");
    assertThat(read("{'name': 'Acme', 'paid': False}")).isEqualTo("{\"name\":\"Acme\",\"paid\":false}");
    assertThat(read("{\"note\": \"True story\", \"ok\": True}")).isEqualTo("{\"note\":\"True story\",\"ok\":true}");
    assertThat(read("// the fields\n{\"a\": 1 /* one */}")).isEqualTo("{\"a\":1}");
    LenientJson.Parsed prose = LenientJson.parse("Sure! {\"a\": 1}");
    assertThat(prose.repairs()).anyMatch(r -> r.contains("prose"));
  }

  @Test
  void anAnswerCutOffIsClosedAndSaysWhere() {
    assertThat(read("{\"vendor\": \"Acme Co")).isEqualTo("{\"vendor\":\"Acme Co\"}");
    assertThat(read("{\"a\": 1, \"items\": [{\"x\": 2}, {\"x\": 3")).isEqualTo("{\"a\":1,\"items\":[{\"x\":2},{\"x\":3}]}");
    assertThat(read("{\"a\": 1, \"b\":")).isEqualTo("{\"a\":1}");
    assertThat(read("{\"a\": 1, \"b")).isEqualTo("{\"a\":1}");
    assertThat(read("{\"a\": [\"x\", \"y")).isEqualTo("{\"a\":[\"x\",\"y\"]}");
    assertThat(read("{\"a\": 1,")).isEqualTo("{\"a\":1}");
    LenientJson.Parsed cut = LenientJson.parse("```json\n{\"total\": 12.5, \"lines\": [1, 2");
    assertThat(cut.repairs()).anyMatch(r -> r.contains("cut off inside an array"));
  }

  @Test
  void noJsonAtAllIsAClearError() {
    assertThatThrownBy(() -> LenientJson.parse("I cannot classify this document."))
        .isInstanceOf(UnparseableOutputException.class).hasMessageContaining("holds no JSON");
    assertThatThrownBy(() -> LenientJson.parse("  ")).isInstanceOf(UnparseableOutputException.class)
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> LenientJson.parse("{\"a\": tru"))
        .isInstanceOf(UnparseableOutputException.class).hasMessageContaining("not JSON even after repairs");
  }

  @Test
  void valuesAreFittedToTheSchemaAndTheRestReported() throws Exception {
    SchemaConformance schema = new SchemaConformance(JSON.readTree("""
        {"type": "object", "additionalProperties": false,
         "properties": {"total": {"type": "number"}, "count": {"type": "integer"},
                        "paid": {"type": "boolean"}, "id": {"type": "string"},
                        "tags": {"type": "array", "items": {"type": "string"}}},
         "required": ["total"]}"""));
    SchemaConformance.Result fitted = schema.fit(JSON.readTree(
        "{\"total\": \"$1,234.50\", \"count\": 3.0, \"paid\": \"yes\", \"id\": 42, \"tags\": \"urgent\", \"extra\": 1}"));
    assertThat(fitted.value().toString()).isEqualTo(
        "{\"total\":1234.50,\"count\":3,\"paid\":true,\"id\":\"42\",\"tags\":[\"urgent\"]}");
    assertThat(fitted.changes()).hasSize(6).anyMatch(c -> c.contains("dropped $.extra"));
    assertThat(fitted.valid()).isTrue();
    SchemaConformance.Result wrong = schema.fit(JSON.readTree("{\"total\": \"a lot\"}"));
    assertThat(wrong.valid()).isFalse();
    assertThat(wrong.violations()).singleElement().asString().contains("total");
  }
}
