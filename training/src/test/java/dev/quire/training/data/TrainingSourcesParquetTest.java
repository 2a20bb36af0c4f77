package dev.quire.training.data;

import static dev.quire.datasets.vidore.ParquetFixtures.writeTable;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.io.api.Binary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training examples from the datasets module's ViDoRe fixtures (a v1 question-answer table, v2 and
 * v3 BEIR folders, all split "test") and from tiny tables written here with rows that must be
 * skipped.
 */
class TrainingSourcesParquetTest {

  private static final Path VIDORE = Path.of("../datasets/src/test/resources/vidore").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void aViDoReTableGivesAnExamplePerRowWithAQueryAndSharesRepeatedPages() throws IOException {
    // docvqa_mini: 10 rows over two shards, 3 without a query; doc_a_p1.png and doc_b_p1.png asked twice
    TrainingData data = TrainingSources.vidore(VIDORE.resolve("v1/docvqa_mini"), "test", 5, 0);
    assertThat(data.report().summary()).isEqualTo("7 examples; skipped 3 empty queries and 0 unreadable pages");
    assertThat(data.report().skipped()).containsExactly("row 1 (doc_a_p2.png): empty query",
        "row 5 (doc_c_p1.png): empty query", "row 8 (doc_a_p2.png): empty query");
    assertThat(data.train()).extracting(TrainingExample::id)
        .containsExactly("row-0", "row-2", "row-3", "row-4", "row-6", "row-7", "row-9");
    assertThat(data.train()).extracting(e -> e.positive().document())
        .containsExactly("doc_a", "doc_b", "doc_b", "doc_a", "doc_c", "doc_b", "doc_d");
    TrainingExample first = data.train().get(0);
    assertThat(first.query()).isEqualTo("What is the total?");
    // one page object (one copy of its bytes) for the two rows that name doc_a_p1.png
    assertThat(data.train().get(3).positive()).isSameAs(first.positive());
    BufferedImage red = ((PageRef.DatasetPage) first.positive()).decode();
    assertThat(red.getWidth()).isEqualTo(6);
    assertThat(red.getRGB(0, 0) & 0xFFFFFF).isEqualTo(0xFF0000);
  }

  @Test
  void theHeldOutSplitIsByDocumentWithoutLeakageAndRepeatsForTheSeed() throws IOException {
    Path folder = VIDORE.resolve("v1/docvqa_mini");
    TrainingData data = TrainingSources.vidore(folder, "test", 7, 0.5);
    Set<String> trainedDocuments = documents(data.train());
    Set<String> heldDocuments = documents(data.heldOut());
    assertThat(heldDocuments).hasSize(2).doesNotContainAnyElementsOf(trainedDocuments); // round(4 x 0.5)
    assertThat(trainedDocuments).hasSize(2);
    Set<PageRef> trainedPages = new HashSet<>();
    data.train().forEach(e -> trainedPages.add(e.positive()));
    assertThat(data.heldOut()).extracting(TrainingExample::positive).doesNotContainAnyElementsOf(trainedPages);
    assertThat(data.train().size() + data.heldOut().size()).isEqualTo(7);
    assertThat(TrainingSources.vidore(folder, "test", 7, 0.5).heldOut()).extracting(TrainingExample::id)
        .containsExactlyElementsOf(data.heldOut().stream().map(TrainingExample::id).toList());
  }

