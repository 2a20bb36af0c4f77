package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.encoder.MultiVector;
import dev.quire.index.PageFilter;
import dev.quire.indexing.IndexReport;
import dev.quire.retrieval.FirstStage;
import dev.quire.retrieval.Scorer;
import dev.quire.retrieval.SearchConfig;
import dev.quire.retrieval.SearchHit;
import dev.quire.retrieval.SearchRequest;
import dev.quire.retrieval.SearchResults;
import dev.quire.retrieval.SearchStats;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.imageio.ImageIO;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuireTest {

  @TempDir Path dir;
  Path corpus;
  Path indexDir;

  @BeforeEach
  void corpus() throws IOException {
    corpus = Files.createDirectories(dir.resolve("corpus"));
    indexDir = dir.resolve("index");
    for (String colour : List.of("red", "blue", "green")) {
      ImageIO.write(ColorTestEncoder.solid(colour, 96, 128), "png", corpus.resolve(colour + ".png").toFile());
    }
    writePdf(
        corpus.resolve("report.pdf"),
        "Quarterly revenue grew in the northern region.",
        "The employee handbook describes the vacation policy.");
  }

  @Test
  void withoutAModelSearchIsBm25AndSaysSo() throws IOException {
    try (Quire quire = Quire.open(indexDir)) {
      IndexReport report = quire.index(List.of(corpus));
      assertThat(report.indexed()).hasSize(4);
      assertThat(report.notes()).anyMatch(n -> n.contains("no model"));

      SearchResults results = quire.search("vacation policy", 5);
      assertThat(results.hits()).isNotEmpty();
      SearchHit top = results.hits().get(0);
      assertThat(top.sourcePath()).endsWith("report.pdf");
      assertThat(top.pageNumber()).isEqualTo(2);
      assertThat(top.snippet().matched()).anyMatch(m -> m.equalsIgnoreCase("vacation"));
      assertThat(results.stats().pipeline()).isEqualTo("bm25");
      assertThat(results.stats().notes()).anyMatch(n -> n.contains("BM25 only"));
    }
  }

  @Test
  void exhaustiveSearchFindsImageOnlyPagesByTheirPixels() throws IOException {
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      IndexReport report = quire.index(List.of(corpus));
      assertThat(report.pagesEmbedded()).isEqualTo(5);

      for (String colour : List.of("red", "blue", "green")) {
        SearchResults results = quire.search(request(colour, 3, FirstStage.EXHAUSTIVE, "hamming,half"));
        assertThat(results.hits().get(0).sourcePath()).endsWith(colour + ".png");
        assertThat(results.stats().pipeline()).isEqualTo("hamming > half");
      }
    }
  }

  @Test
  void rescoredOrderIsTheExactMaxSimOrder() throws IOException {
    ColorTestEncoder encoder = new ColorTestEncoder();
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), encoder)) {
      quire.index(List.of(corpus));
      String query = "red blue white quarterly";
      for (String chain : List.of("half", "asymmetric", "hamming")) {
        SearchResults results = quire.search(request(query, 10, FirstStage.EXHAUSTIVE, chain));
        assertThat(results.hits()).hasSize(5);
        MultiVector q = encoder.encodeQueries(List.of(query)).get(0);
        float previous = Float.POSITIVE_INFINITY;
        for (SearchHit hit : results.hits()) {
          BufferedImage stored =
              ImageIO.read(quire.pageImage(hit.documentId(), hit.pageNumber(), false).orElseThrow().toFile());
          MultiVector page = encoder.encodePages(List.of(stored)).get(0);
          float exact = exactMaxSim(q, page);
          if (chain.equals("half")) {
            assertThat(hit.score()).isCloseTo(exact, org.assertj.core.data.Offset.offset(1e-2f));
          }
          assertThat(hit.score()).isLessThanOrEqualTo(previous);
          previous = hit.score();
        }
      }
    }
  }

  @Test
  void fusionMergesTheTextAndTheVisualRankings() throws IOException {
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      quire.index(List.of(corpus));
      SearchResults results = quire.search(request("green revenue", 5, FirstStage.FUSION, "half"));
      List<String> top2 = results.hits().stream().limit(2).map(h -> Path.of(h.sourcePath()).getFileName().toString()).toList();
      assertThat(top2).containsExactlyInAnyOrder("green.png", "report.pdf");
      assertThat(results.stats().pipeline()).isEqualTo("bm25 > half > fusion");
    }
  }

  @Test
  void thePrefilterPassesDepthTimesRatioOnAndTheRestFollowInItsOrder() throws IOException {
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      quire.index(List.of(corpus));
      String query = "red green white";
      SearchConfig phased =
          new SearchConfig(FirstStage.EXHAUSTIVE, 4, List.of(Scorer.HAMMING, Scorer.HALF), 0.5, 60);
      SearchResults results = quire.search(new SearchRequest(query, 5, Set.of(), phased));
      var stages = results.stats().stages();
      assertThat(stages).extracting(s -> s.name()).containsExactly("encode-query", "hamming", "half");
      assertThat(stages.get(1).inputPages()).isEqualTo(5);
      assertThat(stages.get(1).outputPages()).isEqualTo(2);
      assertThat(stages.get(2).inputPages()).isEqualTo(2);
      assertThat(results.hits()).hasSize(5);

      SearchConfig hammingOnly = phased.withScorers(List.of(Scorer.HAMMING));
      List<Long> hammingOrder = quire.search(new SearchRequest(query, 5, Set.of(), hammingOnly))
          .hits().stream().map(SearchHit::pageId).toList();
      List<Long> phasedOrder = results.hits().stream().map(SearchHit::pageId).toList();
      assertThat(phasedOrder.subList(0, 2)).containsExactlyInAnyOrderElementsOf(hammingOrder.subList(0, 2));
      assertThat(phasedOrder.subList(2, 5)).containsExactlyElementsOf(hammingOrder.subList(2, 5));
    }
  }

  @Test
  void anEmptyScorerChainIsBm25EvenWithAModel() throws IOException {
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      quire.index(List.of(corpus));
      SearchConfig bm25 = SearchConfig.defaults().withScorers(SearchConfig.parseScorers("none"));
      SearchResults results = quire.search(new SearchRequest("vacation policy", 3, Set.of(), bm25));
      assertThat(results.stats().pipeline()).isEqualTo("bm25");
      assertThat(results.stats().notes()).isEmpty();
      assertThat(results.hits().get(0).pageNumber()).isEqualTo(2);
      assertThatThrownBy(() -> SearchConfig.defaults().withFirstStage(FirstStage.EXHAUSTIVE).withScorers(List.of()))
          .hasMessageContaining("needs a scorer");
    }
  }

  @Test
  void aPrecomputedQueryEmbeddingGivesTheSameResultsAndNoEncodingStage() throws IOException {
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      quire.index(List.of(corpus));
      SearchRequest request = request("blue quarterly", 5, FirstStage.EXHAUSTIVE, "half").withoutSnippets();
      SearchResults direct = quire.search(request);
      SearchResults given = quire.search(request, quire.embedText("blue quarterly").multiVector());
      assertThat(given.hits()).isEqualTo(direct.hits());
      assertThat(given.hits()).allMatch(h -> h.snippet().isEmpty());
      assertThat(direct.stats().stages()).extracting(s -> s.name()).contains("encode-query");
      assertThat(given.stats().stages()).extracting(s -> s.name()).doesNotContain("encode-query");
    }
  }

  @Test
  void bm25CandidatesAreRescoredByTheirEmbeddings() throws IOException {
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      quire.index(List.of(corpus));
      SearchResults results = quire.search(request("revenue", 5, FirstStage.BM25, "half"));
      assertThat(results.hits()).hasSize(1);
      assertThat(results.stats().pipeline()).isEqualTo("bm25 > half");
    }
  }

  @Test
  void reindexingSkipsUnchangedFilesAndReplacesChangedOnes() throws IOException {
    try (Quire quire = Quire.open(indexDir)) {
      quire.index(List.of(corpus));
      IndexReport again = quire.index(List.of(corpus));
      assertThat(again.indexed()).isEmpty();
      assertThat(again.unchanged()).hasSize(4);

      writePdf(corpus.resolve("report.pdf"), "Annual dividend policy for shareholders.");
      IndexReport changed = quire.index(List.of(corpus));
      assertThat(changed.indexed()).hasSize(1);
      assertThat(quire.search("vacation", 5).hits()).isEmpty();
      assertThat(quire.search("dividend", 5).hits()).hasSize(1);
      assertThat(quire.info().pages()).isEqualTo(4);
    }
  }

  @Test
  void brokenFilesAreReportedAndTheRestIsIndexed() throws IOException {
    Files.writeString(corpus.resolve("broken.pdf"), "%PDF-1.7\nthis is not a pdf");
    Files.write(corpus.resolve("empty.png"), new byte[0]);
    try (Quire quire = Quire.open(indexDir)) {
      IndexReport report = quire.index(List.of(corpus));
      assertThat(report.indexed()).hasSize(4);
      assertThat(report.skipped())
          .extracting(s -> s.file().getFileName().toString())
          .containsExactlyInAnyOrder("broken.pdf", "empty.png");
      assertThat(report.skipped()).allMatch(s -> !s.reason().isBlank() && !s.message().isBlank());
    }
  }

  @Test
  void anIndexEmbeddedWithOneModelRefusesAnother() throws IOException {
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      quire.index(List.of(corpus.resolve("red.png")));
    }
    assertThatThrownBy(
            () -> Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder("another-model")))
        .hasMessageContaining("another-model")
        .hasMessageContaining("color-test-encoder");
    try (Quire quire = Quire.open(indexDir)) {
      assertThatThrownBy(() -> quire.index(List.of(corpus.resolve("blue.png"))))
          .hasMessageContaining("color-test-encoder");
      assertThatThrownBy(() -> quire.search(request("red", 3, FirstStage.EXHAUSTIVE, "half")))
          .hasMessageContaining("no model");
    }
  }

  @Test
  void deletingADocumentRemovesItFromEveryStage() throws IOException {
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      quire.index(List.of(corpus));
      String red = quire.search(request("red", 1, FirstStage.EXHAUSTIVE, "half")).hits().get(0).documentId();
      assertThat(quire.delete(red)).isTrue();
      assertThat(quire.delete(red)).isFalse();
      SearchResults after = quire.search(request("red", 5, FirstStage.EXHAUSTIVE, "half"));
      assertThat(after.hits()).hasSize(4).noneMatch(h -> h.documentId().equals(red));
      assertThat(quire.pageImage(red, 1, false)).isEmpty();
    }
  }

  @Test
  void aDocumentFilterRestrictsEveryFirstStage() throws IOException {
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      quire.index(List.of(corpus));
      String blue = quire.search(request("blue", 1, FirstStage.EXHAUSTIVE, "half")).hits().get(0).documentId();
      for (FirstStage stage : FirstStage.values()) {
        if (stage.needsTextVectors()) {
          continue; // no text embedder here: TextVectorIndexingTest filters the dense stages
        }
        SearchConfig config = SearchConfig.defaults().withFirstStage(stage).withScorers(List.of(Scorer.HALF));
        SearchResults results = quire.search(new SearchRequest("red revenue", 5, Set.of(blue), config));
        assertThat(results.hits()).allMatch(h -> h.documentId().equals(blue));
      }
    }
  }

  /** document, page and score of each hit, in rank order. */
  private static List<String> ranking(SearchResults results) {
    return results.hits().stream().map(h -> h.documentId() + "#" + h.pageNumber() + " " + h.score()).toList();
  }

  @Test
  void aMetadataFilterGivesTheUnfilteredHitsWhoseDocumentsPass() throws IOException {
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      quire.index(List.of(corpus));
      for (FirstStage stage : FirstStage.values()) {
        if (stage.needsTextVectors()) {
          continue; // no text embedder here
        }
        SearchConfig config = SearchConfig.defaults().withFirstStage(stage).withScorers(List.of(Scorer.HALF));
        SearchResults all = quire.search(new SearchRequest("red revenue", 10, PageFilter.NONE, config));
        for (Map<String, String> metadata : List.of(Map.of("fileName", "blue.png"),
            Map.of("fileName", "report.pdf"), Map.of("fileName", "purple.png"))) {
          // what the server did before the index resolved filters: scan every document's metadata
          Set<String> passing = new HashSet<>();
          quire.documents().stream()
              .filter(d -> d.metadata().entrySet().containsAll(metadata.entrySet()))
              .forEach(d -> passing.add(d.documentId()));
          SearchResults filtered = quire.search(new SearchRequest("red revenue", 10, PageFilter.metadata(metadata), config));
          List<String> before = passing.isEmpty() ? List.of()
              : ranking(quire.search(new SearchRequest("red revenue", 10, passing, config)));
          assertThat(ranking(filtered)).as(stage + " " + metadata).isEqualTo(before);
          if (stage != FirstStage.FUSION) { // fusion scores by rank, which a filter changes
            assertThat(ranking(filtered)).as(stage + " " + metadata).isEqualTo(all.hits().stream()
                .filter(h -> passing.contains(h.documentId()))
                .map(h -> h.documentId() + "#" + h.pageNumber() + " " + h.score()).toList());
          }
          if (passing.isEmpty()) {
            assertThat(filtered.stats().notes()).contains("the filters match no document");
          }
        }
        if (stage == FirstStage.EXHAUSTIVE) {
          // the best page for "red" does not pass: it is not scored at all
          SearchResults notRed = quire.search(new SearchRequest("red", 10,
              PageFilter.metadata(Map.of("fileName", "blue.png")), config));
          assertThat(notRed.hits()).extracting(SearchHit::sourcePath).allMatch(p -> p.endsWith("blue.png"));
          assertThat(notRed.stats().stages()).filteredOn(s -> s.name().equals("half"))
              .extracting(SearchStats.Stage::inputPages).containsExactly(1);
        }
      }
    }
  }

  @Test
  void aSimilarityMapShowsWhereEachQueryTokenMatched() throws IOException {
    Path half = corpus.resolve("half.png");
    BufferedImage image = ColorTestEncoder.solid("white", 128, 128);
    java.awt.Graphics2D g = image.createGraphics();
    g.setColor(new java.awt.Color(ColorTestEncoder.RGB[0]));
    g.fillRect(0, 0, 128, 64); // top half red
    g.dispose();
    ImageIO.write(image, "png", half.toFile());
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      quire.index(List.of(half));
      String id = quire.documents().get(0).documentId();
      var map = quire.similarityMap("red white", id, 1).orElseThrow();
      assertThat(map.rows()).isEqualTo(4);
      assertThat(map.cols()).isEqualTo(4);
      assertThat(map.tokens()).hasSize(2);
      var red = map.tokens().get(0);
      var white = map.tokens().get(1);
      assertThat(red.best() / 4).isLessThan(2);
      assertThat(white.best() / 4).isGreaterThanOrEqualTo(2);
      for (int cell = 0; cell < 16; cell++) {
        boolean top = cell / 4 < 2;
        assertThat(red.scores()[cell] > white.scores()[cell]).isEqualTo(top);
      }
      assertThat(red.maxSim()).isCloseTo(1f, org.assertj.core.data.Offset.offset(1e-2f));
    }
  }

  @Test
  void embeddingsComeWithAPooledUnitVector() throws IOException {
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir), new ColorTestEncoder())) {
      var text = quire.embedText("red blue");
      assertThat(text.multiVector().tokens()).isEqualTo(2);
      double norm = 0;
      for (float v : text.pooled()) {
        norm += v * v;
      }
      assertThat(norm).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-5));
      assertThat(quire.embedImage(ColorTestEncoder.solid("green", 32, 32)).multiVector().tokens())
          .isEqualTo(16);
    }
    try (Quire quire = Quire.open(indexDir)) {
      assertThatThrownBy(() -> quire.embedText("red")).hasMessageContaining("no model");
    }
  }

  @Test
  void aCancelledJobResumesWithoutRedoingStoredPages() throws IOException {
    Path book = dir.resolve("book.pdf");
    writePdf(book, "Chapter one.", "Chapter two.", "Chapter three.", "Chapter four.", "Chapter five.");
    try (Quire quire = Quire.open(QuireConfig.defaults(indexDir).withEncodeBatchSize(1), null)) {
      List<String> finished = new java.util.ArrayList<>();
      IndexReport first =
          quire.index(
              List.of(book),
              new dev.quire.indexing.IndexListener() {
                int pages;

                @Override
                public void pageIndexed(dev.quire.datasets.SourceInfo source, int page) {
                  pages++;
                }

                @Override
                public void documentFinished(Path file, IndexReport.Outcome outcome) {
                  finished.add(file.getFileName().toString());
                }

                @Override
                public boolean cancelled() {
                  return pages >= 3;
                }
              });
      assertThat(first.cancelled()).isTrue();
      assertThat(first.notes()).anyMatch(n -> n.contains("cancelled"));
      assertThat(finished).isEmpty();
      assertThat(quire.documents()).isEmpty();

      IndexReport second = quire.index(List.of(book));
      assertThat(second.cancelled()).isFalse();
      assertThat(second.pagesResumed()).isEqualTo(3);
      assertThat(second.pagesIndexed()).isEqualTo(5);
      assertThat(quire.info().pages()).isEqualTo(5);
      assertThat(quire.search("chapter", 10).hits()).hasSize(5);
    }
  }

  private static SearchRequest request(String query, int k, FirstStage stage, String chain) {
    SearchConfig config =
        SearchConfig.defaults().withFirstStage(stage).withScorers(SearchConfig.parseScorers(chain));
    return new SearchRequest(query, k, Set.of(), config);
  }

  static float exactMaxSim(MultiVector q, MultiVector d) {
    float total = 0;
    for (int i = 0; i < q.tokens(); i++) {
      float best = Float.NEGATIVE_INFINITY;
      for (int j = 0; j < d.tokens(); j++) {
        float dot = 0;
        for (int x = 0; x < q.dimension(); x++) {
          dot += q.values()[i * q.dimension() + x] * d.values()[j * d.dimension() + x];
        }
        best = Math.max(best, dot);
      }
      total += best;
    }
    return total;
  }

  static void writePdf(Path file, String... pages) throws IOException {
    try (PDDocument pdf = new PDDocument()) {
      for (String text : pages) {
        PDPage page = new PDPage();
        pdf.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(pdf, page)) {
          content.beginText();
          content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 14);
          content.newLineAtOffset(72, 700);
          content.showText(text);
          content.endText();
        }
      }
      pdf.save(file.toFile());
    }
  }
}
