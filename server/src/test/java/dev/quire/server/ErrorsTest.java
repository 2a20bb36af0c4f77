package dev.quire.server;

import static dev.quire.server.TestServers.ACME_WRITE;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.ColorTestEncoder;
import dev.quire.encoder.EncoderInfo;
import dev.quire.encoder.MultiVector;
import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatListener;
import dev.quire.generation.backend.ChatRequest;
import dev.quire.generation.backend.Generator;
import dev.quire.generation.backend.Generators;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Errors blame the right side: what the caller sent wrong is a 400 naming the field, what breaks
 * inside (a corrupt store, bad weights: an IllegalArgumentException or IllegalStateException) a
 * 500 with the request id, never the caller's fault.
 */
class ErrorsTest {

  static final Map<String, String> SETTINGS = Map.of("limits.maxUploadBytes", "256KB");

  @TempDir static Path data;
  static QuireServer server;
  static Http acme;

  /** Weights that fail on every query, as a corrupt checkpoint would. */
  static final class BrokenQueries implements MultiVectorEncoder {
    private final ColorTestEncoder colours = new ColorTestEncoder();

    @Override
    public EncoderInfo info() {
      return colours.info();
    }

    @Override
    public List<MultiVector> encodeQueries(List<String> queries) {
      throw new IllegalStateException("corrupt weights: layer 3 holds NaN");
    }

    @Override
    public List<MultiVector> encodePages(List<BufferedImage> pages) {
      return colours.encodePages(pages);
    }
  }

  /** A backend whose model throws from inside, as bad weights would. */
  static final class BrokenGenerator implements Generator {
    @Override
    public String name() {
      return "broken";
    }

    @Override
    public String model() {
      return "broken-model";
    }

    @Override
    public ChatCompletion complete(ChatRequest request, ChatListener listener, BooleanSupplier cancelled) {
      throw new IllegalArgumentException("tensor of shape [3, 7] where [3, 8] was expected");
    }

    @Override
    public void close() {}
  }

  @BeforeAll
  static void start() throws IOException {
    server = QuireServer.start(TestServers.config(data, SETTINGS), new BrokenQueries(),
        new Generators(List.of(new BrokenGenerator())));
    acme = new Http(server.port(), ACME_WRITE);
    assertThat(acme.post("/v1/collections", Map.of("name", "acme")).status()).isIn(200, 201);
  }

  @AfterAll
  static void stop() throws IOException {
    server.close();
  }

