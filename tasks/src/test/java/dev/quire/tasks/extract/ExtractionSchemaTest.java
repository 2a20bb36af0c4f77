package dev.quire.tasks.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.generation.guided.JsonSchemaCompiler;
import dev.quire.model.ReferenceFolders;
import dev.quire.model.ComputeDevice;
import dev.quire.generation.backend.BackendSpec;
import dev.quire.generation.backend.Generators;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The built-in schemas, callers' schemas, and the answer schema guided decoding follows. */
class ExtractionSchemaTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void everyBuiltInSchemaLoadsAndItsAnswerSchemaGuidesDecoding() {
    for (String type : ExtractionSchema.BUILT_IN) {
      ExtractionSchema schema = ExtractionSchema.builtIn(type);
      assertThat(schema.docType()).isEqualTo(type);
      assertThat(JsonSchemaCompiler.compile(schema.answerSchema())).as(type).isNotNull();
      assertThat(schema.violations(JSON.createObjectNode())).as(type + " names required fields").isNotEmpty();
    }
    assertThat(ExtractionSchema.builtIn("w-2").docType()).isEqualTo("W2");
    assertThat(ExtractionSchema.builtIn("Bank_Statement").docType()).isEqualTo("bank_statement");
    assertThatThrownBy(() -> ExtractionSchema.builtIn("memo"))
        .hasMessageContaining("no built-in extraction schema for doc_type 'memo'").hasMessageContaining("W2, 1099-INT");
  }

  @Test
  void aCallersSchemaIsCheckedAndRelaxedForTheAnswer() throws Exception {
    JsonNode schema = JSON.readTree("""
        {"type": "object", "properties": {
           "name": {"type": "string", "pattern": "^[A-Z]", "minLength": 2},
           "born": {"type": "string", "format": "date"},
           "salary": {"type": "number", "minimum": 0, "x-quire-kind": "money"},
           "tags": {"type": "array", "items": {"enum": ["a", "b"]}, "maxItems": 3},
           "ok": {"type": "boolean"}}, "required": ["name"]}""");
    ExtractionSchema custom = ExtractionSchema.custom(null, schema);
    assertThat(custom.docType()).isEqualTo("custom");
    JsonNode answer = custom.answerSchema();
    assertThat(answer.toString()).doesNotContain("pattern", "minimum", "format", "minLength");
    assertThat(answer.at("/properties/born/type").toString()).isEqualTo("[\"string\",\"null\"]");
    assertThat(answer.at("/properties/tags/items/enum").toString()).isEqualTo("[\"a\",\"b\",null]");
    assertThat(answer.at("/properties/ok/type").toString()).isEqualTo("[\"boolean\",\"null\"]");
    JsonSchemaCompiler.compile(answer);
    assertThat(custom.violations(JSON.readTree("{\"name\": \"x\"}"))).hasSize(2).allMatch(v -> v.startsWith("/name"));

    assertThatThrownBy(() -> ExtractionSchema.custom(null, JSON.readTree("{\"type\": \"objekt\", \"properties\": {\"a\": {}}}")))
        .hasMessageContaining("not valid JSON Schema");
    assertThatThrownBy(() -> ExtractionSchema.custom(null, JSON.readTree("{\"type\": \"string\"}")))
        .hasMessageContaining("object with properties");
    assertThatThrownBy(() -> ExtractionSchema.custom(null, JSON.readTree("[1]")))
        .hasMessageContaining("must be a JSON object");
    assertThatThrownBy(() -> ExtractionSchema.custom(null, JSON.readTree(
        "{\"properties\": {\"a\": {\"$ref\": \"#/$defs/x\"}}, \"$defs\": {\"x\": {\"type\": \"string\"}}}")))
        .hasMessageContaining("$ref");
    assertThatThrownBy(() -> ExtractionSchema.custom(null, JSON.readTree(
        "{\"properties\": {\"a\": {\"x-quire-kind\": \"colour\"}}}")))
        .hasMessageContaining("unknown x-quire-kind 'colour'");
  }

  @Test
  void theInProcessModelExtractsUnderTheAnswerSchemaWithConfidences() throws Exception {
    Path instruct = ReferenceFolders.of("reference-instruct");
    try (Generators generators = Generators.open(List.of(new BackendSpec.Local("t",
        instruct.resolve("instruct-tied"), null, ComputeDevice.CPU, 0, 0)))) {
      BufferedImage page = javax.imageio.ImageIO.read(instruct.resolve("images/photo.png").toFile());
      ExtractionSchema schema = ExtractionSchema.custom("note", JSON.readTree("""
          {"type": "object", "properties": {"title": {"type": "string", "maxLength": 8},
           "amount": {"type": "number", "x-quire-kind": "money"}, "pages": {"type": "integer"}}}"""));
      Extraction result = new ExtractTask().extract(generators.forModel(null),
          new ExtractTask.Input(List.of(page, page), null, schema, null, false));
      assertThat(result.pageCount()).isEqualTo(2);
      assertThat(result.warnings()).noneMatch(w -> w.contains("repaired") || w.contains("dropped"));
      for (FieldValue field : result.fields()) {
        assertThat(field.confidence()).as(field.path()).isNotNull().isGreaterThan(0.0).isLessThanOrEqualTo(1.0);
        assertThat(field.page()).isBetween(1, 2);
      }
    }
  }
}
