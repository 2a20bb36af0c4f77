package dev.quire.encoder.colqwen3;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.encoder.MultiVector;
import dev.quire.model.ComputeDevice;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.model.safetensors.SafetensorsFile;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * An adapter trained in Java (the training module's {@code TrainedAdapterTest} writes it; committed
 * under training's test resources) gives through the encoder's ordinary {@code --lora} path the
 * embeddings PEFT gives with it in Python ({@code tools/reference/trained_adapter_goldens.py}),
 * unmerged and merged into the weights.
 */
class TrainedAdapterParityTest {

  static final Path ADAPTER = Path.of("../training/src/test/resources/dev/quire/training/trained/colqwen3-tiny-128-trained")
      .toAbsolutePath().normalize();
  private static final Path GOLDENS = Path.of("src/test/resources/dev/quire/encoder/colqwen3/trained-adapter");
  private static final double TOLERANCE = 1e-4;

  @TempDir static Path dir;

  @ParameterizedTest(name = "merged {0}")
  @ValueSource(booleans = {false, true})
  void embeddingsEqualPeftsWithTheJavaTrainedAdapter(boolean merged) throws Exception {
    JsonNode meta = new ObjectMapper().readTree(GOLDENS.resolve("goldens.json").toFile());
    // the goldens were made from exactly the committed adapter
    assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(
        java.nio.file.Files.readAllBytes(ADAPTER.resolve("adapter_model.safetensors")))))
        .isEqualTo(meta.get("adapter_model_sha256").asText());
    List<String> queries = new ArrayList<>();
    List<BufferedImage> pages = new ArrayList<>();
    for (JsonNode input : meta.get("inputs")) {
      if (input.get("kind").asText().equals("query")) {
        queries.add(input.get("label").asText());
      } else {
        pages.add(ImageIO.read(Fixtures.path("images").resolve(input.get("label").asText()).toFile()));
      }
    }
    ColQwen3Options options = ColQwen3Options.defaults().withDevice(ComputeDevice.CPU)
        .withHashCache(dir.resolve("hashes")).withMergeLora(merged);
    double worst = 0;
    double adapterEffect = Double.MAX_VALUE;
    try (ColQwen3Encoder adapted = ColQwen3Encoder.open(Fixtures.path("colqwen3-tiny-128"), ADAPTER, options);
        ColQwen3Encoder bare = ColQwen3Encoder.open(Fixtures.path("colqwen3-tiny-128"), null, options);
        SafetensorsFile goldens = SafetensorsFile.open(GOLDENS.resolve("goldens.safetensors"))) {
      List<EmbeddedInput> actual = new ArrayList<>(adapted.embedQueries(queries));
      actual.addAll(adapted.embedPages(pages));
      List<EmbeddedInput> without = new ArrayList<>(bare.embedQueries(queries));
      without.addAll(bare.embedPages(pages));
      int index = 0;
      for (JsonNode input : meta.get("inputs")) {
        String stem = input.get("kind").asText() + input.get("index").asInt();
        long[] ids = goldens.tensor(stem + ".input_ids").toLongArray();
        int[] expectedIds = new int[ids.length];
        for (int t = 0; t < ids.length; t++) {
          expectedIds[t] = Math.toIntExact(ids[t]);
        }
        EmbeddedInput got = actual.get(index);
        assertThat(got.tokenIds()).as(stem).containsExactly(expectedIds);
        float[] expected = goldens.tensor(stem + ".embeddings").toFloatArray();
        worst = Math.max(worst, maxAbsDifference(got.vectors(), expected));
        adapterEffect = Math.min(adapterEffect, maxAbsDifference(without.get(index), expected));
        index++;
      }
    }
    System.out.printf("Java-trained adapter (merged %b): worst |Quire - PEFT| %.2e; bare checkpoint off by at least %.2e%n",
        merged, worst, adapterEffect);
    assertThat(worst).isLessThan(TOLERANCE);
    assertThat(adapterEffect).as("the adapter matters far beyond the tolerance").isGreaterThan(100 * TOLERANCE);
  }

  private static double maxAbsDifference(EmbeddedInput input, float[] expected) {
    return maxAbsDifference(input.vectors(), expected);
  }

  private static double maxAbsDifference(MultiVector vectors, float[] expected) {
    assertThat(vectors.values()).hasSize(expected.length);
    double worst = 0;
    for (int i = 0; i < expected.length; i++) {
      worst = Math.max(worst, Math.abs(vectors.values()[i] - expected[i]));
    }
    return worst;
  }
}
