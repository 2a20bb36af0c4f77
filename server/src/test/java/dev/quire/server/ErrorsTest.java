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
    server = QuireServer.start(TestServers.config(data, Map.of()), new BrokenQueries(),
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
}