  private static void assertInvalid(Http.Response r, String param, String messagePart) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    JsonNode error = r.json().path("error");
    assertThat(error.path("param").asText()).as(r.body()).isEqualTo(param);
    assertThat(error.path("message").asText()).as(r.body()).contains(messagePart);
    assertThat(error.path("request_id").asText()).isEqualTo(r.header("X-Request-Id"));
  }

  @Test
  void aBadParameterIsA400NamingIt() {
    assertInvalid(acme.post("/v1/search", Map.of("query", "red", "collection", "acme", "first_stage", "nope")),
        "first_stage", "unknown first stage 'nope'");
    assertInvalid(acme.post("/v1/search", Map.of("query", "red", "collection", "acme",
        "first_stage", "exhaustive", "scorers", List.of("none"))), "scorers", "needs a scorer");
    assertInvalid(acme.post("/v1/search", Map.of("query", "red", "collection", "acme", "prefilter_ratio", 1.5)),
        "prefilter_ratio", "(0, 1]");
    assertInvalid(acme.post("/v1/search", Map.of("query", "red", "collection", "acme", "k", 0)), "k", "k must be");
    assertInvalid(acme.post("/v1/search", Map.of("query", " ", "collection", "acme")), "query", "query must not be empty");
  }

  @Test
  void aMethodNotAllowedNamesThoseThatAre() {
    Http.Response search = acme.delete("/v1/search");
    assertThat(search.status()).as(search.body()).isEqualTo(405);
    assertThat(search.header("Allow")).isEqualTo("POST");
    assertThat(search.errorCode()).isEqualTo("METHOD_NOT_ALLOWED");
    assertThat(search.json().path("error").path("message").asText()).contains("allowed: POST");
    Http.Response job = acme.raw("PUT", "/v1/jobs/x", "application/json", "{}".getBytes());
    assertThat(job.status()).isEqualTo(405);
    assertThat(job.header("Allow").split(", ")).containsExactlyInAnyOrder("GET", "DELETE");
    Http.Response models = acme.delete("/v1/models");
    assertThat(models.status()).isEqualTo(405);
    assertThat(models.header("Allow")).isEqualTo("GET");
    assertThat(models.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
  }

  @Test
  void aQueryStringThatIsNotUtf8OrBadlyEscapedIsA400() {
    // the JDK's client refuses to send a stray '%': over a socket
    String raw = rawGet("/v1/documents?collection=%zz");
    assertThat(raw).startsWith("HTTP/1.1 400").contains("\"param\":\"collection\"")
        .contains("not followed by two hex digits");
    // %ED%A0%80 is a lone surrogate (U+D800) in CESU-8: no UTF-8, and no search for U+FFFD
    assertInvalid(acme.get("/v1/documents/x/pages/1/similarity?collection=acme&query=%ED%A0%80"),
        "query", "not UTF-8");
    assertThat(acme.get("/v1/documents?collection=acme&limit=5&x=%C3%A9").status()).isEqualTo(200);
    // in the path Jetty refuses both before the app sees them, in the same JSON shape
    assertThat(rawGet("/v1/documents/%ED%A0%80?collection=acme")).startsWith("HTTP/1.1 400")
        .contains("\"code\":\"INVALID_REQUEST\"").contains("Bad UTF-8");
    assertThat(rawGet("/v1/documents/%zz?collection=acme")).startsWith("HTTP/1.1 400")
        .contains("\"code\":\"INVALID_REQUEST\"");
  }

  private static String rawGet(String target) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: "
          + ACME_WRITE + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void anIllegalStateFromInsideIsA500WithTheRequestIdAndALoggedTrace() {
    Logger logger = (Logger) LoggerFactory.getLogger("dev.quire.server.api.ServerApp");
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    logger.addAppender(captured);
    try {
      Http.Response r = acme.post("/v1/embed/text", Map.of("text", "red"));
      assertThat(r.status()).as(r.body()).isEqualTo(500);
      String id = r.header("X-Request-Id");
      JsonNode error = r.json().path("error");
      assertThat(error.path("code").asText()).isEqualTo("INTERNAL");
      assertThat(error.path("request_id").asText()).isEqualTo(id);
      assertThat(error.path("message").asText()).contains(id).doesNotContain("NaN");
      ILoggingEvent logged = captured.list.stream()
          .filter(e -> e.getFormattedMessage().contains(id)).findFirst().orElseThrow();
      assertThat(logged.getThrowableProxy().getMessage()).contains("corrupt weights");
    } finally {
      logger.detachAppender(captured);
    }
  }

  @Test
  void anIllegalArgumentFromTheModelIsA500InEachApisShape() {
    Http.Response chat = acme.post("/v1/chat/completions", Map.of("model", "broken-model",
        "messages", List.of(Map.of("role", "user", "content", "hello"))));
    assertThat(chat.status()).as(chat.body()).isEqualTo(500);
    JsonNode error = chat.json().path("error");
    assertThat(error.path("type").asText()).isEqualTo("server_error");
    assertThat(error.path("message").asText()).contains(chat.header("X-Request-Id")).doesNotContain("tensor");

    String png = "data:image/png;base64," + Base64.getEncoder().encodeToString(TestServers.png("red"));
    Http.Response classify = acme.post("/v1/classify", Map.of("image_urls", List.of(png)));
    assertThat(classify.status()).as(classify.body()).isEqualTo(500);
    assertThat(classify.json().path("error").path("request_id").asText()).isEqualTo(classify.header("X-Request-Id"));
    assertThat(classify.json().path("error").path("message").asText()).doesNotContain("tensor");
  }

  private static void assertInvalidJson(Http.Response r, String param, String messagePart) {
    assertThat(r.status()).as(r.body()).isEqualTo(400);
    assertThat(r.errorCode()).as(r.body()).isEqualTo("INVALID_JSON");
    assertThat(r.json().path("error").path("param").asText()).as(r.body()).isEqualTo(param);
    assertThat(r.json().path("error").path("message").asText()).as(r.body()).contains(messagePart);
  }

  @Test
  void looseJsonIsRefusedNamingTheField() {
    assertInvalidJson(acme.post("/v1/search", "{\"query\": \"red\", \"collection\": \"acme\", \"k\": 2.5}"),
        "k", "field 'k': Cannot coerce Floating-point value (2.5) to integer");
    assertInvalidJson(acme.post("/v1/search", "{\"query\": 5, \"collection\": \"acme\"}"),
        "query", "field 'query'");
    assertInvalidJson(acme.post("/v1/search", "{\"query\": \"red\", \"k\": \"5\"}"), "k",
        "field 'k': Cannot coerce String value (\"5\") to integer value");
    assertThat(acme.post("/v1/search", "{\"query\": \"red\", \"k\": \"5\"}").body()).doesNotContain("coercion");
    Http.Response array = acme.post("/v1/search", "[1]");
    assertThat(array.status()).isEqualTo(400);
    assertThat(array.json().path("error").path("message").asText()).endsWith(": the request body must be a JSON object");
    assertInvalidJson(acme.post("/v1/search", "{\"query\": true}"), "query", "field 'query'");
    assertInvalidJson(acme.post("/v1/search", "{\"query\": \"red\", \"snippets\": 1}"), "snippets", "field 'snippets'");
    assertInvalidJson(acme.post("/v1/search", "{\"query\": \"red\", \"filters\": {\"document_ids\": [5]}}"),
        "filters.document_ids[0]", "field 'filters.document_ids[0]'");
    assertInvalidJson(acme.post("/v1/search", "{\"query\": \"red\", \"query\": \"blue\"}"),
        "query", "field 'query' is given twice");
    assertInvalidJson(acme.post("/v1/search", "{\"query\": \"red\", \"filters\": {\"metadata\": {\"a\": \"1\", \"a\": \"2\"}}}"),
        "filters.metadata.a", "field 'filters.metadata.a' is given twice");
    // a whole number where a fraction is expected is still a number
    Http.Response ok = acme.post("/v1/search", "{\"query\": \"red\", \"collection\": \"acme\", \"prefilter_ratio\": 1, \"snippets\": false}");
    assertThat(ok.status()).as(ok.body()).isEqualTo(200);
  }

  @Test
  void theOpenAiApiToleratesUnknownFieldsButNotWrongTypes() {
    Http.Response model = acme.post("/v1/chat/completions", "{\"model\": 5, \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    assertThat(model.status()).as(model.body()).isEqualTo(400);
    assertThat(model.json().path("error").path("param").asText()).isEqualTo("model");
    assertThat(model.json().path("error").path("type").asText()).isEqualTo("invalid_request_error");
    assertThat(model.json().path("error").path("message").asText()).isEqualTo("model must be a string, got the number 5");
    Http.Response stream = acme.post("/v1/chat/completions", "{\"stream\": \"yes\", \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    assertThat(stream.status()).isEqualTo(400);
    assertThat(stream.json().path("error").path("param").asText()).isEqualTo("stream");
    Http.Response duplicate = acme.post("/v1/chat/completions", "{\"model\": \"a\", \"model\": \"b\", \"messages\": []}");
    assertThat(duplicate.status()).isEqualTo(400);
    assertThat(duplicate.json().path("error").path("param").asText()).isEqualTo("model");
    // fields this server does not know (user, metadata) pass: the broken backend is reached
    Http.Response unknown = acme.post("/v1/chat/completions", "{\"user\": \"u-1\", \"metadata\": {\"a\": \"b\"},"
        + " \"messages\": [{\"role\": \"user\", \"content\": \"hi\"}]}");
    assertThat(unknown.status()).as(unknown.body()).isEqualTo(500);
    Http.Response prompt = acme.post("/v1/ask", "{\"question\": \"what?\", \"collection\": \"acme\", \"prompt\": 5}");
    assertThat(prompt.status()).as(prompt.body()).isEqualTo(400);
    assertThat(prompt.json().path("error").path("param").asText()).isEqualTo("prompt");
  }

  @Test
  void aLoneSurrogateIsA400NotZeroHits() {
    assertInvalid(acme.post("/v1/search", "{\"query\": \"red \\ud800\", \"collection\": \"acme\"}"),
        "query", "lone surrogate (U+D800");
    assertInvalid(acme.post("/v1/search", "{\"query\": \"\\udc00red\", \"collection\": \"acme\"}"),
        "query", "lone surrogate (U+DC00");
    Http.Response chat = acme.post("/v1/chat/completions",
        "{\"messages\": [{\"role\": \"user\", \"content\": [{\"type\": \"text\", \"text\": \"hi \\ud83d\"}]}]}");
    assertThat(chat.status()).as(chat.body()).isEqualTo(400);
    assertThat(chat.json().path("error").path("param").asText()).isEqualTo("messages[0].content[0].text");
    // the same surrogate as raw bytes (CESU-8), not an escape
    byte[] raw = "{\"query\": \"red X\", \"collection\": \"acme\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    int x = new String(raw, java.nio.charset.StandardCharsets.UTF_8).indexOf('X');
    byte[] cesu = new byte[raw.length + 2];
    System.arraycopy(raw, 0, cesu, 0, x);
    cesu[x] = (byte) 0xED;
    cesu[x + 1] = (byte) 0xA0;
    cesu[x + 2] = (byte) 0x80;
    System.arraycopy(raw, x + 1, cesu, x + 3, raw.length - x - 1);
    Http.Response bytes = acme.raw("POST", "/v1/search", "application/json", cesu);
    assertThat(bytes.status()).as(bytes.body()).isEqualTo(400);
    // a pair is text
    Http.Response pair = acme.post("/v1/search", "{\"query\": \"red \\ud83d\\ude00\", \"collection\": \"acme\"}");
    assertThat(pair.status()).as(pair.body()).isEqualTo(200);
  }

  @Test
  void anOversizedBodyIsA413StatingTheConfiguredLimit() {
    long limit = TestServers.config(data, SETTINGS).limits().maxJsonBytes();
    String big = "{\"query\": \"" + "a".repeat((int) limit) + "\"}";
    Http.Response r = acme.post("/v1/search", big);
    assertThat(r.status()).as(r.body()).isEqualTo(413);
    assertThat(r.errorCode()).isEqualTo("PAYLOAD_TOO_LARGE");
    assertThat(r.json().path("error").path("message").asText())
        .isEqualTo("the request body is over the limit of " + limit + " bytes for JSON");
  }
}
