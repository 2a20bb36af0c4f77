package dev.quire.datasets.vidore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.datasets.Qrels;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three ViDoRe layouts, on fixtures written by tools/reference/vidore_fixtures.py with `datasets`. */
class EvalDatasetTest {

  static Path fixture(String name) {
    try {
      return Path.of(EvalDatasetTest.class.getResource("/vidore/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void v1PagesAreTheDistinctImageFilesInFirstSeenOrder() throws IOException {
    EvalDataset dataset = EvalDataset.open(fixture("v1/docvqa_mini"));
    assertThat(dataset.version()).isEqualTo(DatasetVersion.V1);
    List<CorpusPage> pages = pages(dataset);
    assertThat(pages).extracting(CorpusPage::id).containsExactly(
        "doc_a_p1.png", "doc_a_p2.png", "doc_b_p1.png", "doc_b_p2.png", "doc_c_p1.png", "doc_c_p2.png", "doc_d_p1.png");
    assertThat(colours(pages)).containsExactly("red", "green", "blue", "yellow", "magenta", "cyan", "gray");
    assertThat(pages).allSatisfy(page -> assertThat(page.text()).isEmpty());
  }

  @Test
  void v1QueriesAreDeduplicatedLikeTheViDoReQaEvaluator() throws IOException {
    EvalDataset dataset = EvalDataset.open(fixture("v1/docvqa_mini"));
    try (Stream<EvalQuery> queries = dataset.queries()) {
      assertThat(queries.toList()).containsExactly(
          new EvalQuery("0", "What is the total?", Optional.empty()),
          new EvalQuery("1", "Who signed?", Optional.empty()),
          new EvalQuery("2", "When?", Optional.empty()),
          new EvalQuery("3", "How many pages?", Optional.empty()));
    }
    // "What is the total?" is asked on rows 0 (doc_a_p1), 3 (doc_b_p2) and 9 (doc_d_p1): the
    // evaluator's {query: image_filename} dict keeps the last row's page.
    Qrels qrels = dataset.qrels();
    assertThat(qrels.judgments("0")).isEqualTo(Map.of("doc_d_p1.png", 1));
    assertThat(qrels.judgments("1")).isEqualTo(Map.of("doc_b_p1.png", 1));
    assertThat(qrels.judgments("2")).isEqualTo(Map.of("doc_a_p1.png", 1));
    assertThat(qrels.judgments("3")).isEqualTo(Map.of("doc_c_p2.png", 1));
    assertThat(qrels.size()).isEqualTo(4);
  }

  @Test
  void v2ReadsTheBeirConfigsWithHyphenatedIds() throws IOException {
    EvalDataset dataset = EvalDataset.open(fixture("v2/esg_mini"));
    assertThat(dataset.version()).isEqualTo(DatasetVersion.V2);
    List<CorpusPage> pages = pages(dataset);
    assertThat(pages).extracting(CorpusPage::id).containsExactly("0", "1", "2", "3", "4");
    assertThat(colours(pages)).containsExactly("red", "green", "blue", "yellow", "white");
    try (Stream<EvalQuery> queries = dataset.queries()) {
      assertThat(queries.toList()).containsExactly(
          new EvalQuery("0", "What are the scope 1 emissions?", Optional.of("english")),
          new EvalQuery("1", "Quelle est la part d'énergie renouvelable ?", Optional.of("french")),
          new EvalQuery("2", "Which board committee oversees ESG?", Optional.of("english")));
    }
    Qrels qrels = dataset.qrels();
    assertThat(qrels.judgments("0")).containsExactly(Map.entry("1", 1), Map.entry("3", 1));
    assertThat(qrels.judgments("1")).as("a pair listed twice keeps its last score").isEqualTo(Map.of("2", 2));
    assertThat(qrels.judgments("2")).containsExactly(Map.entry("4", 1), Map.entry("0", 1));
  }

  @Test
  void v3ReadsUnderscoredIdsMarkdownAndLanguagesAcrossShards() throws IOException {
    EvalDataset dataset = EvalDataset.open(fixture("v3/hr_mini"));
    assertThat(dataset.version()).isEqualTo(DatasetVersion.V3);
    List<CorpusPage> pages = pages(dataset);
    assertThat(pages).extracting(CorpusPage::id).containsExactly("0", "1", "2", "3", "4", "5");
    assertThat(colours(pages)).containsExactly("red", "green", "blue", "yellow", "magenta", "cyan");
    assertThat(pages.get(0).text()).contains("# Labour market\n\nEmployment rose to 75.3 %.");
    assertThat(pages.get(2).text()).contains("");
    try (Stream<EvalQuery> queries = dataset.queries()) {
      assertThat(queries.map(q -> q.id() + ":" + q.language().orElseThrow()).toList())
          .containsExactly("0:english", "1:french", "2:english", "3:german");
    }
    Qrels qrels = dataset.qrels();
    assertThat(qrels.judgments("0")).containsExactly(Map.entry("0", 2), Map.entry("1", 1));
    assertThat(qrels.judgments("3")).containsExactly(Map.entry("4", 2), Map.entry("3", 1));
    assertThat(qrels.queryIds()).containsExactly("0", "1", "2", "3");
  }

  @Test
  void corpusSizesAndTextColumnsAreKnownBeforeThePagesAreRead() throws IOException {
    EvalDataset v1 = EvalDataset.open(fixture("v1/docvqa_mini"));
    assertThat(v1.corpusSize()).isEqualTo(7);
    assertThat(v1.textColumn()).isEmpty();
    EvalDataset v2 = EvalDataset.open(fixture("v2/esg_mini"));
    assertThat(v2.corpusSize()).isEqualTo(5);
    assertThat(v2.textColumn()).isEmpty();
    EvalDataset v3 = EvalDataset.open(fixture("v3/hr_mini"));
    assertThat(v3.corpusSize()).isEqualTo(6);
    assertThat(v3.textColumn()).contains("markdown");
  }

  @Test
  void theCorpusStreamCanStopEarlyAndBeReopened() throws IOException {
    EvalDataset dataset = EvalDataset.open(fixture("v3/hr_mini"));
    try (Stream<CorpusPage> pages = dataset.corpus()) {
      assertThat(pages.limit(1).map(CorpusPage::id).toList()).containsExactly("0");
    }
    try (Stream<CorpusPage> pages = dataset.corpus()) {
      assertThat(pages.count()).isEqualTo(6);
    }
  }

  @Test
  void anotherSplitIsReadByName(@TempDir Path dir) throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path source = fixture("v1/docvqa_mini/data");
    Files.copy(source.resolve("test-00000-of-00002.parquet"), data.resolve("validation-00000-of-00001.parquet"));
    EvalDataset dataset = EvalDataset.open(dir, "validation");
    assertThat(dataset.qrels().size()).isEqualTo(3);
    assertThatThrownBy(() -> EvalDataset.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("no Parquet file of split \"test\"")
        .hasMessageContaining("validation-00000-of-00001.parquet");
  }

  @Test
  void aFolderThatIsNoDatasetIsRefusedWithTheExpectedLayout(@TempDir Path dir) {
    assertThatThrownBy(() -> EvalDataset.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a ViDoRe dataset folder")
        .hasMessageContaining("data/ (v1)");
  }

  @Test
  void aV1TableWithoutImageFilenamesIsRefusedNamingTheColumns(@TempDir Path dir) throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.copy(fixture("v2/esg_mini/queries/test-00000-of-00001.parquet"), data.resolve("test-00000-of-00001.parquet"));
    assertThatThrownBy(() -> EvalDataset.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("column \"image\" missing")
        .hasMessageContaining("[query-id, query, language, answer]");
  }

  @Test
  void aCorruptParquetFileIsReportedWithItsName(@TempDir Path dir) throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.writeString(data.resolve("test-00000-of-00001.parquet"), "not parquet at all");
    assertThatThrownBy(() -> EvalDataset.open(dir))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("test-00000-of-00001.parquet");
  }

  @Test
  void aTruncatedShardFailsDuringStreamingNamingTheFile(@TempDir Path dir) throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Path source = fixture("v1/docvqa_mini/data");
    Files.copy(source.resolve("test-00000-of-00002.parquet"), data.resolve("test-00000-of-00002.parquet"));
    byte[] second = Files.readAllBytes(source.resolve("test-00001-of-00002.parquet"));
    Files.write(data.resolve("test-00001-of-00002.parquet"), java.util.Arrays.copyOf(second, second.length / 2));
    EvalDataset dataset = EvalDataset.open(dir);
    assertThatThrownBy(() -> {
      try (Stream<CorpusPage> pages = dataset.corpus()) {
        pages.forEach(page -> { });
      }
    }).isInstanceOf(UncheckedIOException.class).hasMessageContaining("test-00001-of-00002.parquet");
  }

  @Test
  void aShardMissingAColumnFailsNamingTheFileAndColumns(@TempDir Path dir) throws IOException {
    Path data = Files.createDirectories(dir.resolve("data"));
    Files.copy(fixture("v1/docvqa_mini/data/test-00000-of-00002.parquet"), data.resolve("test-00000-of-00002.parquet"));
    Files.copy(fixture("v2/esg_mini/queries/test-00000-of-00001.parquet"), data.resolve("test-00001-of-00002.parquet"));
    EvalDataset dataset = EvalDataset.open(dir);
    assertThatThrownBy(() -> {
      try (Stream<CorpusPage> pages = dataset.corpus()) {
        pages.forEach(page -> { });
      }
    }).isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("test-00001-of-00002.parquet")
        .hasMessageContaining("image_filename");
  }

  private static List<CorpusPage> pages(EvalDataset dataset) {
    try (Stream<CorpusPage> pages = dataset.corpus()) {
      return pages.toList();
    }
  }

  private static List<String> colours(List<CorpusPage> pages) throws IOException {
    List<String> names = new ArrayList<>();
    for (CorpusPage page : pages) {
      BufferedImage image = page.decodeImage();
      assertThat(image.getWidth()).isEqualTo(6);
      assertThat(image.getHeight()).isEqualTo(4);
      names.add(colour(image.getRGB(3, 2)));
    }
    return names;
  }

  /** Nearest named colour, so the one JPEG page (lossy) still names its colour. */
  private static String colour(int rgb) {
    int r = (rgb >> 16) & 0xff;
    int g = (rgb >> 8) & 0xff;
    int b = rgb & 0xff;
    Map<String, int[]> named = Map.of(
        "red", new int[] {255, 0, 0}, "green", new int[] {0, 255, 0}, "blue", new int[] {0, 0, 255},
        "yellow", new int[] {255, 255, 0}, "magenta", new int[] {255, 0, 255}, "cyan", new int[] {0, 255, 255},
        "gray", new int[] {128, 128, 128}, "white", new int[] {255, 255, 255});
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Map.Entry<String, int[]> entry : named.entrySet()) {
      int[] c = entry.getValue();
      int d = (r - c[0]) * (r - c[0]) + (g - c[1]) * (g - c[1]) + (b - c[2]) * (b - c[2]);
      if (d < bestDistance) {
        bestDistance = d;
        best = entry.getKey();
      }
    }
    assertThat(bestDistance).as("pixel %06x is close to %s", rgb & 0xffffff, best).isLessThan(30 * 30 * 3);
    return best;
  }
}
