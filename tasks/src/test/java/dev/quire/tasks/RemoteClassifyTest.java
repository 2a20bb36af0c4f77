package dev.quire.tasks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.quire.generation.backend.BackendSpec;
import dev.quire.generation.backend.RemoteChatGenerator;
import java.awt.image.BufferedImage;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A task on a remote backend survives a flaky server: two 503s, then an answer in a markdown
 * fence, read and classified; the pages went as data URLs with the label schema as the
 * response format.
 */
class RemoteClassifyTest {

  @Test
  void aTaskOnARemoteBackendSurvivesAFlakyServer() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    StringBuilder lastBody = new StringBuilder();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool(Thread.ofPlatform().daemon().factory()));
    server.createContext("/v1/chat/completions", exchange -> {
      try (exchange) {
        lastBody.setLength(0);
        lastBody.append(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String body;
        int status;
        if (calls.incrementAndGet() <= 2) {
          status = 503;
          body = "{\"error\": {\"message\": \"warming up\"}}";
        } else {
          status = 200;
          String content = "```json\\n{\\\"reasoning\\\": \\\"line items and a total due\\\", \\\"type\\\": \\\"invoice\\\"}\\n```";
          body = "{\"id\": \"c\", \"object\": \"chat.completion\", \"created\": 1, \"model\": \"m\", \"choices\":"
              + " [{\"index\": 0, \"message\": {\"role\": \"assistant\", \"content\": \"" + content + "\"},"
              + " \"finish_reason\": \"stop\"}], \"usage\": {\"prompt_tokens\": 900, \"completion_tokens\": 20,"
              + " \"total_tokens\": 920}}";
        }
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
      }
    });
    server.start();
    try (RemoteChatGenerator remote = new RemoteChatGenerator(new BackendSpec.OpenAi("gpu",
        URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1"), "qwen3-vl-8b", null,
        null, Duration.ofSeconds(5), 4, 2, 0), null)) {
      ClassifyTask task = new ClassifyTask(ClassifyTask.DEFAULT_LABELS);
      ClassifyTask.Classification result = TaskRunner.run(task, remote, new ClassifyTask.Input(
          List.of(new BufferedImage(16, 16, BufferedImage.TYPE_INT_RGB)), null));
      assertThat(result.type()).isEqualTo("invoice");
      assertThat(result.reasoning()).isEqualTo("line items and a total due");
      assertThat(result.warnings()).anyMatch(w -> w.contains("code fence"));
      assertThat(result.confidence()).as("no token probabilities came back").isNull();
      assertThat(calls.get()).isEqualTo(3);
      assertThat(lastBody.toString()).contains("data:image/png;base64,").contains("\"json_schema\"")
          .contains("\"invoice\"");
    } finally {
      server.stop(0);
    }
  }
}
