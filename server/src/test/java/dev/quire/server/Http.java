package dev.quire.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** A small client for tests: JSON, multipart, raw bodies, with or without an API key. */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final String base;
  private final String key;

  Http(int port, String key) {
    this.base = "http://127.0.0.1:" + port;
    this.key = key;
  }

  Http as(String otherKey) {
    return new Http(Integer.parseInt(base.substring(base.lastIndexOf(':') + 1)), otherKey);
  }

  record Response(int status, byte[] bytes, java.net.http.HttpHeaders headers) {
    String body() {
      return new String(bytes, StandardCharsets.UTF_8);
    }

    JsonNode json() {
      try {
        return JSON.readTree(bytes);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON (HTTP " + status + "): " + body(), e);
      }
    }

    String errorCode() {
      return json().path("error").path("code").asText();
    }

    String errorMessage() {
      return json().path("error").path("message").asText();
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }
  }

  Response get(String path) {
    return send(request(path).GET());
  }

  Response get(String path, Map<String, String> headers) {
    HttpRequest.Builder b = request(path).GET();
    headers.forEach(b::header);
    return send(b);
  }

  Response delete(String path) {
    return send(request(path).DELETE());
  }

  Response post(String path, Object json) {
    try {
      String body = json instanceof String s ? s : JSON.writeValueAsString(json);
      return raw("POST", path, "application/json", body.getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Response raw(String method, String path, String contentType, byte[] body) {
    HttpRequest.Builder b = request(path).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    if (contentType != null) {
      b.header("Content-Type", contentType);
    }
    return send(b);
  }

  /** A multipart/form-data POST: files by name, then text fields. */
  Response upload(String path, Map<String, byte[]> files, Map<String, String> fields) {
    String boundary = "quire-" + UUID.randomUUID();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      for (Map.Entry<String, String> field : fields.entrySet()) {
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field.getKey()
            + "\"\r\n\r\n" + field.getValue() + "\r\n").getBytes(StandardCharsets.UTF_8));
      }
      for (Map.Entry<String, byte[]> file : files.entrySet()) {
        out.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\""
            + file.getKey() + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
            .getBytes(StandardCharsets.UTF_8));
        out.write(file.getValue());
        out.write("\r\n".getBytes(StandardCharsets.UTF_8));
      }
      out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return raw("POST", path, "multipart/form-data; boundary=" + boundary, out.toByteArray());
  }

  static Map<String, byte[]> files(Object... nameThenBytes) {
    Map<String, byte[]> files = new LinkedHashMap<>();
    for (int i = 0; i < nameThenBytes.length; i += 2) {
      files.put((String) nameThenBytes[i], (byte[]) nameThenBytes[i + 1]);
    }
    return files;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60));
    if (key != null) {
      b.header("X-API-Key", key);
    }
    return b;
  }

  private Response send(HttpRequest.Builder b) {
    try {
      HttpRequest request = b.build();
      HttpResponse<byte[]> r;
      try {
        r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        // a pooled connection the server closed (after a "Connection: close" answer) can be
        // picked before the client sees it close: nothing was sent on it, so send again once
        if (e.getMessage() == null || !e.getMessage().contains("received no bytes")) {
          throw e;
        }
        r = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
      }
      return new Response(r.statusCode(), r.body(), r.headers());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
