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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * Random and hostile requests to every documented route: malformed and deeply nested JSON, wrong
 * types, huge numbers, odd path parameters, wrong content types, garbage multipart with hostile
 * file names. Nothing may answer 5xx (503 only with its deliberate codes), every error is JSON
 * with a code and no stack trace, and the index loses nothing.
 */
class FuzzTest {

  static Path data;
  static QuireServer server;
  static Http acmeReader;
  static Http globexWriter;
  static List<String[]> routes;
  static String documentId;
  static String jobId;
  static int documentsBefore;

  @BeforeContainer
  static void start() throws Exception {
    data = Files.createTempDirectory("quire-fuzz");
    server = TestServers.start(data, Map.of("limits.maxUploadBytes", "256KB", "rateLimit.requests", "1000000"));
    Http acme = new Http(server.port(), ACME_WRITE);
    Http.Response r = acme.upload("/v1/index?collection=acme&create=true",
        Http.files("red.png", TestServers.png("red"), "blue.png", TestServers.png("blue")), Map.of());
    jobId = r.json().path("id").asText();
    JsonNode job = TestServers.awaitJob(acme, jobId, Duration.ofSeconds(30));
    documentId = job.path("result").path("indexed").get(0).asText();
    globexWriter = new Http(server.port(), GLOBEX_WRITE);
    globexWriter.post("/v1/collections", Map.of("name", "globex"));
    acmeReader = new Http(server.port(), ACME_READ);
    documentsBefore = acmeReader.get("/v1/documents?collection=acme").json().path("total").asInt();
    routes = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : acme.get("/openapi.json").json().path("paths").properties()) {
      path.getValue().fieldNames().forEachRemaining(m -> routes.add(new String[] {m.toUpperCase(), path.getKey()}));
    }
  }

  @AfterContainer
  static void stop() throws IOException {
    try {
      JsonNode after = acmeReader.get("/v1/documents?collection=acme").json();
      assertThat(after.path("total").asInt()).as("nothing lost from the index").isEqualTo(documentsBefore);
      JsonNode hits = acmeReader.post("/v1/search",
          Map.of("query", "red", "collection", "acme", "first_stage", "exhaustive")).json().path("hits");
      assertThat(hits.size()).isEqualTo(documentsBefore);
      assertThat(acmeReader.get("/ready").status()).isEqualTo(200);
    } finally {
      server.close();
      try (Stream<Path> tmp = Files.walk(data.resolve("tmp"))) {
        assertThat(tmp.filter(Files::isRegularFile).toList()).as("temporary files left").isEmpty();
      }
      try (Stream<Path> all = Files.walk(data)) {
        all.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  record Hostile(String method, String path, String contentType, byte[] body, boolean writer) {
    @Override
    public String toString() {
      String text = new String(body, 0, Math.min(body.length, 200), StandardCharsets.UTF_8);
      return method + " " + path + " [" + contentType + "] " + text;
    }
  }

  @Property(tries = 700)
  void noRouteAnswersAServerErrorToHostileInput(@ForAll("requests") Hostile request) {
    Http client = request.writer() ? globexWriter : acmeReader;
    Http.Response r = client.raw(request.method(), request.path(), request.contentType(), request.body());
    String what = request + " -> " + r.status() + " " + r.body();
    // 503 only says the server runs without a model (embedding) or a generation backend
    assertThat(r.status() < 500 || (r.status() == 503 && (r.errorCode().equals("MODEL_NOT_LOADED")
        || r.errorCode().equals("NO_GENERATION_BACKEND")))).as(what).isTrue();
    String type = r.header("content-type");
    if (r.status() >= 400) {
      assertThat(type).as(what).startsWith("application/json");
      assertThat(r.errorCode()).as(what).isNotBlank();
      assertThat(r.body()).as(what).doesNotContain("\tat ").doesNotContain("Exception");
    }
  }

  @Provide
  Arbitrary<Hostile> requests() {
    Arbitrary<String[]> route = Arbitraries.of(routes);
    Arbitrary<String> pathValue =
        Arbitraries.oneOf(
            Arbitraries.just(documentId),
            Arbitraries.just(jobId),
            Arbitraries.of("1", "0", "-1", "99999999999", "..", "%2e%2e%2f", "%00", "a%20b", "%F0%9F%92%A9",
                "null", "%7Bid%7D", "job_0000000000000000"),
            Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(40));
    Arbitrary<String> query =
        Arbitraries.of("", "?collection=acme", "?collection=globex", "?collection=ACME", "?collection=../x",
            "?collection=acme&size=thumbnail", "?collection=acme&size=huge", "?collection=acme&query=red",
            "?collection=acme&query=", "?limit=-5", "?offset=99999999999", "?collection=acme&limit=0",
            "?collection=acme&query=" + "x".repeat(3000));
    Arbitrary<String> contentType =
        Arbitraries.frequencyOf(
            Tuple.of(12, Arbitraries.just("application/json")),
            Tuple.of(1, Arbitraries.of("application/json; charset=utf-16", "text/plain",
                "multipart/form-data", "application/x-www-form-urlencoded")),
            Tuple.of(1, Arbitraries.just((String) null)));
    Arbitrary<byte[]> body =
        Arbitraries.frequencyOf(
            Tuple.of(6, jsonBodies()),
            Tuple.of(2, multipartBodies()),
            Tuple.of(1, Arbitraries.bytes().array(byte[].class).ofMaxSize(300)));
    return Combinators.combine(route, pathValue, query, contentType, body, Arbitraries.of(true, false))
        .as((r, value, q, type, b, writer) -> {
          String path = r[1].replace("{id}", value).replace("{page}", value.equals(documentId) ? "1" : value);
          String ct = b.length > 2 && b[0] == '-' && b[1] == '-' ? "multipart/form-data; boundary=b0und" : type;
          return new Hostile(r[0], path + q, ct, r[0].equals("GET") || r[0].equals("DELETE") ? new byte[0] : b, writer);
        });
  }

  static Arbitrary<byte[]> jsonBodies() {
    Arbitrary<String> key =
        Arbitraries.of("query", "k", "collection", "filters", "document_ids", "metadata", "first_stage",
            "depth", "scorers", "prefilter_ratio", "paths", "urls", "webhook_url", "text", "texts",
            "image_base64", "image_url", "name", "__proto__", "", "k\u0000");
    Arbitrary<String> scalar =
        Arbitraries.of("null", "true", "0", "-1", "1e309", "-0", "123456789012345678901234567890",
            "\"\"", "\"red\"", "\"globex\"", "\"acme\"", "\"bm25\"", "\"fusion\"", "\"exhaustive\"", "\"half\"",
            "\"../../etc/passwd\"", "\"/etc/passwd\"", "\"http://127.0.0.1:1/\"", "\"\\u0000\"", "\"\\ud800\"",
            "\"" + "A".repeat(5000) + "\"", "[]", "{}", "[null]", "[\"hamming\",\"half\"]", "0.5", "NaN");
    Arbitrary<String> object =
        Combinators.combine(key.list().ofMaxSize(5), scalar.list().ofSize(5))
            .as((keys, values) -> {
              Map<String, String> fields = new LinkedHashMap<>();
              for (int i = 0; i < keys.size(); i++) {
                fields.put(keys.get(i), values.get(i));
              }
              StringBuilder json = new StringBuilder("{");
              fields.forEach((k, v) -> json.append(json.length() > 1 ? "," : "").append('"').append(k.replace("\u0000", "\\u0000")).append("\":").append(v));
              return json.append('}').toString();
            });
    Arbitrary<String> nested = Arbitraries.integers().between(1, 400).map(n -> "[".repeat(n) + "]".repeat(n));
    Arbitrary<String> truncated = object.map(s -> s.substring(0, Math.max(0, s.length() / 2)));
    return Arbitraries.oneOf(object, object, nested, truncated, scalar)
        .map(s -> s.getBytes(StandardCharsets.UTF_8));
  }

  static Arbitrary<byte[]> multipartBodies() {
    Arbitrary<String> fileName =
        Arbitraries.of("a.png", "../../../etc/cron.d/x", "..\\..\\win.ini", "", ".hidden", "x".repeat(500),
            "\u202Egnp.exe", "con", "a\"b.png", "nul\u0000.png");
    Arbitrary<byte[]> content =
        Arbitraries.oneOf(
            Arbitraries.just(TestServers.png("green")),
            Arbitraries.just("%PDF-1.7\n1 0 obj <<>> endobj\n%%EOF".getBytes(StandardCharsets.US_ASCII)),
            Arbitraries.just(new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0}),
            Arbitraries.bytes().array(byte[].class).ofMaxSize(200));
    return Combinators.combine(fileName, content, Arbitraries.of("files", "file", "collection", "webhook_url"),
            Arbitraries.of(true, false))
        .as((name, bytes, field, closed) -> {
          StringBuilder head = new StringBuilder("--b0und\r\nContent-Disposition: form-data; name=\"" + field + "\"");
          if (!field.equals("collection") && !field.equals("webhook_url")) {
            head.append("; filename=\"").append(name).append('"');
          }
          head.append("\r\n\r\n");
          byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
          byte[] end = (closed ? "\r\n--b0und--\r\n" : "").getBytes(StandardCharsets.US_ASCII);
          byte[] all = new byte[start.length + bytes.length + end.length];
          System.arraycopy(start, 0, all, 0, start.length);
          System.arraycopy(bytes, 0, all, start.length, bytes.length);
          System.arraycopy(end, 0, all, start.length + bytes.length, end.length);
          return all;
        });
  }
}
