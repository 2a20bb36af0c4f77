package dev.quire.generation.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.quire.generation.DecodingSettings;
import dev.quire.generation.FinishReason;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The remote backend against a local server that misbehaves on purpose: 500s then success, 429
 * with Retry-After, malformed JSON, a slow first byte, a server that never answers, a stream cut
 * mid-way, a server that keeps failing (the circuit opens); and what it sends (model, pages as
 * data URLs, sampling settings).
 */
class RemoteChatGeneratorTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  /** One scripted answer to one request. */
  @FunctionalInterface
  interface Behaviour {
    void answer(HttpExchange exchange) throws IOException, InterruptedException;
  }

  private HttpServer server;
  private final ConcurrentLinkedQueue<Behaviour> script = new ConcurrentLinkedQueue<>();
  private final List<JsonNode> requests = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    // daemon threads: a handler still sleeping for a never-answering script must not hold the JVM
    server.setExecutor(Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory()));
    server.createContext("/v1/chat/completions", exchange -> {
      try (exchange) {
        requests.add(JSON.readTree(exchange.getRequestBody()));
        Behaviour next = script.poll();
        if (next == null) {
          next = status(500, "{\"error\": {\"message\": \"no script left\"}}");
        }
        next.answer(exchange);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (IOException e) {
        // the client hung up: nothing to answer
      }
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private BackendSpec.OpenAi spec(Duration timeout, int attempts) {
    return new BackendSpec.OpenAi("gpu", URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1"),
        "qwen3-vl-8b", null, null, timeout, attempts, 2, 0);
  }

  private static Behaviour status(int code, String body, String... headers) {
    return exchange -> {
      for (int i = 0; i + 1 < headers.length; i += 2) {
        exchange.getResponseHeaders().add(headers[i], headers[i + 1]);
      }
      exchange.getResponseHeaders().add("Content-Type", "application/json");
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(code, bytes.length);
      exchange.getResponseBody().write(bytes);
    };
  }

  private static Behaviour answer(String text) {
    return status(200, "{\"id\": \"c1\", \"object\": \"chat.completion\", \"created\": 1, \"model\": \"qwen3-vl-8b\","
        + " \"choices\": [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\": \"" + text + "\"},"
        + " \"logprobs\": {\"content\": [{\"token\": \"Hi\", \"logprob\": -0.25, \"bytes\": [72, 105],"
        + " \"top_logprobs\": [{\"token\": \"Hi\", \"logprob\": -0.25, \"bytes\": [72, 105]}]}]},"
        + " \"finish_reason\": \"stop\"}], \"usage\": {\"prompt_tokens\": 7, \"completion_tokens\": 1,"
        + " \"total_tokens\": 8}}");
  }

  private static Behaviour slow(long millis, Behaviour then) {
    return exchange -> {
      Thread.sleep(millis);
      then.answer(exchange);
    };
  }

  /** Server-sent chunks with {@code pieces}; {@code complete} ends with a finish reason and [DONE]. */
  private static Behaviour stream(List<String> pieces, boolean complete) {
    return exchange -> {
      exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
      exchange.sendResponseHeaders(200, 0);
      OutputStream out = exchange.getResponseBody();
      for (String piece : pieces) {
        out.write(("data: {\"id\": \"c1\", \"object\": \"chat.completion.chunk\", \"created\": 1, \"model\": \"m\","
            + " \"choices\": [{\"index\": 0, \"delta\": {\"content\": \"" + piece + "\"}, \"finish_reason\": null}]}\n\n")
            .getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
      if (complete) {
        out.write(("data: {\"id\": \"c1\", \"object\": \"chat.completion.chunk\", \"created\": 1, \"model\": \"m\","
            + " \"choices\": [{\"index\": 0, \"delta\": {}, \"finish_reason\": \"length\"}]}\n\n"
            + "data: {\"id\": \"c1\", \"object\": \"chat.completion.chunk\", \"created\": 1, \"model\": \"m\","
            + " \"choices\": [], \"usage\": {\"prompt_tokens\": 9, \"completion_tokens\": " + pieces.size()
            + ", \"total_tokens\": " + (9 + pieces.size()) + "}}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
      }
    };
  }

  private static ChatRequest hello() {
    return new ChatRequest(List.of(Map.of("role", "user", "content", "Hello")), List.of(),
        DecodingSettings.defaults(), Map.of());
  }

  @Test
  void fiveHundredsAreRetriedUntilAnAnswer() {
    script.add(status(500, "{\"error\": {\"message\": \"overloaded\"}}"));
    script.add(status(503, "{\"error\": {\"message\": \"warming up\"}}"));
    script.add(answer("Hello back"));
    try (RemoteChatGenerator remote = new RemoteChatGenerator(spec(Duration.ofSeconds(5), 4), null)) {
      ChatCompletion answer = remote.complete(hello());
      assertThat(answer.text()).isEqualTo("Hello back");
      assertThat(answer.usage()).isEqualTo(new ChatCompletion.Usage(7, 1));
      assertThat(answer.logprobs()).singleElement().satisfies(t -> {
        assertThat(t.token()).isEqualTo("Hi");
        assertThat(t.bytes()).containsExactly(72, 105);
        assertThat(t.top()).hasSize(1);
      });
      assertThat(requests).hasSize(3);
      assertThat(requests.getFirst().get("model").asText()).isEqualTo("qwen3-vl-8b");
    }
  }

  @Test
  void aRetryAfterIsHonouredAndMalformedJsonRetried() {
    script.add(status(429, "{\"error\": {\"message\": \"slow down\"}}", "Retry-After", "1"));
    script.add(status(200, "{\"id\": \"c1\", \"choices\": [{\"index\": 0, \"message\": {"));
    script.add(answer("fine"));
    try (RemoteChatGenerator remote = new RemoteChatGenerator(spec(Duration.ofSeconds(5), 4), null)) {
      long started = System.nanoTime();
      assertThat(remote.complete(hello()).text()).isEqualTo("fine");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
      assertThat(requests).hasSize(3);
    }
  }

  @Test
  void aSlowFirstByteWithinTheTimeoutIsWaitedFor() {
    script.add(slow(400, answer("late but here")));
    try (RemoteChatGenerator remote = new RemoteChatGenerator(spec(Duration.ofSeconds(3), 1), null)) {
      assertThat(remote.complete(hello()).text()).isEqualTo("late but here");
    }
  }

  @Test
  void aServerThatNeverAnswersTimesOutWithAClearError() {
    script.add(slow(20_000, answer("never")));
    script.add(slow(20_000, answer("never")));
    try (RemoteChatGenerator remote = new RemoteChatGenerator(spec(Duration.ofMillis(400), 2), null)) {
      long started = System.nanoTime();
      assertThatThrownBy(() -> remote.complete(hello()))
          .isInstanceOf(RemoteBackendException.class)
          .hasMessageContaining("backend gpu (http://127.0.0.1:");
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(10));
      assertThat(requests).hasSize(2);
    }
  }

  @Test
  void aStreamIsRelayedAndACutStreamIsAnErrorOnceTextWasSent() {
    script.add(stream(List.of("Hel", "lo"), true));
    try (RemoteChatGenerator remote = new RemoteChatGenerator(spec(Duration.ofSeconds(5), 3), null)) {
      StringBuilder seen = new StringBuilder();
      ChatCompletion answer = remote.complete(hello(), seen::append, () -> false);
      assertThat(seen.toString()).isEqualTo("Hello");
      assertThat(answer.text()).isEqualTo("Hello");
      assertThat(answer.finishReason()).isEqualTo(FinishReason.LENGTH);
      assertThat(answer.usage()).isEqualTo(new ChatCompletion.Usage(9, 2));
      assertThat(requests.getLast().path("stream").asBoolean()).isTrue();

      // cut before any text: retried; cut after text: an error naming the backend
      script.add(stream(List.of(), false));
      script.add(stream(List.of("Par", "tial"), false));
      StringBuilder partial = new StringBuilder();
      assertThatThrownBy(() -> remote.complete(hello(), partial::append, () -> false))
          .isInstanceOf(RemoteBackendException.class)
          .hasMessageContaining("backend gpu: the stream broke off");
      assertThat(partial.toString()).isEqualTo("Partial");
      assertThat(requests).hasSize(3);
    }
  }

  @Test
  void aServerThatKeepsFailingOpensTheCircuit() {
    try (RemoteChatGenerator remote = new RemoteChatGenerator(spec(Duration.ofSeconds(2), 1), null)) {
      for (int i = 0; i < 10; i++) {
        assertThatThrownBy(() -> remote.complete(hello())).hasMessageContaining("HTTP 500");
      }
      int before = requests.size();
      assertThatThrownBy(() -> remote.complete(hello())).hasMessageContaining("failed too often");
      assertThat(requests).hasSize(before);
    }
  }

  @Test
  void pagesGoAsDataUrlsWithTheSamplingSettings() {
    script.add(answer("ok"));
    BufferedImage page = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
    ChatRequest request = new ChatRequest(List.of(
        Map.of("role", "system", "content", "Read pages."),
        Map.of("role", "user", "content", List.of(Map.of("type", "image"),
            Map.of("type", "text", "text", "Total?")))),
        List.of(page),
        new DecodingSettings(64, null, 0.7, 0.8, 20, null, 1.05, null, null, 7L, List.of("\n\n"),
            List.of(), false, 2),
        Map.of("enable_thinking", false));
    try (RemoteChatGenerator remote = new RemoteChatGenerator(spec(Duration.ofSeconds(5), 1), null)) {
      remote.complete(request);
    }
    JsonNode sent = requests.getFirst();
    assertThat(sent.path("temperature").asDouble()).isEqualTo(0.7);
    assertThat(sent.path("top_p").asDouble()).isEqualTo(0.8);
    assertThat(sent.path("top_k").asInt()).isEqualTo(20);
    assertThat(sent.path("repetition_penalty").asDouble()).isEqualTo(1.05);
    assertThat(sent.path("seed").asLong()).isEqualTo(7);
    assertThat(sent.path("max_completion_tokens").asInt()).isEqualTo(64);
    assertThat(sent.path("top_logprobs").asInt()).isEqualTo(2);
    assertThat(sent.path("stop").get(0).asText()).isEqualTo("\n\n");
    assertThat(sent.path("chat_template_kwargs").path("enable_thinking").asBoolean(true)).isFalse();
    JsonNode user = sent.path("messages").get(1);
    assertThat(user.path("content").get(0).path("image_url").path("url").asText()).startsWith("data:image/png;base64,");
    assertThat(user.path("content").get(1).path("text").asText()).isEqualTo("Total?");
  }

  @Test
  void aMissingKeyVariableIsNamed() {
    BackendSpec.OpenAi spec = new BackendSpec.OpenAi("gpu", URI.create("http://127.0.0.1:1/v1"), "m", null,
        "QUIRE_TEST_NO_SUCH_KEY", null, 1, 1, 0);
    assertThatThrownBy(() -> RemoteChatGenerator.open(spec, Map.of()))
        .hasMessageContaining("QUIRE_TEST_NO_SUCH_KEY, which is not set");
    assertThatThrownBy(() -> new BackendSpec.OpenAi("gpu", URI.create("ftp://x/v1"), "m", null, null, null, 1, 1, 0))
        .hasMessageContaining("must be http(s)");
  }
}