  @Test
  void rowsWithoutAQueryOrAReadableImageAreSkippedAndNamed() throws IOException {
    byte[] png = png(0x00FF00);
    Path folder = dir.resolve("train-set");
    writeTable(folder, """
        message schema {
          optional binary query (STRING);
          optional group image { optional binary bytes; optional binary path (STRING); }
          optional binary image_filename (STRING);
          optional group neg_image { optional binary bytes; optional binary path (STRING); }
        }""", List.of(
        row("where is the total?", png, "images/inv001_1.png", png),
        row("", png, "images/inv001_2.png", null),
        row("a corrupt page", "not an image at all".getBytes(), "images/bad_1.png", null),
        row("the same corrupt page again", png, "images/bad_1.png", null),
        row("a page without bytes", null, "images/empty_1.png", null),
        row("a PNG cut after its signature", Arrays.copyOf(png, 12), "images/cut_3.png", null),
        row("a corrupt negative", png, "images/inv002_1.png", "garbage".getBytes()),
        row("who signed?", png, "images/inv002_2.png", null)));
    TrainingData data = TrainingSources.vidore(folder, "test", 1, 0);
    DataReport report = data.report();
    assertThat(report.summary()).isEqualTo("2 examples; skipped 1 empty queries and 4 unreadable pages");
    assertThat(String.join("\n", report.skipped())).contains(
        "row 1 (images/inv001_2.png): empty query",
        "row 2 (images/bad_1.png): 19 bytes in no image format a reader knows",
        "row 4 (images/empty_1.png): no image bytes",
        "row 5 (images/cut_3.png): the image header cannot be read",
        "row 6 (images/inv002_1.png) neg_image: 7 bytes in no image format");
    assertThat(report.skipped()).hasSize(5); // the repeated corrupt page is named once
    assertThat(data.train()).extracting(TrainingExample::id).containsExactly("row-0", "row-7");
    TrainingExample withNegative = data.train().get(0);
    assertThat(withNegative.negatives()).singleElement().extracting(PageRef::toString).isEqualTo("row-0-negative");
    assertThat(withNegative.positive().document()).isEqualTo("inv001");
    assertThat(data.train().get(1).negatives()).isEmpty();
  }

  @Test
  void pixelsCorruptBehindASoundHeaderPassTheCheckAndFailWhenDecodedNamingThePage() {
    byte[] png = png(0x123456);
    byte[] cut = Arrays.copyOf(png, 8 + 25 + 10); // signature, IHDR, a piece of IDAT
    assertThat(DatasetSources.whyUnreadable(png)).isNull();
    assertThat(DatasetSources.whyUnreadable(cut)).isNull();
    assertThatThrownBy(() -> new PageRef.DatasetPage("scan_2.png", "scan", cut).decode())
        .isInstanceOf(IOException.class).hasMessageContaining("page scan_2.png");
  }

  @Test
  void aBeirFolderGivesAnExamplePerRelevantPageSplitByItsDocuments() throws IOException {
    // esg_mini qrels: q0 -> pages 1, 3; q1 -> 2 (listed twice, last score 2); q2 -> 4, 0; doc-id report_1..3
    TrainingData data = TrainingSources.beir(VIDORE.resolve("v2/esg_mini"), "test", 3, 0);
    assertThat(data.report().summary()).isEqualTo("5 examples; skipped 0 empty queries and 0 unreadable pages");
    assertThat(data.train()).extracting(TrainingExample::id).containsExactly("0/1", "0/3", "1/2", "2/4", "2/0");
    assertThat(data.train()).extracting(e -> e.positive().document())
        .containsExactly("report_1", "report_2", "report_2", "report_3", "report_1");
    assertThat(data.train().get(2).query()).isEqualTo("Quelle est la part d'énergie renouvelable ?");

    TrainingData split = TrainingSources.beir(VIDORE.resolve("v2/esg_mini"), "test", 3, 0.34);
    assertThat(documents(split.heldOut())).hasSize(1).doesNotContainAnyElementsOf(documents(split.train()));

    // hr_mini: corpus over two shards, pages 0-2 of eu_labour_2024 and 3-5 of social_report (doc_id)
    TrainingData v3 = TrainingSources.beir(VIDORE.resolve("v3/hr_mini"), "test", 3, 0);
    assertThat(v3.train()).extracting(TrainingExample::id)
        .containsExactly("0/0", "0/1", "1/0", "1/1", "2/4", "3/4", "3/3");
    assertThat(v3.train()).extracting(e -> e.positive().document()).containsExactly("eu_labour_2024",
        "eu_labour_2024", "eu_labour_2024", "eu_labour_2024", "social_report", "social_report", "social_report");
  }

