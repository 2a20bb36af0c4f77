package dev.quire.encoder.colqwen3;

import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.ComputeDevice;
import dev.quire.model.Precision;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.encoder.EncoderInfo;
import dev.quire.encoder.MultiVector;
import dev.quire.model.safetensors.SafetensorsFile;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColQwen3EncoderTest {

  @TempDir static Path dir;
  private static ColQwen3Encoder encoder;

  private static ColQwen3Options cpu() {
    return ColQwen3Options.defaults().withDevice(ComputeDevice.CPU)
        .withHashCache(dir.resolve("hashes"));
  }

  @BeforeAll
  static void open() throws IOException {
    encoder = ColQwen3Encoder.open(Fixtures.path("colqwen3-tiny-128"), null, cpu().withBatchSizes(2, 3));
  }

  @AfterAll
  static void close() {
    encoder.close();
  }

  private static List<BufferedImage> pages(List<String> names) {
    return names.stream().map(Goldens::image).toList();
  }

  /** Max gap of a list of multi-vectors against a left-padded golden embeddings tensor. */
  private static double gap(Goldens golden, List<MultiVector> vectors) {
    int[] lengths = vectors.stream().mapToInt(MultiVector::tokens).toArray();
    float[] packed = new float[vectors.stream().mapToInt(v -> v.values().length).sum()];
    int at = 0;
    for (MultiVector v : vectors) {
      System.arraycopy(v.values(), 0, packed, at, v.values().length);
      at += v.values().length;
    }
    return golden.packedVsPadded("embeddings", packed, lengths);
  }

  @Test
  void infoNamesTheCheckpointAndTakesTheDimensionFromTheWeights() {
    assertThat(encoder.info().name()).isEqualTo("colqwen3-tiny-128");
    assertThat(encoder.info().dimension()).isEqualTo(128);
    assertThat(encoder.info().checkpointHash()).matches("[0-9a-f]{64}");
  }

  @Test
  void pagesAndQueriesThroughThePublicApiMatchTheReference() {
    Goldens docs = new Goldens("128-docs-3");
    assertThat(gap(docs, encoder.encodePages(pages(docs.pages())))).isLessThan(ParityTest.TOLERANCE);
    Goldens queries = new Goldens("128-queries");
    assertThat(gap(queries, encoder.encodeQueries(queries.queries()))).isLessThan(ParityTest.TOLERANCE);
  }

  @Test
  void theQueryPrefixIsAnOption() throws IOException {
    Goldens golden = new Goldens("128-queries-prefixed");
    try (ColQwen3Encoder prefixed = ColQwen3Encoder.open(Fixtures.path("colqwen3-tiny-128"), null,
        cpu().withQueryPrefix("Query: "))) {
      assertThat(gap(golden, prefixed.encodeQueries(golden.queries()))).isLessThan(ParityTest.TOLERANCE);
    }
  }

  @Test
  void everyVectorIsUnitLengthAndPooledVectorsToo() {
    List<MultiVector> vectors = encoder.encodePages(pages(List.of("tall_page")));
    for (int t = 0; t < vectors.get(0).tokens(); t++) {
      assertThat(norm(vectors.get(0).token(t))).isCloseTo(1.0, within(1e-5));
    }
    assertThat(norm(vectors.get(0).meanPooled())).isCloseTo(1.0, within(1e-5));
    MultiVector query = encoder.encodeQueries(List.of("latency")).get(0);
    assertThat(encoder.pooledQuery(query)).containsExactly(query.token(query.tokens() - 1));
  }

  @Test
  void queryTokenTextsLineUpWithTheQueryVectors() {
    String query = "What is the total revenue?";
    List<String> texts = encoder.queryTokenTexts(query);
    assertThat(texts).hasSize(encoder.encodeQueries(List.of(query)).get(0).tokens());
    assertThat(String.join("", texts)).isEqualTo(query + "<|endoftext|>".repeat(10));
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float f : v) {
      s += f * f;
    }
    return Math.sqrt(s);
  }

  @Test
  void thePatchGridLocatesTheImageTokens() {
    BufferedImage page = Goldens.image("large_scan"); // 300x260 resized to 192x160: 6 x 5 tokens
    var grid = encoder.patchGrid(page).orElseThrow();
    assertThat(grid.rows()).isEqualTo(5);
    assertThat(grid.cols()).isEqualTo(6);
    EmbeddedInput embedded = encoder.embedPages(List.of(page)).get(0);
    int[] ids = embedded.tokenIds();
    assertThat(ids[grid.firstToken() - 1]).isEqualTo(1009); // <|vision_start|>
    for (int i = 0; i < grid.patches(); i++) {
      assertThat(ids[grid.firstToken() + i]).isEqualTo(1012); // <|image_pad|>
    }
    assertThat(ids[grid.firstToken() + grid.patches()]).isEqualTo(1010); // <|vision_end|>
  }

  @Test
  void maxVisualTokensCapsThePixelBudget() throws IOException {
    try (ColQwen3Encoder capped = ColQwen3Encoder.open(Fixtures.path("colqwen3-tiny-128"), null,
        cpu().withMaxVisualTokens(4))) {
      EmbeddedInput page = capped.embedPages(pages(List.of("large_scan"))).get(0);
      int[] grid = page.imageGrid();
      assertThat(grid[1] * grid[2] / 4).isLessThanOrEqualTo(4);
      assertThat(page.tokenIds().length).isEqualTo(12 + grid[1] * grid[2] / 4);
    }
  }

  @Test
  void theCheckpointHashIsCachedByFileSizeAndModificationTime() throws IOException {
    Path copy = Files.createDirectories(dir.resolve("copy"));
    try (Stream<Path> files = Files.list(Fixtures.path("colqwen3-tiny-128"))) {
      for (Path f : files.toList()) {
        Files.copy(f, copy.resolve(f.getFileName()));
      }
    }
    Path cache = dir.resolve("hash-cache");
    ColQwen3Options options = cpu().withHashCache(cache);
    String first = info(copy, null, options).checkpointHash();
    assertThat(first).isEqualTo(encoder.info().checkpointHash()); // same bytes, other folder
    List<Path> entries;
    try (Stream<Path> listed = Files.list(cache)) {
      entries = listed.toList();
    }
    assertThat(entries).hasSize(1);
    // a cached digest is trusted while size and modification time stay ...
    Files.writeString(entries.get(0), "0".repeat(64) + "\n");
    assertThat(info(copy, null, options).checkpointHash()).isNotEqualTo(first);
    // ... and a touched file is hashed again
    Path weights = copy.resolve("model.safetensors");
    Files.setLastModifiedTime(weights, FileTime.fromMillis(Files.getLastModifiedTime(weights).toMillis() + 5000));
    assertThat(info(copy, null, options).checkpointHash()).isEqualTo(first);
    // the adapter's weights are part of the identity
    EncoderInfo withLora = info(copy, Fixtures.path("colqwen3-tiny-128-lora"), options);
    assertThat(withLora.checkpointHash()).isNotEqualTo(first);
    assertThat(withLora.name()).isEqualTo("copy+colqwen3-tiny-128-lora");
  }

  private static EncoderInfo info(Path model, Path lora, ColQwen3Options options)
      throws IOException {
    try (ColQwen3Encoder e = ColQwen3Encoder.open(model, lora, options)) {
      return e.info();
    }
  }

  @Test
  void badOptionsAndFoldersAreRefusedClearly() {
    assertThatThrownBy(() -> cpu().withPrecision(Precision.FLOAT16))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float16 runs only on CUDA");
    assertThatThrownBy(() -> ColQwen3Encoder.open(dir.resolve("nowhere"), null, cpu()))
        .isInstanceOf(IOException.class).hasMessageContaining("nowhere").hasMessageContaining("does not exist");
    assertThatThrownBy(() -> ColQwen3Encoder.open(Fixtures.path("colqwen3-tiny-128"), null,
        cpu().withDevice(ComputeDevice.CUDA)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no GPU");
    assertThatThrownBy(() -> cpu().withBatchSizes(0, 1)).hasMessageContaining("batch sizes");
  }

  @Test
  void imagesExportAsColpaliShapedSafetensors() throws IOException {
    List<String> names = List.of("wide_slide", "tiny_icon");
    List<Path> files = names.stream().map(n -> Fixtures.path("images/" + n + ".png")).toList();
    Path out = dir.resolve("pages.safetensors");
    EmbeddingExport.writeImages(encoder, files, out);
    List<EmbeddedInput> expected = encoder.embedPages(pages(names));
    try (SafetensorsFile file = SafetensorsFile.open(out)) {
      assertThat(file.metadata()).containsEntry("kind", "images")
          .containsEntry("checkpoint_hash", encoder.info().checkpointHash());
      long[] shape = file.tensor("embeddings").shape();
      int length = expected.get(0).tokenIds().length; // wide_slide is the longer
      assertThat(shape).containsExactly(2, length, 128);
      float[] embeddings = file.tensor("embeddings").toFloatArray();
      long[] mask = file.tensor("attention_mask").toLongArray();
      long[] ids = file.tensor("input_ids").toLongArray();
      int shortLength = expected.get(1).tokenIds().length;
      int pad = length - shortLength;
      for (int t = 0; t < length; t++) {
        assertThat(mask[length + t]).isEqualTo(t < pad ? 0 : 1);
        assertThat(ids[length + t]).isEqualTo(t < pad ? 1000 : expected.get(1).tokenIds()[t - pad]);
      }
      float[] second = Arrays.copyOfRange(embeddings, (length + pad) * 128, 2 * length * 128);
      assertThat(second).containsExactly(expected.get(1).vectors().values());
      assertThat(Arrays.copyOfRange(embeddings, length * 128, (length + pad) * 128)).containsOnly(0f);
      assertThat(file.tensor("image_grid_thw").toLongArray()).containsExactly(1, 8, 14, 1, 4, 6);
    }
  }

  @Test
  void queriesExportAsJson() throws IOException {
    Path out = dir.resolve("queries.json");
    EmbeddingExport.writeQueries(encoder, List.of("latency", "What is the total revenue?"), out);
    JsonNode root = new ObjectMapper().readTree(out.toFile());
    assertThat(root.get("kind").asText()).isEqualTo("queries");
    assertThat(root.get("dimension").asInt()).isEqualTo(128);
    JsonNode item = root.get("items").get(0);
    assertThat(item.get("input").asText()).isEqualTo("latency");
    EmbeddedInput expected = encoder.embedQueries(List.of("latency")).get(0);
    assertThat(item.get("input_ids").size()).isEqualTo(expected.tokenIds().length);
    assertThat(item.get("embeddings").size()).isEqualTo(expected.tokenIds().length);
    assertThat((float) item.get("embeddings").get(0).get(0).asDouble())
        .isEqualTo(expected.vectors().values()[0]);
    assertThat(item.has("image_grid_thw")).isFalse();
  }

  @Test
  void unreadableImagesAreNamed() throws IOException {
    Path bogus = Files.writeString(dir.resolve("bogus.png"), "not an image");
    assertThatThrownBy(() -> EmbeddingExport.writeImages(encoder, List.of(bogus), dir.resolve("x.json")))
        .isInstanceOf(IOException.class).hasMessageContaining("bogus.png");
    assertThat(dir.resolve("x.json")).doesNotExist();
  }
}
