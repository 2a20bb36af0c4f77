package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.quire.server.api.ServerApp;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OpenAPI document names every route the app registers and only those, and what the server
 * really answers conforms to the schemas it publishes for each route and status.
 */
class OpenApiTest {

  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

  @TempDir static Path data;
  static QuireServer server;
  static Http acme;
  static JsonNode document;
  static final List<String> checked = new ArrayList<>();

  @BeforeAll
  static void start() throws IOException {
    server = TestServers.start(data, Map.of());
    acme = new Http(server.port(), TestServers.ACME_WRITE);
    document = new Http(server.port(), null).get("/openapi.json").json();
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  @Test
  void theViewRecordsSchemasAreGeneratedFromTheClasses() {
    JsonNode schemas = document.path("components").path("schemas");
    // JobView's fields, snake_case, including the newest (rejected) and the enum's values
    assertThat(schemas.path("Job").path("properties").has("rejected")).isTrue();
    assertThat(schemas.path("JobState").path("enum").toString()).contains("COMPLETED_WITH_ERRORS");
    assertThat(schemas.path("SearchRequest").path("properties").has("dense_weight")).isTrue();
    assertThat(schemas.path("SearchRequest").path("required").toString()).isEqualTo("[\"query\"]");
    assertThat(schemas.path("Hit").path("properties").path("page").path("type").asText()).isEqualTo("integer");
    assertThat(schemas.path("Job").path("properties").path("created_at").path("format").asText())
        .isEqualTo("date-time");
    // the route/document match is checked at start (OpenApiDocumentTest); here only that the app
    // registers its full set of routes
    assertThat(ServerApp.routes(server.app())).hasSizeGreaterThan(15);
  }

  @Test
  void realResponsesConformToThePublishedSchemas() throws Exception {
    Http open = new Http(server.port(), null);
    conforms("get", "/live", open.get("/live"));
    conforms("get", "/ready", open.get("/ready"));
    conforms("get", "/health", open.get("/health"));
    conforms("post", "/v1/collections", acme.post("/v1/collections", Map.of("name", "acme")));
    conforms("get", "/v1/collections", acme.get("/v1/collections"));

    Http.Response submitted = acme.upload("/v1/index?collection=acme",
        Http.files("red.png", TestServers.png("red"), "notes.txt", "not a document".getBytes()), Map.of());
    conforms("post", "/v1/index", submitted);
    String job = submitted.json().path("id").asText();
    TestServers.awaitJob(acme, job, Duration.ofSeconds(60));
    conforms("get", "/v1/jobs/{id}", acme.get("/v1/jobs/" + job));
    conforms("get", "/v1/jobs", acme.get("/v1/jobs?collection=acme"));

    Http.Response search = acme.post("/v1/search", Map.of("query", "red", "collection", "acme", "first_stage", "exhaustive"));
    conforms("post", "/v1/search", search);
    String documentId = search.json().path("hits").get(0).path("document_id").asText();
    conforms("get", "/v1/documents", acme.get("/v1/documents?collection=acme"));
    conforms("get", "/v1/documents/{id}", acme.get("/v1/documents/" + documentId + "?collection=acme"));
    conforms("get", "/v1/documents/{id}/pages/{page}/similarity",
        acme.get("/v1/documents/" + documentId + "/pages/1/similarity?collection=acme&query=red"));
    conforms("post", "/v1/embed/text", acme.post("/v1/embed/text", Map.of("texts", List.of("red", "blue"))));
    conforms("get", "/v1/models", acme.get("/v1/models"));

    // errors, in both shapes
    conforms("post", "/v1/search", acme.post("/v1/search", Map.of("query", "")));
    conforms("get", "/v1/jobs/{id}", acme.get("/v1/jobs/job_0000"));
    conforms("post", "/v1/chat/completions", acme.post("/v1/chat/completions", Map.of("messages", "not a list")));
    conforms("delete", "/v1/documents/{id}", acme.delete("/v1/documents/" + documentId + "?collection=acme"));
    assertThat(checked).hasSizeGreaterThan(15);
  }

  @Test
  void aResponseThatBreaksItsSchemaIsCaught() {
    // the check itself can fail: a job without its id, a hit whose page is a string
    ObjectNode job = Http.JSON.createObjectNode().put("id", 5).put("state", "DONE");
    assertThat(errors(schemaFor("get", "/v1/jobs/{id}", 200), job)).isNotEmpty();
    ObjectNode unknownField = Http.JSON.createObjectNode().put("status", "live").put("extra", 1);
    assertThat(errors(schemaFor("get", "/live", 200), unknownField)).isNotEmpty();
    assertThatThrownBy(() -> schemaFor("get", "/live", 299)).isInstanceOf(AssertionError.class);
  }

  private static void conforms(String method, String path, Http.Response response) {
    JsonNode schema = schemaFor(method, path, response.status());
    List<Error> errors = errors(schema, response.json());
    assertThat(errors)
        .as(method + " " + path + " -> " + response.status() + ": " + response.body())
        .isEmpty();
    checked.add(method + " " + path + " " + response.status());
  }

  private static List<Error> errors(JsonNode schema, JsonNode instance) {
    ObjectNode root = schema.deepCopy();
    root.set("components", document.path("components"));
    Schema validator = REGISTRY.getSchema(root);
    return validator.validate(instance);
  }

  /** The JSON schema the document gives for a status of an operation (or its default). */
  private static JsonNode schemaFor(String method, String path, int status) {
    JsonNode responses = document.path("paths").path(path).path(method).path("responses");
    JsonNode response = responses.has(String.valueOf(status))
        ? responses.get(String.valueOf(status))
        : status >= 400 ? responses.get("default") : null;
    if (response == null) {
      throw new AssertionError(method + " " + path + " documents no " + status + " response");
    }
    JsonNode schema = response.path("content").path("application/json").path("schema");
    assertThat(schema.isMissingNode()).as(method + " " + path + " " + status + " has a JSON schema").isFalse();
    return schema;
  }
}