  @Test
  void aBeirFolderSkipsEmptyQueriesUnreadablePagesAndPagesMissingFromTheCorpus() throws IOException {
    byte[] png = png(0x0000FF);
    Path folder = dir.resolve("beir");
    writeTable(folder.resolve("corpus"), """
        message schema {
          optional int64 corpus-id;
          optional group image { optional binary bytes; optional binary path (STRING); }
        }""", List.of(page(0, png), page(1, "broken".getBytes()), page(2, null), page(3, png)));
    writeTable(folder.resolve("queries"), """
        message schema { optional int64 query-id; optional binary query (STRING); }""", List.of(
        row -> row.append("query-id", 10L).append("query", "first"),
        row -> row.append("query-id", 11L),
        row -> row.append("query-id", 12L).append("query", "second")));
    writeTable(folder.resolve("qrels"), """
        message schema { optional int64 query-id; optional int64 corpus-id; optional int64 score; }""", List.of(
        qrel(10, 0, 1), qrel(10, 1, 1), qrel(10, 3, 0), qrel(11, 3, 1), qrel(12, 2, 1), qrel(12, 9, 2),
        qrel(12, 3, 1)));
    TrainingData data = TrainingSources.beir(folder, "test", 1, 0);
    assertThat(data.report().summary()).isEqualTo("2 examples; skipped 1 empty queries and 3 unreadable pages");
    assertThat(data.train()).extracting(TrainingExample::id).containsExactly("10/0", "12/3");
    // without a doc-id column each page is its own document
    assertThat(data.train()).extracting(e -> e.positive().document()).containsExactly("0", "3");
    assertThat(String.join("\n", data.report().skipped())).contains("corpus page 1: 6 bytes in no image format",
        "corpus page 2: no image bytes", "query 11: empty query", "corpus page 9: not in the corpus");
  }

  @Test
  void theDocumentOfAFileNameDropsFoldersExtensionAndPageNumber() {
    assertThat(DatasetSources.documentOf("doc_a_p1.png")).isEqualTo("doc_a");
    assertThat(DatasetSources.documentOf("images/ffbf0023_4.png")).isEqualTo("ffbf0023");
    assertThat(DatasetSources.documentOf("images/1810.07757_3.jpg")).isEqualTo("1810.07757");
    assertThat(DatasetSources.documentOf("report-page-12.jpeg")).isEqualTo("report");
    assertThat(DatasetSources.documentOf("cover.png")).isEqualTo("cover");
  }

  private static Set<String> documents(List<TrainingExample> examples) {
    return examples.stream().map(e -> e.positive().document()).collect(Collectors.toSet());
  }

  private static Consumer<Group> row(String query, byte[] image, String filename, byte[] negative) {
    return row -> {
      if (query != null) {
        row.append("query", query);
      }
      Group picture = row.addGroup("image");
      if (image != null) {
        picture.append("bytes", Binary.fromConstantByteArray(image));
      }
      row.append("image_filename", filename);
      if (negative != null) {
        row.addGroup("neg_image").append("bytes", Binary.fromConstantByteArray(negative));
      }
    };
  }

  private static Consumer<Group> page(long id, byte[] image) {
    return row -> {
      row.append("corpus-id", id);
      Group picture = row.addGroup("image");
      if (image != null) {
        picture.append("bytes", Binary.fromConstantByteArray(image));
      }
    };
  }

  private static Consumer<Group> qrel(long query, long page, long score) {
    return row -> row.append("query-id", query).append("corpus-id", page).append("score", score);
  }

  private static byte[] png(int rgb) {
    BufferedImage image = new BufferedImage(6, 4, BufferedImage.TYPE_INT_RGB);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 6; x++) {
        image.setRGB(x, y, rgb);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      ImageIO.write(image, "png", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }
}
