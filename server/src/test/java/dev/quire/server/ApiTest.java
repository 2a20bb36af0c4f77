package dev.quire.server;

import static dev.quire.server.TestServers.ACME_READ;
import static dev.quire.server.TestServers.ACME_WRITE;
import static dev.quire.server.TestServers.ADMIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.ColorTestEncoder;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The API as a client uses it: upload, follow the job, search, look at pages, embed, delete. */
class ApiTest {

  @TempDir static Path data;
  static QuireServer server;
  static Http acme;
  static String redId;

  @BeforeAll
  static void indexTwoColours() throws Exception {
    server = TestServers.start(data, Map.of());
    acme = new Http(server.port(), ACME_WRITE);
    Http.Response submitted =
        acme.upload(
            "/v1/index?collection=acme&create=true",
            Http.files("red.png", TestServers.png("red"), "blue.png", TestServers.png("blue"),
                "split.png", TestServers.png(redOverBlue())),
            Map.of());
    assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
    JsonNode job = TestServers.awaitJob(acme, submitted.json().path("id").asText(), Duration.ofSeconds(60));
    assertThat(job.path("state").asText()).isEqualTo("COMPLETED");
    redId = job.path("result").path("indexed").get(0).asText();
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  /** Top half red, bottom half blue. */
  static BufferedImage redOverBlue() {
    BufferedImage image = new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(new Color(0xD02020));
    g.fillRect(0, 0, 64, 32);
    g.setColor(new Color(0x2040D0));
    g.fillRect(0, 32, 64, 32);
    g.dispose();
    return image;
  }

  @Test
  void anUploadIsIndexedWithProgressStreamedUntilDone() throws Exception {
    Http.Response submitted =
        acme.upload("/v1/index?collection=acme&create=true", Http.files("green.png", TestServers.png("green")), Map.of());
    assertThat(submitted.status()).isEqualTo(202);
    assertThat(submitted.header("Location")).startsWith("/v1/jobs/job_");
    String id = submitted.json().path("id").asText();

    List<String> events = new ArrayList<>();
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/jobs/" + id + "/events"))
            .header("X-API-Key", ACME_WRITE)
            .header("Accept", "text/event-stream")
            .timeout(Duration.ofSeconds(60))
            .build();
    HttpResponse<java.io.InputStream> stream =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofInputStream());
    assertThat(stream.headers().firstValue("content-type").orElse("")).startsWith("text/event-stream");
    String lastData = null;
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = lines.readLine()) != null) {
        if (line.startsWith("event:")) {
          events.add(line.substring(6).trim());
        } else if (line.startsWith("data:")) {
          lastData = line.substring(5).trim();
        }
      }
    }
    assertThat(events).last().isEqualTo("done");
    JsonNode done = Http.JSON.readTree(lastData);
    assertThat(done.path("state").asText()).isEqualTo("COMPLETED");
    assertThat(done.path("fraction").asDouble()).isEqualTo(1.0);
    assertThat(done.path("progress").path("pages_done").asInt()).isEqualTo(1);
    assertThat(done.path("documents").get(0).asText()).isEqualTo("green.png");
    assertThat(done.toString()).doesNotContain(data.toString()); // no server paths leak
  }

  @Test
  void searchFindsPagesByTheirPixelsWithTimingPerStage() {
    Http.Response r = acme.post("/v1/search", Map.of("query", "red", "collection", "acme", "k", 3, "first_stage", "exhaustive"));
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode body = r.json();
    JsonNode hits = body.path("hits");
    assertThat(hits.get(0).path("file_name").asText()).isIn("red.png", "split.png");
    assertThat(hits.get(hits.size() - 1).path("file_name").asText()).isEqualTo("blue.png");
    assertThat(body.path("pipeline").asText()).isEqualTo("hamming > half");
    List<String> stages = new ArrayList<>();
    body.path("timing").path("stages").forEach(s -> stages.add(s.path("name").asText()));
    assertThat(stages).contains("encode-query", "half");
    assertThat(hits.get(0).path("thumbnail_url").asText()).contains("&sig=").contains("size=thumbnail");
  }

  @Test
  void searchFiltersByDocumentAndMetadata() {
    JsonNode onlyBlue =
        acme.post("/v1/search", Map.of("query", "red", "collection", "acme", "first_stage", "exhaustive",
                "filters", Map.of("metadata", Map.of("fileName", "blue.png")))).json();
    assertThat(onlyBlue.path("hits")).hasSize(1);
    assertThat(onlyBlue.path("hits").get(0).path("file_name").asText()).isEqualTo("blue.png");

    JsonNode none =
        acme.post("/v1/search", Map.of("query", "red", "collection", "acme",
                "filters", Map.of("document_ids", List.of("no-such-document")))).json();
    assertThat(none.path("hits")).isEmpty();
  }

  private static JsonNode searchRed(Map<String, Object> filters) {
    Map<String, Object> body = new java.util.HashMap<>(
        Map.of("query", "red", "collection", "acme", "first_stage", "exhaustive", "scorers", List.of("half")));
    if (filters != null) {
      body.put("filters", filters);
    }
    Http.Response r = acme.post("/v1/search", body);
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    return r.json();
  }

  /** file name to score of each hit, in rank order. */
  private static Map<String, Double> scores(JsonNode results) {
    Map<String, Double> out = new java.util.LinkedHashMap<>();
    results.path("hits").forEach(h -> out.put(h.path("file_name").asText(), h.path("score").asDouble()));
    return out;
  }

  @Test
  void metadataFiltersGiveTheUnfilteredHitsWhoseDocumentsPass() {
    Map<String, Double> all = scores(searchRed(null));
    assertThat(all.keySet()).containsExactly("red.png", "split.png", "blue.png");

    // the best page's document does not pass: the others keep their scores and order
    Map<String, Double> notRed = scores(searchRed(Map.of("metadata", Map.of("fileName", "split.png"))));
    assertThat(notRed).containsExactly(Map.entry("split.png", all.get("split.png")));
    Map<String, Double> twoDocuments = scores(searchRed(Map.of("document_ids",
        List.of(documentIdOf("blue.png"), documentIdOf("split.png")))));
    assertThat(twoDocuments).containsExactly(
        Map.entry("split.png", all.get("split.png")), Map.entry("blue.png", all.get("blue.png")));

    // every condition must hold
    JsonNode both = searchRed(Map.of("document_ids", List.of(documentIdOf("blue.png"), redId),
        "metadata", Map.of("fileName", "blue.png")));
    assertThat(scores(both)).containsExactly(Map.entry("blue.png", all.get("blue.png")));
    JsonNode contradiction = searchRed(Map.of("document_ids", List.of(redId),
        "metadata", Map.of("fileName", "blue.png")));
    assertThat(contradiction.path("hits")).isEmpty();
    assertThat(contradiction.path("notes").toString()).contains("the filters match no document");

    // a filter that matches nothing, on a value or on a key no document has
    for (Map<String, String> metadata : List.of(Map.of("fileName", "purple.png"), Map.of("colour", "red"))) {
      JsonNode none = searchRed(Map.of("metadata", metadata));
      assertThat(none.path("hits")).as(metadata.toString()).isEmpty();
      assertThat(none.path("notes").toString()).contains("the filters match no document");
    }
    // BM25 takes the same filter
    JsonNode bm25 = acme.post("/v1/search", Map.of("query", "red", "collection", "acme", "first_stage", "bm25",
        "filters", Map.of("metadata", Map.of("fileName", "purple.png")))).json();
    assertThat(bm25.path("notes").toString()).contains("the filters match no document");
  }

  @Test
  void aMetadataFilterWithoutAValueIsA400NamingIt() {
    Map<String, Object> metadata = new java.util.HashMap<>();
    metadata.put("fileName", null);
    Http.Response r = acme.post("/v1/search", Map.of("query", "red", "collection", "acme",
        "filters", Map.of("metadata", metadata)));
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.json().path("error").path("param").asText()).isEqualTo("filters.metadata.fileName");
    assertThat(r.json().path("error").path("message").asText()).contains("must be a string");
  }

  @Test
  void signedPageLinksWorkWithoutAKeyButNotWhenAltered() {
    JsonNode hit = acme.post("/v1/search", Map.of("query", "red", "collection", "acme", "first_stage", "exhaustive"))
            .json().path("hits").get(0);
    Http anonymous = acme.as(null);
    Http.Response thumbnail = anonymous.get(hit.path("thumbnail_url").asText());
    assertThat(thumbnail.status()).isEqualTo(200);
    assertThat(thumbnail.header("content-type")).isEqualTo("image/jpeg");
    assertThat(thumbnail.bytes()[0] & 0xFF).isEqualTo(0xFF); // JPEG magic
    Http.Response full = anonymous.get(hit.path("image_url").asText());
    assertThat(full.header("content-type")).isEqualTo("image/png");

    String url = hit.path("thumbnail_url").asText();
    assertThat(anonymous.get(url.replace("size=thumbnail", "size=full")).status()).isEqualTo(401);
    assertThat(anonymous.get(url.substring(0, url.length() - 2) + "xx").status()).isEqualTo(401);
    assertThat(anonymous.get(url.substring(0, url.indexOf("&expires"))).status()).isEqualTo(401);
  }

  @Test
  void similarityMapsPointAtThePatchesThatMatchEachToken() {
    String split = documentIdOf("split.png");
    Http.Response r =
        acme.get("/v1/documents/" + split + "/pages/1/similarity?collection=acme&query=blue%20red");
    assertThat(r.status()).as(r.body()).isEqualTo(200);
    JsonNode map = r.json();
    assertThat(map.path("rows").asInt()).isEqualTo(4);
    assertThat(map.path("cols").asInt()).isEqualTo(4);
    JsonNode blue = map.path("tokens").get(0);
    JsonNode red = map.path("tokens").get(1);
    assertThat(blue.path("scores")).hasSize(16);
    assertThat(blue.path("best").asInt() / 4).as("blue is in the bottom half").isGreaterThanOrEqualTo(2);
    assertThat(red.path("best").asInt() / 4).as("red is in the top half").isLessThan(2);
    assertThat(red.path("max_sim").asDouble()).isGreaterThan(0.99);
  }

  @Test
  void embeddingsGiveOneVectorPerTokenAndAPooledUnitVector() {
    JsonNode text = acme.post("/v1/embed/text", Map.of("text", "red blue")).json();
    assertThat(text.path("model").asText()).isEqualTo("color-test-encoder");
    JsonNode e = text.path("embeddings").get(0);
    assertThat(e.path("tokens").asInt()).isEqualTo(2);
    assertThat(e.path("vectors").get(0)).hasSize(ColorTestEncoder.DIM);
    double norm = 0;
    for (JsonNode v : e.path("pooled")) {
      norm += v.asDouble() * v.asDouble();
    }
    assertThat(norm).isCloseTo(1.0, offset(1e-4));

    String base64 = Base64.getEncoder().encodeToString(TestServers.png("yellow"));
    JsonNode image = acme.post("/v1/embed/image", Map.of("image_base64", "data:image/png;base64," + base64)).json();
    assertThat(image.path("embeddings").get(0).path("tokens").asInt()).isEqualTo(16);

    Http.Response pdf =
        acme.post("/v1/embed/image", Map.of("image_base64",
            Base64.getEncoder().encodeToString("%PDF-1.4\n%%EOF".getBytes(StandardCharsets.US_ASCII))));
    assertThat(pdf.status()).isEqualTo(415);
    assertThat(pdf.errorCode()).isEqualTo("UNSUPPORTED_TYPE");
  }

  @Test
  void documentsAreListedShownAndDeletedWithAnAuditRecord() throws IOException, InterruptedException {
    Http.Response submitted =
        acme.upload("/v1/index?collection=acme&create=true", Http.files("doomed.png", TestServers.png("black")), Map.of());
    TestServers.awaitJob(acme, submitted.json().path("id").asText(), Duration.ofSeconds(30));
    String id = documentIdOf("doomed.png");

    JsonNode detail = acme.get("/v1/documents/" + id + "?collection=acme").json();
    assertThat(detail.path("document").path("source").asText()).isEqualTo("upload");
    assertThat(detail.path("document").path("media_type").asText()).isEqualTo("image/png");
    assertThat(detail.path("pages")).hasSize(1);

    Http reader = acme.as(ACME_READ);
    assertThat(reader.delete("/v1/documents/" + id + "?collection=acme").status()).isEqualTo(403);
    Http.Response deleted = acme.delete("/v1/documents/" + id + "?collection=acme");
    assertThat(deleted.status()).isEqualTo(200);
    assertThat(deleted.json().path("deleted").asBoolean()).isTrue();
    assertThat(acme.delete("/v1/documents/" + id + "?collection=acme").errorCode()).isEqualTo("DOCUMENT_NOT_FOUND");
    assertThat(acme.get("/v1/documents/" + id + "?collection=acme").status()).isEqualTo(404);

    List<String> audit = Files.readAllLines(data.resolve("audit.jsonl"));
    JsonNode entry =
        audit.stream()
            .map(line -> {
              try {
                return Http.JSON.readTree(line);
              } catch (IOException e) {
                throw new AssertionError(line, e);
              }
            })
            .filter(j -> j.path("action").asText().equals("document.deleted"))
            .findFirst()
            .orElseThrow();
    assertThat(entry.path("actor").asText()).isEqualTo("acme-writer");
    assertThat(entry.path("details").path("document").asText()).isEqualTo(id);
    assertThat(entry.path("request_id").asText()).isEqualTo(deleted.header("X-Request-Id"));
    assertThat(audit).anyMatch(line -> line.contains("\"index.submitted\"") && line.contains("acme-writer"));
  }

  @Test
  void metricsAreForAdminsAndCoverRoutesStagesIndexingAndMemory() {
    acme.post("/v1/search", Map.of("query", "red", "collection", "acme"));
    assertThat(acme.get("/metrics").status()).isEqualTo(403);
    Http.Response metrics = acme.as(ADMIN).get("/metrics");
    assertThat(metrics.status()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("http_server_requests_seconds_bucket")
        .contains("route=\"/v1/search\"")
        .contains("quire_search_stage_seconds_count{stage=\"half\"}")
        .contains("quire_indexing_pages_total{collection=\"acme\"}")
        .contains("jvm_buffer_memory_used_bytes")
        .contains("quire_index_store_bytes");
  }

  @Test
  void errorsAreJsonWithStableCodesAndRequestIds() {
    Http.Response malformed = acme.raw("POST", "/v1/search", "application/json", "{\"query\": ".getBytes(StandardCharsets.UTF_8));
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.errorCode()).isEqualTo("INVALID_JSON");
    assertThat(malformed.json().path("error").path("request_id").asText()).isEqualTo(malformed.header("X-Request-Id"));

    Http.Response unknown = acme.post("/v1/search", Map.of("query", "x", "collection", "acme", "kk", 3));
    assertThat(unknown.errorCode()).isEqualTo("INVALID_REQUEST");
    assertThat(unknown.json().path("error").path("message").asText()).contains("'kk'");

    assertThat(acme.raw("POST", "/v1/search", "text/plain", "query".getBytes(StandardCharsets.UTF_8)).errorCode())
        .isEqualTo("UNSUPPORTED_MEDIA_TYPE");
    assertThat(acme.post("/v1/search", Map.of("query", "x", "collection", "acme", "k", 0)).errorCode())
        .isEqualTo("INVALID_REQUEST");
    assertThat(acme.post("/v1/search", Map.of("query", "x", "collection", "acme", "first_stage", "magic")).json()
            .path("error").path("message").asText())
        .contains("unknown first stage 'magic'");
    assertThat(acme.get("/v1/nothing-here").errorCode()).isEqualTo("NOT_FOUND");
    assertThat(acme.raw("PUT", "/v1/search", null, new byte[0]).errorCode()).isEqualTo("METHOD_NOT_ALLOWED");
    assertThat(acme.get("/v1/documents?collection=acme&limit=abc").errorCode()).isEqualTo("INVALID_REQUEST");

    Http.Response traced = acme.get("/v1/jobs/none", Map.of("X-Request-Id", "client-chosen.id-1"));
    assertThat(traced.header("X-Request-Id")).isEqualTo("client-chosen.id-1");
    assertThat(traced.errorCode()).isEqualTo("JOB_NOT_FOUND");
  }

  @Test
  void everyRequestIsLoggedAsOneJsonLineWithItsRequestId() throws IOException {
    Logger logger = (Logger) LoggerFactory.getLogger("quire.access");
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    logger.addAppender(captured);
    try {
      Http.Response r = acme.get("/v1/collections");
      JsonNode line =
          Http.JSON.readTree(
              captured.list.stream()
                  .map(ILoggingEvent::getFormattedMessage)
                  .filter(m -> m.contains(r.header("X-Request-Id")))
                  .findFirst()
                  .orElseThrow());
      assertThat(line.path("route").asText()).isEqualTo("/v1/collections");
      assertThat(line.path("status").asInt()).isEqualTo(200);
      assertThat(line.path("caller").asText()).isEqualTo("acme-writer");
      assertThat(line.path("ms").asDouble()).isPositive();
      assertThat(line.toString()).doesNotContain(ACME_WRITE);
    } finally {
      logger.detachAppender(captured);
    }
  }

  @Test
  void healthProbesAreOpenAndTheUiIsServed() {
    Http anonymous = acme.as(null);
    assertThat(anonymous.get("/live").json().path("status").asText()).isEqualTo("live");
    assertThat(anonymous.get("/ready").json().path("status").asText()).isEqualTo("ready");
    JsonNode health = anonymous.get("/health").json();
    assertThat(health.path("model").path("name").asText()).isEqualTo("color-test-encoder");
    assertThat(health.toString()).doesNotContain("acme");
    Http.Response page = anonymous.get("/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.body()).contains("<title>Quire</title>");
    assertThat(anonymous.get("/openapi.json").json().path("openapi").asText()).isEqualTo("3.1.0");
  }

  static String documentIdOf(String fileName) {
    for (JsonNode d : acme.get("/v1/documents?collection=acme").json().path("documents")) {
      if (d.path("file_name").asText().equals(fileName)) {
        return d.path("document_id").asText();
      }
    }
    throw new AssertionError("no document " + fileName);
  }
}
