package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without keys the server is open to its own machine, and only to it. */
class OpenModeTest {

  @TempDir Path data;

  @Test
  void localCallersNeedNoKeyButForeignPagesAndHostNamesAreRefused() throws Exception {
    ServerConfig config =
        ServerConfigLoader.load(null, Map.of(),
            Map.of("http.port", "0", "dataDirectory", data.toString(), "sample.enabled", "false"));
    assertThat(config.openAccess()).isTrue();
    try (QuireServer server = QuireServer.start(config, null)) {
      Http local = new Http(server.port(), null);
      assertThat(local.get("/v1/collections").status()).isEqualTo(200);
      Http.Response created = local.post("/v1/collections", Map.of("name", "notes"));
      assertThat(created.status()).isEqualTo(201);

      HttpClient client = HttpClient.newHttpClient();
      String base = "http://127.0.0.1:" + server.port();
      HttpResponse<String> crossSite =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/collections"))
                  .header("Origin", "https://evil.example")
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"pwned\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(crossSite.statusCode()).isEqualTo(403);
      assertThat(crossSite.body()).contains("cross-origin");

      HttpResponse<String> sameSite =
          client.send(
              HttpRequest.newBuilder(URI.create(base + "/v1/collections"))
                  .header("Origin", base)
                  .header("Content-Type", "application/json")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"mine\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(sameSite.statusCode()).isEqualTo(201);

      // DNS rebinding: a foreign name that resolves here.
      try (Socket socket = new Socket("127.0.0.1", server.port())) {
        socket.getOutputStream().write(
            "GET /v1/collections HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(response).startsWith("HTTP/1.1 403").contains("FORBIDDEN");
      }

      // Embeddings need a model; this server has none: a deliberate 503 with its code.
      Http.Response noModel = local.post("/v1/embed/text", Map.of("text", "hello"));
      assertThat(noModel.status()).isEqualTo(503);
      assertThat(noModel.errorCode()).isEqualTo("MODEL_NOT_LOADED");
    }
  }
}
