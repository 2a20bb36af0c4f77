package dev.quire.index;

import static dev.quire.index.Fixtures.config;
import static dev.quire.index.Fixtures.document;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Page text vectors: stored with the page, gone with it, of one stamped model, kept across a reopen. */
class TextVectorsTest {

  static final ModelStamp TEXT = new ModelStamp("text-model", "sha256:abcd", 3);

  @TempDir Path directory;

  private static TextVectors chunks(float... values) {
    float[][] rows = new float[values.length / 3][];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = new float[] {values[3 * i], values[3 * i + 1], values[3 * i + 2]};
    }
    return new TextVectors(TEXT, rows);
  }

  @Test
  void storedWithThePageAndStampedOnce() throws Exception {
    long pageId;
    try (PageIndex index = PageIndex.open(config(directory))) {
      assertThat(index.textModel()).isEmpty();
      try (DocumentWriter writer = index.write(document("a", "h", 2), null)) {
        writer.addPage(new PageRecord(1, "first page", "pdf", null, null, chunks(1, 0, 0, 0, 1, 0)));
        writer.addPage(new PageRecord(2, "", "pdf", null, null, null));
        writer.commit();
      }
      assertThat(index.textModel()).contains(TEXT);
      pageId = index.page("a", 1).orElseThrow().pageId();
      assertThat(index.textVectors(pageId).orElseThrow()).isDeepEqualTo(new float[][] {{1, 0, 0}, {0, 1, 0}});
      assertThat(index.textVectors(index.page("a", 2).orElseThrow().pageId())).isEmpty();

      ModelStamp other = new ModelStamp("other", "sha256:ffff", 3);
      try (DocumentWriter writer = index.write(document("b", "h2", 1), null)) {
        assertThatThrownBy(() -> writer.addPage(new PageRecord(1, "x", "pdf", null, null,
            new TextVectors(other, new float[][] {{0, 0, 1}})))).isInstanceOf(ModelMismatchException.class);
      }
    }
    try (PageIndex reopened = PageIndex.open(config(directory))) {
      assertThat(reopened.textModel()).contains(TEXT);
      assertThat(reopened.textVectors(pageId).orElseThrow()[1]).containsExactly(0, 1, 0);
      reopened.deleteDocument("a");
      assertThat(reopened.textVectors(pageId)).isEmpty();
    }
  }

  @Test
  void theNearestPagesComeFromTheirBestChunk() throws Exception {
    try (PageIndex index = PageIndex.open(config(directory))) {
      assertThat(index.searchTextVectors(new float[] {1, 0, 0}, 5, java.util.Set.of())).as("no text model yet").isEmpty();
      try (DocumentWriter writer = index.write(document("a", "h", 2), null)) {
        // page 1's second chunk points along x; page 2 along y
        writer.addPage(new PageRecord(1, "alpha", "pdf", null, null, chunks(0, 0, 1, 1, 0, 0)));
        writer.addPage(new PageRecord(2, "beta", "pdf", null, null, chunks(0, 1, 0)));
        writer.commit();
      }
      try (DocumentWriter writer = index.write(document("b", "h2", 1), null)) {
        writer.addPage(new PageRecord(1, "gamma", "pdf", null, null, chunks(0.6f, 0.8f, 0)));
        writer.commit();
      }
      List<TextHit> hits = index.searchTextVectors(new float[] {1, 0, 0}, 3, java.util.Set.of());
      assertThat(hits).extracting(h -> h.documentId() + "/" + h.pageNumber()).containsExactly("a/1", "b/1", "a/2");
      assertThat(hits.get(0).score()).isCloseTo(1.0f, org.assertj.core.data.Offset.offset(0.02f));
      assertThat(index.searchTextVectors(new float[] {1, 0, 0}, 5, java.util.Set.of("b")))
          .extracting(TextHit::documentId).containsExactly("b");
      assertThat(index.searchText("alpha", 5, java.util.Set.of())).hasSize(1);
      assertThat(index.stats().pages()).as("chunk documents are not pages").isEqualTo(3);
      assertThatThrownBy(() -> index.searchTextVectors(new float[] {1, 0}, 3, java.util.Set.of()))
          .hasMessageContaining("3");
      index.deleteDocument("a");
      assertThat(index.searchTextVectors(new float[] {1, 0, 0}, 3, java.util.Set.of()))
          .extracting(TextHit::documentId).containsExactly("b");
    }
  }

  @Test
  void theGraphSearchesQuantisedCopiesByDefaultOrTheFloatsWhenAsked() throws Exception {
    for (boolean quantized : new boolean[] {true, false}) {
      Path at = directory.resolve(quantized ? "int7" : "float32");
      try (PageIndex index = PageIndex.open(config(at).withQuantizedTextVectors(quantized))) {
        try (DocumentWriter writer = index.write(document("a", "h", 1), null)) {
          writer.addPage(new PageRecord(1, "alpha", "pdf", null, null, chunks(0.6f, 0.8f, 0)));
          writer.commit();
        }
        assertThat(index.searchTextVectors(new float[] {0.6f, 0.8f, 0}, 1, java.util.Set.of()))
            .singleElement().satisfies(h -> assertThat(h.score()).isCloseTo(1.0f, org.assertj.core.data.Offset.offset(0.02f)));
      }
      try (var reader = org.apache.lucene.index.DirectoryReader.open(
          org.apache.lucene.store.FSDirectory.open(at.resolve("text")))) {
        String format = reader.leaves().getFirst().reader().getFieldInfos().fieldInfo(TextIndex.TEXT_VECTOR)
            .getAttribute("PerFieldKnnVectorsFormat.format");
        assertThat(format).isEqualTo(quantized
            ? org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat.NAME // int8 by default
            : "Lucene99HnswVectorsFormat");
      }
    }
  }

  @Test
  void badVectorsAreRefusedBeforeAnythingIsStored() {
    assertThatThrownBy(() -> new TextVectors(TEXT, new float[][] {{1, 2}})).hasMessageContaining("3 dimensions");
    assertThatThrownBy(() -> new TextVectors(TEXT, new float[0][])).hasMessageContaining("1..4096");
    assertThatThrownBy(() -> chunks(1, Float.NaN, 0)).hasMessageContaining("NaN");
    float[][] decoded = TextVectors.decode(chunks(1, 2, 3, 4, 5, 6).encode());
    assertThat(decoded).isDeepEqualTo(new float[][] {{1, 2, 3}, {4, 5, 6}});
  }
}
