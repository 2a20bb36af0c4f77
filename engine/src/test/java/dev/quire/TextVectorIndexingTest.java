package dev.quire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.index.ModelMismatchException;
import dev.quire.textembedding.OnnxTextEmbedder;
import dev.quire.textembedding.TextEmbedder;
import dev.quire.textembedding.TextModelInfo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Indexing with a text embedder: each page's text chunks embedded and stored with the page. */
class TextVectorIndexingTest {

  @TempDir Path dir;

  @Test
  void denseAndHybridFirstStagesFindAParaphraseBm25Misses() throws Exception {
    Path corpus = Files.createDirectories(dir.resolve("corpus-dense"));
    QuireTest.writePdf(corpus.resolve("invoice.pdf"), "Balance due on this invoice: 1,240.00 dollars, payable in 30 days.");
    QuireTest.writePdf(corpus.resolve("handbook.pdf"), "Employees receive twenty five days of vacation each year.");
    QuireTest.writePdf(corpus.resolve("weather.pdf"), "Tomorrow will be sunny with a light breeze from the west.");
    try (TextEmbedder embedder = OnnxTextEmbedder.bgeSmall(OnnxTextEmbedder.Options.defaults());
        Quire quire = Quire.open(QuireConfig.defaults(dir.resolve("index-dense")), null, embedder)) {
      quire.index(List.of(corpus));
      dev.quire.retrieval.SearchConfig bm25 = dev.quire.retrieval.SearchConfig.defaults();
      dev.quire.retrieval.SearchResults lexical = quire.search(
          new dev.quire.retrieval.SearchRequest("money owed", 3, java.util.Set.of(), bm25));
      assertThat(lexical.hits()).as("no word in common").isEmpty();
      for (dev.quire.retrieval.FirstStage stage : List.of(dev.quire.retrieval.FirstStage.DENSE,
          dev.quire.retrieval.FirstStage.HYBRID)) {
        dev.quire.retrieval.SearchResults found = quire.search(new dev.quire.retrieval.SearchRequest(
            "money owed", 3, java.util.Set.of(), bm25.withFirstStage(stage)));
        assertThat(found.hits()).as(stage.label()).isNotEmpty();
        assertThat(found.hits().getFirst().sourcePath()).as(stage.label()).endsWith("invoice.pdf");
        assertThat(found.stats().stages()).extracting(dev.quire.retrieval.SearchStats.Stage::name).contains("dense");
      }
      String weather = quire.documents().stream().filter(d -> d.sourcePath().endsWith("weather.pdf"))
          .findFirst().orElseThrow().documentId();
      assertThat(quire.search(new dev.quire.retrieval.SearchRequest("money owed", 3, java.util.Set.of(weather),
          bm25.withFirstStage(dev.quire.retrieval.FirstStage.HYBRID))).hits())
          .allMatch(h -> h.documentId().equals(weather));
      dev.quire.retrieval.SearchResults vacation = quire.search(new dev.quire.retrieval.SearchRequest(
          "how many days off do staff get", 1, java.util.Set.of(), bm25.withFirstStage(dev.quire.retrieval.FirstStage.HYBRID)));
      assertThat(vacation.hits().getFirst().sourcePath()).endsWith("handbook.pdf");
    }
    try (Quire withoutEmbedder = Quire.open(QuireConfig.defaults(dir.resolve("index-dense")), null)) {
      assertThatThrownBy(() -> withoutEmbedder.search(new dev.quire.retrieval.SearchRequest("money owed", 3,
          java.util.Set.of(), dev.quire.retrieval.SearchConfig.defaults().withFirstStage(dev.quire.retrieval.FirstStage.DENSE))))
          .hasMessageContaining("no text embedding model was given");
    }
  }

