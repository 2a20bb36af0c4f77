package dev.quire.server;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.ColorTestEncoder;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import javax.imageio.ImageIO;

/** Servers for tests: port 0, no sample corpus, keys for two tenants and an admin. */
final class TestServers {
  private TestServers() {}

  static final String ACME_WRITE = "acme-writer-key-0123456789";
  static final String ACME_READ = "acme-reader-key-0123456789";
  static final String GLOBEX_WRITE = "globex-writer-key-0123456789";
  static final String ADMIN = "admin-key-0123456789abcdef";

  static final String KEYS =
      "acme-writer:" + ACME_WRITE + ":acme:write;"
          + "acme-reader:" + ACME_READ + ":acme:read;"
          + "globex-writer:" + GLOBEX_WRITE + ":globex:write;"
          + "ops:" + ADMIN + ":*:admin";

  /** Settings by dotted name on top of: port 0, the data folder, no sample, the test keys. */
  static ServerConfig config(Path data, Map<String, String> settings) {
    Map<String, String> flags = new HashMap<>();
    flags.put("http.port", "0");
    flags.put("dataDirectory", data.toString());
    flags.put("sample.enabled", "false");
    // most tests search BM25 as before; DenseSearchApiTest loads the shipped text model
    flags.put("textModel", "none");
    flags.put("http.shutdownTimeout", "20s");
    flags.putAll(settings);
    Map<String, String> env = new HashMap<>();
    env.put("QUIRE_API_KEYS", KEYS);
    try {
      return ServerConfigLoader.load(null, env, flags);
    } catch (InvalidConfigException e) {
      throw new IllegalArgumentException(e);
    }
  }

  static QuireServer start(Path data, Map<String, String> settings) throws IOException {
    return QuireServer.start(config(data, settings), new ColorTestEncoder());
  }

  static byte[] png(String colour) {
    return png(ColorTestEncoder.solid(colour, 64, 48));
  }

  static byte[] png(BufferedImage image) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(image, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Polls a job until it is finished; fails after {@code timeout}. */
  static JsonNode awaitJob(Http http, String jobId, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    JsonNode job = null;
    while (System.nanoTime() < deadline) {
      job = http.get("/v1/jobs/" + jobId).json();
      String state = job.path("state").asText();
      if (state.equals("COMPLETED") || state.equals("COMPLETED_WITH_ERRORS")
          || state.equals("FAILED") || state.equals("CANCELLED")) {
        return job;
      }
      Thread.sleep(50);
    }
    StringBuilder threads = new StringBuilder();
    Thread.getAllStackTraces().forEach((thread, stack) -> {
      if (thread.getName().startsWith("quire-jobs")) {
        threads.append(thread).append('\n');
        for (StackTraceElement e : stack) {
          threads.append("    ").append(e).append('\n');
        }
      }
    });
    throw new AssertionError("job " + jobId + " did not finish in " + timeout + ": " + job + "\n" + threads);
  }
}
