package dev.quire.textembedding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.model.ComputeDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedder over a BGE-M3 folder, and the errors of a folder that lacks what it needs. */
class BgeM3LoadingTest {

  @TempDir Path temp;

  static final BgeM3Model.Options CPU = new BgeM3Model.Options(ComputeDevice.CPU, 0, 4);

  Path copy(String fixture) throws Exception {
    Path source = BgeM3ParityTest.fixture(fixture);
    Path target = temp.resolve(fixture);
    Files.createDirectories(target);
    try (Stream<Path> files = Files.list(source)) {
      for (Path file : files.toList()) {
        Files.copy(file, target.resolve(file.getFileName()));
      }
    }
    return target;
  }

  @Test
  void theEmbedderNamesTheModelAndHashesItsFilesNotItsFolder() throws Exception {
    Path a = copy("tiny-a");
    TextModelInfo info;
    try (BgeM3Embedder embedder = BgeM3Embedder.open(a, CPU)) {
      info = embedder.info();
      assertThat(info.name()).isEqualTo("bge-m3");
      assertThat(info.dimension()).isEqualTo(32);
      assertThat(info.maxTokens()).isEqualTo(128);
      assertThat(info.sha256()).matches("[0-9a-f]{64}");
      assertThat(embedder.tokenCount("money owed")).isEqualTo(embedder.model().ids("money owed").length);
      float[][] vectors = embedder.embed(List.of("money owed", "balance due"));
      assertThat(vectors).hasNumberOfRows(2);
      double norm = 0;
      for (float v : vectors[0]) {
        norm += v * v;
      }
      assertThat(norm).isCloseTo(1, org.assertj.core.data.Offset.offset(1e-5));
    }
    Path renamed = temp.resolve("renamed");
    Files.move(a, renamed);
    try (BgeM3Embedder embedder = BgeM3Embedder.open(renamed, CPU)) {
      assertThat(embedder.info()).isEqualTo(info);
    }
    try (BgeM3Embedder other = BgeM3Embedder.open(copy("tiny-b"), CPU)) {
      assertThat(other.info().sha256()).isNotEqualTo(info.sha256());
      assertThat(other.info().dimension()).isEqualTo(48);
      assertThat(other.info().maxTokens()).isEqualTo(64);
    }
  }

  @Test
  void aFolderWithoutAHeadIsRefused() throws Exception {
    Path folder = copy("tiny-a");
    Files.delete(folder.resolve("colbert_linear.pt"));
    assertThatThrownBy(() -> BgeM3Model.open(folder, CPU))
        .isInstanceOf(IOException.class).hasMessageContaining("has no colbert_linear.pt");
  }

  @Test
  void aPytorchBinOnlyFolderIsRefusedWithAConversionHint() throws Exception {
    Path folder = copy("tiny-a");
    Files.move(folder.resolve("model.safetensors"), folder.resolve("pytorch_model.bin"));
    assertThatThrownBy(() -> BgeM3Model.open(folder, CPU))
        .isInstanceOf(IOException.class).hasMessageContaining("only pytorch_model.bin")
        .hasMessageContaining("safe_serialization=True");
  }

  @Test
  void headsOfAnotherModelAreRefused() throws Exception {
    Path folder = copy("tiny-a");
    Files.copy(BgeM3ParityTest.fixture("tiny-b").resolve("sparse_linear.pt"),
        folder.resolve("sparse_linear.pt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    assertThatThrownBy(() -> BgeM3Model.open(folder, CPU))
        .isInstanceOf(IOException.class).hasMessageContaining("hidden size 32");
  }

  @Test
  void notAFolderOrNotXlmRobertaIsRefused() throws Exception {
    assertThatThrownBy(() -> BgeM3Model.open(temp.resolve("missing"), CPU))
        .isInstanceOf(IOException.class).hasMessageContaining("is not a folder");
    assertThatThrownBy(() -> BgeM3Model.open(temp, CPU))
        .isInstanceOf(IOException.class).hasMessageContaining("has no config.json");
    Path folder = copy("tiny-a");
    Path config = folder.resolve("config.json");
    Files.writeString(config, Files.readString(config).replace("\"xlm-roberta\"", "\"bert\""));
    assertThatThrownBy(() -> BgeM3Model.open(folder, CPU))
        .isInstanceOf(IOException.class).hasMessageContaining("not \"xlm-roberta\"");
  }
}
