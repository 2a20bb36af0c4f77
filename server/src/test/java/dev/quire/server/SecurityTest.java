package dev.quire.server;

import static dev.quire.server.TestServers.ACME_READ;
import static dev.quire.server.TestServers.ACME_WRITE;
import static dev.quire.server.TestServers.GLOBEX_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Keys, tenants, limits and hostile input, against a running server. */
class SecurityTest {

  @TempDir static Path data;
  @TempDir static Path shared;
  @TempDir static Path outside;
  static QuireServer server;
  static Http acme;
  static Http globex;

  @BeforeAll
  static void start() throws Exception {
    Files.write(shared.resolve("orange.png"), TestServers.png("yellow"));
    Files.write(outside.resolve("secret.png"), TestServers.png("black"));
    Files.createSymbolicLink(shared.resolve("escape.png"), outside.resolve("secret.png"));
    server =
        TestServers.start(
            data,
            Map.of(
                "allowedRoots", shared.toString(),
                "limits.maxUploadBytes", "64KB",
                "limits.maxFilesPerRequest", "3",
                "webhooks.secret", "a-webhook-secret-of-some-length"));
    acme = new Http(server.port(), ACME_WRITE);
    globex = new Http(server.port(), GLOBEX_WRITE);
    index(acme, "acme", "red.png", "red");
    index(globex, "globex", "blue.png", "blue");
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  static JsonNode index(Http http, String collection, String name, String colour) throws InterruptedException {
    Http.Response r = http.upload("/v1/index?create=true&collection=" + collection, Http.files(name, TestServers.png(colour)), Map.of());
    assertThat(r.status()).as(r.body()).isEqualTo(202);
    return TestServers.awaitJob(http, r.json().path("id").asText(), Duration.ofSeconds(30));
  }

  @Test
  void everyApiRouteNeedsAValidKey() {
    Http anonymous = acme.as(null);
    for (String path : List.of("/v1/collections", "/v1/jobs", "/v1/documents?collection=acme", "/metrics")) {
      Http.Response r = anonymous.get(path);
      assertThat(r.status()).as(path).isEqualTo(401);
      assertThat(r.errorCode()).isEqualTo("UNAUTHORIZED");
    }
    assertThat(anonymous.post("/v1/search", Map.of("query", "red")).status()).isEqualTo(401);
    Http.Response wrong = acme.as("acme-writer-key-0123456780").get("/v1/collections");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.json().path("error").path("message").asText()).isEqualTo("invalid API key");
    assertThat(anonymous.get("/live").status()).isEqualTo(200);
  }

  @Test
  void aKeyForOneCollectionCannotReadOrChangeAnother() throws Exception {
    String globexDocument = globex.get("/v1/documents?collection=globex").json().path("documents").get(0).path("document_id").asText();

    assertThat(acme.post("/v1/search", Map.of("query", "blue", "collection", "globex")).errorCode()).isEqualTo("FORBIDDEN");
    assertThat(acme.get("/v1/documents?collection=globex").status()).isEqualTo(403);
    assertThat(acme.get("/v1/documents/" + globexDocument + "?collection=globex").status()).isEqualTo(403);
    assertThat(acme.get("/v1/documents/" + globexDocument + "/pages/1/image?collection=globex").status()).isEqualTo(403);
    assertThat(acme.delete("/v1/documents/" + globexDocument + "?collection=globex").status()).isEqualTo(403);
    assertThat(acme.upload("/v1/index?collection=globex&create=true", Http.files("x.png", TestServers.png("red")), Map.of()).status())
        .isEqualTo(403);
    assertThat(acme.post("/v1/collections", Map.of("name", "globex")).status()).isEqualTo(403);
    // Asking for the document under one's own collection finds nothing: ids do not cross.
    assertThat(acme.get("/v1/documents/" + globexDocument + "?collection=acme").status()).isEqualTo(404);

    List<String> visible = names(acme.get("/v1/collections").json().path("collections"));
    assertThat(visible).containsExactly("acme");
    String globexJob = globex.get("/v1/jobs").json().path("jobs").get(0).path("id").asText();
    assertThat(acme.get("/v1/jobs/" + globexJob).status()).isEqualTo(404);
    assertThat(acme.delete("/v1/jobs/" + globexJob).status()).isEqualTo(404);
    assertThat(acme.get("/v1/jobs").json().path("jobs").toString()).doesNotContain("globex");

    Http reader = acme.as(ACME_READ);
    assertThat(reader.post("/v1/search", Map.of("query", "red", "collection", "acme")).status()).isEqualTo(200);
    assertThat(reader.upload("/v1/index?collection=acme&create=true", Http.files("y.png", TestServers.png("red")), Map.of()).status())
        .isEqualTo(403);

    // The globex document is untouched by all of the above.
    assertThat(globex.get("/v1/documents/" + globexDocument + "?collection=globex").status()).isEqualTo(200);
  }