  @Test
  void anIndexBuiltWithoutATextModelGainsVectorsOncePerPageAndResumes() throws Exception {
    Path corpus = Files.createDirectories(dir.resolve("corpus-later"));
    QuireTest.writePdf(corpus.resolve("a.pdf"), "Balance due on this invoice.", "");
    QuireTest.writePdf(corpus.resolve("b.pdf"), "Sunny weather tomorrow.");
    QuireTest.writePdf(corpus.resolve("c.pdf"), "The vacation policy.");
    Path index = dir.resolve("index-later");
    try (Quire plain = Quire.open(QuireConfig.defaults(index), null)) {
      plain.index(List.of(corpus));
      assertThat(plain.textModel()).isEmpty();
    }
    try (TextEmbedder embedder = OnnxTextEmbedder.bgeSmall(OnnxTextEmbedder.Options.defaults())) {
      // a run that stops after its first document, as a kill would
      class Stop extends RuntimeException {}
      try (Quire first = Quire.open(QuireConfig.defaults(index), null, embedder)) {
        assertThatThrownBy(() -> first.reembedText((done, total) -> {
          if (done == 1) {
            throw new Stop();
          }
        })).isInstanceOf(Stop.class);
      }
      try (Quire rerun = Quire.open(QuireConfig.defaults(index), null, embedder)) {
        int pages = rerun.reembedText((done, total) -> {});
        assertThat(pages).as("the two documents the first run did not reach").isEqualTo(2);
        assertThat(rerun.reembedText((done, total) -> {})).isZero();
        for (var document : rerun.documents()) {
          assertThat(rerun.pageTextVectors(document.documentId(), 1).orElseThrow()).hasNumberOfRows(1);
        }
        String a = rerun.documents().stream().filter(d -> d.sourcePath().endsWith("a.pdf")).findFirst()
            .orElseThrow().documentId();
        assertThat(rerun.pageTextVectors(a, 2)).as("a page without text has none").isEmpty();
        assertThat(rerun.search(new dev.quire.retrieval.SearchRequest("money owed", 1, java.util.Set.of(),
            dev.quire.retrieval.SearchConfig.defaults().withFirstStage(dev.quire.retrieval.FirstStage.DENSE)))
            .hits().getFirst().sourcePath()).endsWith("a.pdf");
      }
    }
  }

  @Test
  void pagesGainTheirTextChunksVectorsAndAnotherTextModelIsRefused() throws Exception {
    Path corpus = Files.createDirectories(dir.resolve("corpus"));
    String longPage = String.join(" ", java.util.Collections.nCopies(50,
        "the balance due on the invoice is payable within thirty days"));
    QuireTest.writePdf(corpus.resolve("report.pdf"), "The vacation policy grants twenty five days of leave.",
        longPage.substring(0, 1800));
    Path index = dir.resolve("index");
    try (TextEmbedder embedder = OnnxTextEmbedder.bgeSmall(OnnxTextEmbedder.Options.defaults());
        Quire quire = Quire.open(QuireConfig.defaults(index), null, embedder)) {
      quire.index(List.of(corpus));
      String id = quire.documents().getFirst().documentId();
      float[][] first = quire.pageTextVectors(id, 1).orElseThrow();
      assertThat(first).hasNumberOfRows(1);
      assertThat(first[0]).hasSize(384);
      assertThat(first[0]).containsExactly(embedder.embed(quire.pageText(id, 1).orElseThrow()));
      float[][] second = quire.pageTextVectors(id, 2).orElseThrow();
      assertThat(second.length).as("a long page is cut into overlapping chunks").isGreaterThan(1);
    }
    TextEmbedder other = new TextEmbedder() {
      @Override
      public TextModelInfo info() {
        return new TextModelInfo("other", 384, 512, "00");
      }

      @Override
      public float[][] embed(List<String> texts) {
        throw new UnsupportedOperationException();
      }

      @Override
      public int tokenCount(String text) {
        return 0;
      }

      @Override
      public void close() {}
    };
    assertThatThrownBy(() -> Quire.open(QuireConfig.defaults(index), null, other))
        .isInstanceOf(ModelMismatchException.class);
  }
}
