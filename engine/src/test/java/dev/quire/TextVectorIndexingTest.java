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
