package dev.quire.server;

import static dev.quire.server.TestServers.ACME_READ;
import static dev.quire.server.TestServers.ACME_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the server says matches what happened: a batch with a bad file indexes the rest and names
 * it, a job that indexed nothing is not "completed", a typo in a collection name is not a new
 * collection, and a job's events stream to a client that accepts anything.
 */
class HonestStateTest {

  @TempDir static Path data;
  static QuireServer server;
  static Http acme;

  @BeforeAll
  static void start() throws IOException {
    server = TestServers.start(data, Map.of());
    acme = new Http(server.port(), ACME_WRITE);
    assertThat(acme.post("/v1/collections", Map.of("name", "acme")).status()).isEqualTo(201);
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  /** PNG's signature then garbage: typed as an image on upload, unreadable when indexed. */
  static byte[] brokenPng() {
    byte[] bytes = new byte[200];
    byte[] signature = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    System.arraycopy(signature, 0, bytes, 0, signature.length);
    for (int i = signature.length; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 31);
    }
    return bytes;
  }

  @Test
  void aBadFileInABatchCostsOnlyItself() throws Exception {
    Http.Response submitted =
        acme.upload(
            "/v1/index?collection=acme",
            Http.files(
                "good.png", TestServers.png("green"),
                "notes.txt", "plain text, not a document".getBytes(StandardCharsets.UTF_8),
                "also-good.png", TestServers.png("blue")),
            Map.of());
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
    JsonNode rejected = submitted.json().path("rejected");
    assertThat(rejected).hasSize(1);
    assertThat(rejected.get(0).path("file").asText()).isEqualTo("notes.txt");
    assertThat(rejected.get(0).path("reason").asText()).isEqualTo("UNSUPPORTED_TYPE");
    assertThat(submitted.json().path("documents")).hasSize(2);

    JsonNode job = TestServers.awaitJob(acme, submitted.json().path("id").asText(), Duration.ofSeconds(60));
    assertThat(job.path("state").asText()).isEqualTo("COMPLETED_WITH_ERRORS");
    assertThat(job.path("fraction").asDouble()).isEqualTo(1.0);
    assertThat(job.path("result").path("indexed")).hasSize(2);
    assertThat(job.path("result").path("skipped").findValuesAsText("file")).containsExactly("notes.txt");
  }

  @Test
  void anUploadOfOnlyBadFilesIsRefusedNamingEach() {
    Http.Response refused =
        acme.upload(
            "/v1/index?collection=acme",
            Http.files(
                "a.txt", "one".getBytes(StandardCharsets.UTF_8),
                "b.txt", "two".getBytes(StandardCharsets.UTF_8)),
            Map.of());
    assertThat(refused.status()).as(refused.body()).isEqualTo(415);
    assertThat(refused.errorCode()).isEqualTo("UNSUPPORTED_TYPE");
    assertThat(refused.errorMessage()).contains("none of the 2 files", "'a.txt'", "'b.txt'");
  }

  @Test
  void aJobThatIndexedNothingFailsAndOneThatIndexedSomeSaysSo() throws Exception {
    Http.Response allBroken =
        acme.upload(
            "/v1/index?collection=acme",
            Http.files("broken.png", brokenPng(), "broken-too.png", brokenPng()),
            Map.of());
    assertThat(allBroken.status()).as(allBroken.body()).isEqualTo(202);
    JsonNode failed = TestServers.awaitJob(acme, allBroken.json().path("id").asText(), Duration.ofSeconds(60));
    assertThat(failed.path("state").asText()).isEqualTo("FAILED");
    assertThat(failed.path("error").asText()).startsWith("nothing could be indexed: broken");
    assertThat(failed.path("result").path("skipped")).hasSize(2);

    Http.Response mixed =
        acme.upload(
            "/v1/index?collection=acme",
            Http.files("broken.png", brokenPng(), "fine.png", TestServers.png("yellow")),
            Map.of());
    JsonNode partial = TestServers.awaitJob(acme, mixed.json().path("id").asText(), Duration.ofSeconds(60));
    assertThat(partial.path("state").asText()).isEqualTo("COMPLETED_WITH_ERRORS");
    assertThat(partial.path("error").isNull()).isTrue();
  }

  @Test
  void anUnknownCollectionIsNotFoundUnlessTheCallerAsksToCreateIt() throws Exception {
    Http admin = acme.as(TestServers.ADMIN);
    Http.Response typo =
        admin.upload("/v1/index?collection=acmee", Http.files("x.png", TestServers.png("red")), Map.of());
    assertThat(typo.status()).isEqualTo(404);
    assertThat(typo.errorCode()).isEqualTo("COLLECTION_NOT_FOUND");
    assertThat(typo.errorMessage()).contains("create=true");
    assertThat(admin.post("/v1/index", Map.of("collection", "acmee", "paths", List.of("/x"))).status())
        .isEqualTo(404);
    assertThat(admin.get("/v1/collections").json().path("collections").findValuesAsText("name"))
        .doesNotContain("acmee");

    // A key limited to its own collections may create one of them only: acme-writer has "acme".
    Http.Response other =
        acme.upload("/v1/index?collection=elsewhere&create=true", Http.files("x.png", TestServers.png("red")), Map.of());
    assertThat(other.status()).isEqualTo(403);
    assertThat(acme.as(ACME_READ)
            .upload("/v1/index?collection=acme&create=true", Http.files("x.png", TestServers.png("red")), Map.of())
            .status())
        .isEqualTo(403);
    assertThat(acme.upload("/v1/index?collection=acme&create=maybe", Http.files("x.png", TestServers.png("red")), Map.of())
            .errorCode())
        .isEqualTo("INVALID_REQUEST");
  }

