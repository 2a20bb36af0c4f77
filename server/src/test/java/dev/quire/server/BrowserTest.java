package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quire.ColorTestEncoder;
import dev.quire.generation.backend.BackendSpec;
import dev.quire.generation.backend.Generators;
import dev.quire.model.ComputeDevice;
import dev.quire.samples.GroundTruth;
import dev.quire.samples.GroundTruthPage;
import dev.quire.samples.SyntheticCorpus;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI in a real browser: Debian's Chromium driven by Playwright ({@code
 * src/test/browser/ui-test.mjs}) against a running server. Screenshots of every step are kept in
 * {@code target/browser-screenshots}. Skipped, saying why, only when Node.js or Chromium is not
 * installed ({@code .ci/run} installs both).
 */
class BrowserTest {

  static final Path SCRIPTS = Path.of("src/test/browser");
  static final Path SCREENSHOTS = Path.of("target/browser-screenshots");

  @TempDir Path data;
  @TempDir Path corpus;

  @Test
  void aPersonCanUploadSearchAndInspectPagesInTheBrowser() throws Exception {
    Optional<Path> node = onPath("node");
    assumeTrue(node.isPresent(), "Node.js is not installed (apt-get install nodejs): browser test skipped");
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    assumeTrue(Files.isExecutable(chromium), "Chromium is not installed at " + chromium
        + " (apt-get install chromium, or set CHROMIUM): browser test skipped");
    if (!Files.isDirectory(SCRIPTS.resolve("node_modules/playwright-core"))) {
      Optional<Path> npm = onPath("npm");
      assumeTrue(npm.isPresent(), "npm is not installed: browser test skipped");
      run(List.of(npm.get().toString(), "ci", "--no-audit", "--no-fund"), Map.of(), 300);
    }

    // a document of several pages, so the viewer can turn them and search can page its results
    SyntheticCorpus.generate(corpus, 12, 7);
    List<GroundTruthPage> pages = GroundTruth.read(corpus);
    GroundTruthPage page = pages.stream()
        .filter(p -> p.page() == 1 && pages.stream().filter(q -> q.document().equals(p.document())).count() > 1)
        .findFirst().orElseThrow(() -> new AssertionError("no multi-page document in the synthetic corpus"));
    Path pdf = corpus.resolve(page.document());
    String query = page.questions().isEmpty() ? page.type() : page.questions().get(0).question();

    Path instruct = Path.of("../model/src/test/resources/reference-instruct/instruct-tied").toAbsolutePath().normalize();
    try (Generators generators = Generators.open(List.of(new BackendSpec.Local("small", instruct, null,
            ComputeDevice.CPU, 0, 2)));
        QuireServer server = QuireServer.start(TestServers.config(data, Map.of()), new ColorTestEncoder(), generators);
        // a newcomer's server: no keys (loopback only), no visual model, no text model, no generation
        QuireServer bare = QuireServer.start(ServerConfigLoader.load(null, Map.of(), Map.of(
            "http.port", "0", "dataDirectory", Files.createDirectories(data.resolve("bare")).toString(),
            "sample.enabled", "false", "textModel", "none")), null)) {
      Files.createDirectories(SCREENSHOTS);
      try (Stream<Path> old = Files.list(SCREENSHOTS)) {
        for (Path p : old.toList()) {
          Files.delete(p);
        }
      }
      String out =
          run(
              List.of(node.get().toString(), "ui-test.mjs"),
              Map.of(
                  "QUIRE_URL", "http://127.0.0.1:" + server.port() + "/",
                  "QUIRE_BARE_URL", "http://127.0.0.1:" + bare.port() + "/",
                  "QUIRE_KEY", TestServers.ADMIN,
                  "QUIRE_PDF", pdf.toAbsolutePath().toString(),
                  "QUIRE_QUERY", query,
                  "SCREENSHOTS", SCREENSHOTS.toAbsolutePath().toString(),
                  "CHROMIUM", chromium.toString()),
              600);
      assertThat(out).contains("ok: ");
    }
    try (Stream<Path> shots = Files.list(SCREENSHOTS)) {
      assertThat(shots.filter(p -> p.toString().endsWith(".png")).count()).isGreaterThanOrEqualTo(17);
    }
  }

  private static String run(List<String> command, Map<String, String> env, long seconds)
      throws IOException, InterruptedException {
    Path log = Files.createTempFile("quire-browser", ".log");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command).directory(SCRIPTS.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError(command + " did not finish in " + seconds + " s:\n" + Files.readString(log));
      }
      String out = Files.readString(log, StandardCharsets.UTF_8);
      assertThat(process.exitValue()).as(command + " failed:\n" + out).isZero();
      return out;
    } finally {
      Files.deleteIfExists(log);
    }
  }

  private static Optional<Path> onPath(String program) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, program);
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }
}