  @Test
  void uploadsAreTypedByMagicBytesAndLimitedInSizeAndCount() throws IOException {
    Http.Response text = acme.upload("/v1/index?collection=acme&create=true", Http.files("report.pdf", "not a pdf at all".getBytes(StandardCharsets.UTF_8)), Map.of());
    assertThat(text.status()).isEqualTo(415);
    assertThat(text.errorCode()).isEqualTo("UNSUPPORTED_TYPE");
    assertThat(text.json().path("error").path("message").asText()).contains("report.pdf").contains("not a PDF");

    Http.Response empty = acme.upload("/v1/index?collection=acme&create=true", Http.files("empty.png", new byte[0]), Map.of());
    assertThat(empty.errorCode()).isEqualTo("DOCUMENT_REJECTED");

    byte[] big = new byte[70 * 1024];
    big[0] = (byte) 0x89;
    Http.Response tooBig = acme.upload("/v1/index?collection=acme&create=true", Http.files("big.png", big), Map.of());
    assertThat(tooBig.status()).as(tooBig.body()).isEqualTo(413);
    assertThat(tooBig.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(tooBig.json().path("error").path("message").asText()).contains("65536 bytes per file");
    // in a batch, the file over the limit is rejected alone and the others indexed
    Http.Response batch = acme.upload("/v1/index?collection=acme&create=true",
        Http.files("big.png", big, "fits.png", TestServers.png("green")), Map.of());
    assertThat(batch.status()).as(batch.body()).isEqualTo(202);
    assertThat(batch.json().path("rejected").get(0).path("file").asText()).isEqualTo("big.png");
    assertThat(batch.json().path("rejected").get(0).path("reason").asText()).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(batch.json().path("documents").toString()).isEqualTo("[\"fits.png\"]");

    byte[] png = TestServers.png("red");
    Http.Response many = acme.upload("/v1/index?collection=acme&create=true",
        Http.files("1.png", png, "2.png", png, "3.png", png, "4.png", png), Map.of());
    assertThat(many.status()).isEqualTo(400);

    byte[] bigJson = ("{\"query\":\"" + "a".repeat(200_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    Http.Response hugeBody = acme.raw("POST", "/v1/search", "application/json", bigJson);
    assertThat(hugeBody.status()).isEqualTo(413);
    assertThat(hugeBody.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");

    Http.Response garbageMultipart = acme.raw("POST", "/v1/index?collection=acme&create=true", "multipart/form-data; boundary=xyz", "--xyz\r\nbroken".getBytes(StandardCharsets.UTF_8));
    assertThat(garbageMultipart.status()).isBetween(400, 499);

    assertThat(temporaryFiles()).as("temporary files are always removed").isEmpty();
  }

  @Test
  void serverSidePathsStayUnderTheAllowedRoots() throws Exception {
    Http.Response ok = acme.post("/v1/index", Map.of("collection", "acme", "create", true, "paths", List.of(shared.resolve("orange.png").toString())));
    assertThat(ok.status()).as(ok.body()).isEqualTo(202);
    assertThat(TestServers.awaitJob(acme, ok.json().path("id").asText(), Duration.ofSeconds(30)).path("state").asText())
        .isEqualTo("COMPLETED");

    Http.Response relative = acme.post("/v1/index", Map.of("collection", "acme", "create", true, "paths", List.of("orange.png")));
    assertThat(relative.status()).isEqualTo(202);

    assertThat(acme.post("/v1/index", Map.of("collection", "acme", "create", true, "paths", List.of(shared + "/../" + outside.getFileName() + "/secret.png"))).errorCode())
        .isEqualTo("PATH_NOT_ALLOWED");
    assertThat(acme.post("/v1/index", Map.of("collection", "acme", "create", true, "paths", List.of(outside.resolve("secret.png").toString()))).errorCode())
        .isEqualTo("PATH_NOT_ALLOWED");
    assertThat(acme.post("/v1/index", Map.of("collection", "acme", "create", true, "paths", List.of(shared.resolve("escape.png").toString()))).errorCode())
        .as("a link out of the root").isEqualTo("PATH_NOT_ALLOWED");
    assertThat(acme.post("/v1/index", Map.of("collection", "acme", "create", true, "paths", List.of(shared.resolve("missing.png").toString()))).errorCode())
        .isEqualTo("PATH_NOT_FOUND");

    // A folder walk skips what a link leads to outside the root.
    Http.Response folder = acme.post("/v1/index", Map.of("collection", "acme", "create", true, "paths", List.of(shared.toString())));
    JsonNode job = TestServers.awaitJob(acme, folder.json().path("id").asText(), Duration.ofSeconds(30));
    assertThat(job.path("documents").toString()).contains("orange.png").doesNotContain("secret").doesNotContain("escape");
  }

  @Test
  void urlsAreNotFetchedUnlessEnabledAndPrivateAddressesAreRefused() {
    Http.Response fetch = acme.post("/v1/index", Map.of("collection", "acme", "create", true, "urls", List.of("http://example.com/a.png")));
    assertThat(fetch.errorCode()).isEqualTo("URL_FETCH_DISABLED");
    Http.Response embed = acme.post("/v1/embed/image", Map.of("image_url", "http://169.254.169.254/latest/meta-data"));
    assertThat(embed.errorCode()).isEqualTo("URL_FETCH_DISABLED");
    for (String url : List.of("http://127.0.0.1:" + server.port() + "/hook", "http://localhost/x",
        "http://169.254.169.254/latest", "http://[::1]/x", "http://10.1.2.3/x", "file:///etc/passwd",
        "http://user:pw@example.com/")) {
      Http.Response r = acme.upload("/v1/index?collection=acme&create=true", Http.files("z.png", TestServers.png("red")), Map.of("webhook_url", url));
      assertThat(r.errorCode()).as(url).isEqualTo("WEBHOOK_REFUSED");
    }
  }

  @Test
  void errorBodiesNeverCarryStackTraces() {
    List<Http.Response> responses = List.of(
        acme.raw("POST", "/v1/search", "application/json", "[1,2,".getBytes(StandardCharsets.UTF_8)),
        acme.raw("POST", "/v1/search", "application/json", "{\"query\":{\"$gt\":1}}".getBytes(StandardCharsets.UTF_8)),
        acme.raw("POST", "/v1/index", "application/json", "{\"paths\":[1e999999]}".getBytes(StandardCharsets.UTF_8)),
        acme.raw("POST", "/v1/embed/text", "application/json", "{\"texts\":[null]}".getBytes(StandardCharsets.UTF_8)),
        acme.get("/v1/documents/%00/pages/-1/image"),
        acme.get("/v1/documents/x/pages/99999999999/image?collection=acme"));
    for (Http.Response r : responses) {
      assertThat(r.status()).as(r.body()).isBetween(400, 499);
      assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("dev.quire");
      assertThat(r.errorCode()).isNotBlank();
    }
  }

  static List<String> names(JsonNode collections) {
    return Stream.of(collections).flatMap(c -> StreamSupport.stream(c.spliterator(), false))
        .map(c -> c.path("name").asText()).toList();
  }

  static List<Path> temporaryFiles() throws IOException {
    try (Stream<Path> files = Files.walk(data.resolve("tmp"))) {
      return files.filter(Files::isRegularFile).toList();
    }
  }
}