  @Test
  void aCallerThatAsksCreatesTheCollection() throws Exception {
    Http admin = acme.as(TestServers.ADMIN);
    Http.Response created =
        admin.upload("/v1/index?collection=fresh&create=true", Http.files("x.png", TestServers.png("red")), Map.of());
    assertThat(created.status()).as(created.body()).isEqualTo(202);
    TestServers.awaitJob(admin, created.json().path("id").asText(), Duration.ofSeconds(60));
    assertThat(admin.get("/v1/collections").json().path("collections").findValuesAsText("name"))
        .contains("fresh");
  }

  @Test
  void jobEventsStreamToAClientThatAcceptsAnything() throws Exception {
    Http.Response submitted =
        acme.upload("/v1/index?collection=acme", Http.files("events.png", TestServers.png("black")), Map.of());
    String id = submitted.json().path("id").asText();
    TestServers.awaitJob(acme, id, Duration.ofSeconds(60));
    for (String accept : List.of("*/*", "text/*", "text/event-stream", "application/json, */*;q=0.1")) {
      Http.Response events = acme.get("/v1/jobs/" + id + "/events", Map.of("Accept", accept));
      assertThat(events.status()).as(accept).isEqualTo(200);
      assertThat(events.body()).as(accept).contains("event: done");
    }
    Http.Response json = acme.get("/v1/jobs/" + id + "/events", Map.of("Accept", "application/json"));
    assertThat(json.status()).isEqualTo(406);
  }

  @Test
  void aFirstStartIsReadyOnlyOnceTheSampleCanBeSearched(@TempDir Path fresh) throws Exception {
    try (QuireServer first =
        TestServers.start(fresh, Map.of("sample.enabled", "true", "sample.documents", "3"))) {
      Http ops = new Http(first.port(), TestServers.ADMIN);
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      Http.Response ready = ops.get("/ready");
      List<String> reasons = new java.util.ArrayList<>();
      while (ready.status() != 200 && System.nanoTime() < deadline) {
        reasons.add(ready.json().path("problems").toString());
        Thread.sleep(20);
        ready = ops.get("/ready");
      }
      assertThat(ready.status()).as(String.valueOf(reasons)).isEqualTo(200);
      // Every "not ready" said why; once ready, the sample answers searches.
      assertThat(reasons).allSatisfy(r -> assertThat(r).contains("sample corpus"));
      assertThat(ops.get("/v1/documents?collection=default").json().path("total").asInt()).isPositive();
      JsonNode hits = ops.post("/v1/search",
          Map.of("query", "total", "collection", "default", "first_stage", "exhaustive")).json();
      assertThat(hits.path("hits").size()).as(hits.toString()).isPositive();
    }
  }

  @Test
  void anUploadedDocumentsOriginalIsServedUntilTheDocumentIsDeleted() throws Exception {
    byte[] original = TestServers.png("blue");
    Http.Response submitted = acme.upload("/v1/index?collection=acme",
        Http.files("original.png", original, "broken.png", brokenPng()), Map.of());
    JsonNode job = TestServers.awaitJob(acme, submitted.json().path("id").asText(), Duration.ofSeconds(60));
    String id = job.path("result").path("indexed").get(0).asText();
    assertThat(uploadedFiles()).as("the broken upload is gone, the indexed one kept")
        .contains("original.png").doesNotContain("broken.png");

    JsonNode detail = acme.get("/v1/documents/" + id + "?collection=acme").json();
    String fileUrl = detail.path("file_url").asText();
    assertThat(fileUrl).startsWith("/v1/documents/" + id + "/file?collection=acme&expires=");
    // a signed link, so a plain <a href> can fetch it without the key header
    Http.Response file = new Http(server.port(), null).get(fileUrl);
    assertThat(file.status()).isEqualTo(200);
    assertThat(file.bytes()).isEqualTo(original);
    assertThat(file.header("Content-Type")).isEqualTo("image/png");
    assertThat(file.header("Content-Disposition")).isEqualTo("inline; filename*=UTF-8''original.png");
    assertThat(new Http(server.port(), null).get("/v1/documents/" + id + "/file?collection=acme").status())
        .as("unsigned and without a key").isEqualTo(401);

    assertThat(acme.delete("/v1/documents/" + id + "?collection=acme").status()).isEqualTo(200);
    assertThat(uploadedFiles()).doesNotContain("original.png");
    assertThat(acme.get(fileUrl).status()).isEqualTo(404);
  }

  private static List<String> uploadedFiles() throws IOException {
    try (var files = java.nio.file.Files.walk(data.resolve("collections/acme/uploads"))) {
      return files.filter(java.nio.file.Files::isRegularFile).map(f -> f.getFileName().toString()).toList();
    }
  }
}
