package dev.quire.cli;

import static dev.quire.cli.CliTest.quire;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.cli.CliTest.Result;
import dev.quire.samples.CorpusManifest;
import dev.quire.samples.SyntheticCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commands with a real model: the tiny random ColQwen3 checkpoints the encoder's parity tests
 * use, in the Hugging Face layout, run through the whole pipeline.
 */
class ModelCliTest {

  private static final Path REFERENCE = Path.of("../model/src/test/resources/reference").toAbsolutePath().normalize();
  private static final String MODEL = REFERENCE.resolve("colqwen3-tiny-128").toString();
  private static final String LORA = REFERENCE.resolve("colqwen3-tiny-128-lora").toString();
  /** The adapter the training module trained and saved in PEFT's layout (issue 29, milestone 3). */
  private static final String TRAINED = Path.of("../training/src/test/resources/dev/quire/training/trained/colqwen3-tiny-128-trained")
      .toAbsolutePath().normalize().toString();

  @TempDir static Path dir;
  static Path corpus;
  static CorpusManifest manifest;

  @BeforeAll
  static void corpus() throws IOException {
    corpus = dir.resolve("corpus");
    manifest = SyntheticCorpus.generate(corpus, 3, 5);
  }

  @Test
  void indexesAndSearchesWithTheModel() {
    String index = dir.resolve("index-model").toString();
    Result indexed = quire("index", "--quiet", "--index", index, "--model", MODEL, corpus.toString());
    assertThat(indexed.exitCode()).as(indexed.err()).isZero();
    int pages = manifest.pageCount();
    assertThat(indexed.out()).contains("(" + pages + " pages, " + pages + " embedded)");

    Result info = quire("info", "--index", index);
    assertThat(info.out()).contains("with vectors   " + pages).contains("colqwen3-tiny-128 (dimension 128");

    Result search = quire("search", "--index", index, "--model", MODEL, "-k", "3", "invoice total due");
    assertThat(search.exitCode()).as(search.err()).isZero();
    assertThat(search.out()).contains("  1.").contains("[bm25 > hamming > half |").contains("encode-query");

    Result exhaustive = quire("search", "--index", index, "--model", MODEL, "--first-stage", "exhaustive",
        "--scorers", "half", "-k", "100", "zzzz no such words");
    assertThat(exhaustive.exitCode()).as(exhaustive.err()).isZero();
    assertThat(exhaustive.out().lines().filter(line -> line.matches(" *\\d+\\. .*"))).hasSize(pages);
  }

  @Test
  void anotherModelIsRefusedOnAnEmbeddedIndex() {
    String index = dir.resolve("index-mismatch").toString();
    assertThat(quire("index", "--quiet", "--index", index, "--model", MODEL, corpus.toString()).exitCode()).isZero();
    Result adapted = quire("search", "--index", index, "--model", MODEL, "--lora", LORA, "total");
    assertThat(adapted.exitCode()).isEqualTo(1);
    assertThat(adapted.err()).contains("colqwen3-tiny-128");
  }

  @Test
  void indexesAndSearchesWithATrainedAdapterAndRefusesOtherAdapters() {
    String index = dir.resolve("index-trained").toString();
    Result indexed = quire("index", "--quiet", "--index", index, "--model", MODEL, "--lora", TRAINED, corpus.toString());
    assertThat(indexed.exitCode()).as(indexed.err()).isZero();
    Result info = quire("info", "--index", index);
    assertThat(info.out()).contains("colqwen3-tiny-128+colqwen3-tiny-128-trained (dimension 128");

    Result search = quire("search", "--index", index, "--model", MODEL, "--lora", TRAINED, "-k", "3", "invoice total due");
    assertThat(search.exitCode()).as(search.err()).isZero();
    assertThat(search.out()).contains("  1.");

    // the index's stamp holds the adapter: the bare model and another adapter are other models
    Result bare = quire("search", "--index", index, "--model", MODEL, "total");
    assertThat(bare.exitCode()).isEqualTo(1);
    assertThat(bare.err()).contains("colqwen3-tiny-128-trained");
    Result other = quire("search", "--index", index, "--model", MODEL, "--lora", LORA, "total");
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.err()).contains("colqwen3-tiny-128-trained");
  }

  @Test
  void embedWritesQueriesAndImages() throws IOException {
    Path queries = dir.resolve("queries.json");
    Result embedded = quire("embed", "--model", MODEL, "--query", "total due", "--query", "revenue", "--out", queries.toString());
    assertThat(embedded.exitCode()).as(embedded.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(queries.toFile());
    assertThat(json.get("dimension").asInt()).isEqualTo(128);
    assertThat(json.get("items")).hasSize(2);
    for (JsonNode item : json.get("items")) {
      JsonNode vectors = item.get("embeddings");
      assertThat(vectors).hasSize(item.get("input_ids").size());
      double norm = 0;
      for (JsonNode x : vectors.get(0)) {
        norm += x.asDouble() * x.asDouble();
      }
      assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    }

    Path image = REFERENCE.resolve("images/tiny_icon.png");
    Path pages = dir.resolve("pages.safetensors");
    Result images = quire("embed", "--model", MODEL, "--image", image.toString(), "--out", pages.toString());
    assertThat(images.exitCode()).as(images.err()).isZero();
    assertThat(Files.size(pages)).isGreaterThan(128 * 4);

    Result noModel = quire("embed", "--query", "x", "--out", dir.resolve("x.json").toString());
    assertThat(noModel.exitCode()).isEqualTo(2);
    assertThat(noModel.err()).contains("needs --model");
  }
}
