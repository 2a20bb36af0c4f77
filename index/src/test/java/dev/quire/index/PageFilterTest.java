package dev.quire.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metadata and document filters resolved by the text index. */
class PageFilterTest {
  @TempDir Path directory;

  /** Writes a text-only document with the given metadata, one page per text. */
  private static void put(PageIndex index, String id, Map<String, String> metadata, String... texts)
      throws Exception {
    DocumentRecord document = new DocumentRecord(id, "/data/" + id + ".pdf", "h-" + id, 100,
        "application/pdf", texts.length, Instant.parse("2025-01-02T03:04:05Z"), metadata);
    try (DocumentWriter writer = index.write(document, null)) {
      for (int i = 0; i < texts.length; i++) {
        writer.addPage(new PageRecord(i + 1, texts[i], "pdf", null, null));
      }
      writer.commit();
    }
  }

  /** Three documents: the best page for "river" is in the invoice of 2024. */
  private static void corpus(PageIndex index) throws Exception {
    put(index, "inv-2024", Map.of("kind", "invoice", "year", "2024"),
        "The river river river floods the mill.", "Nothing here.");
    put(index, "inv-2025", Map.of("kind", "invoice", "year", "2025"), "A river and a mill.");
    put(index, "rec-2024", Map.of("kind", "receipt", "year", "2024"), "Receipt for a river cruise.");
  }

  private static List<String> documents(List<TextHit> hits) {
    return hits.stream().map(TextHit::documentId).toList();
  }

  @Test
  void aMetadataFilterLeavesOutTheBestPageWhenItsDocumentDoesNotPass() throws Exception {
    try (PageIndex index = PageIndex.open(Fixtures.config(directory))) {
      corpus(index);
      assertThat(documents(index.searchText("river", 10, Set.of()))).first().isEqualTo("inv-2024");

      List<TextHit> receipts = index.searchText("river", 10, PageFilter.metadata(Map.of("kind", "receipt")), true);
      assertThat(documents(receipts)).containsExactly("rec-2024");
      assertThat(receipts.getFirst().snippet().matched()).contains("river");
      assertThat(documents(index.searchText("river", 10, PageFilter.metadata(Map.of("year", "2025")), false)))
          .containsExactly("inv-2025");
    }
  }

  @Test
  void everyConditionMustHold() throws Exception {
    try (PageIndex index = PageIndex.open(Fixtures.config(directory))) {
      corpus(index);
      assertThat(documents(index.searchText("river", 10, PageFilter.metadata(Map.of("kind", "invoice")), false)))
          .containsExactly("inv-2024", "inv-2025");
      assertThat(documents(index.searchText("river", 10,
          PageFilter.metadata(Map.of("kind", "invoice", "year", "2024")), false)))
          .containsExactly("inv-2024");
      assertThat(documents(index.searchText("river", 10,
          new PageFilter(Set.of("inv-2025", "rec-2024"), Map.of("year", "2024")), false)))
          .containsExactly("rec-2024");
      // values are exact: no stemming, no case folding, no prefix
      assertThat(index.searchText("river", 10, PageFilter.metadata(Map.of("kind", "Invoice")), false)).isEmpty();
      assertThat(index.searchText("river", 10, PageFilter.metadata(Map.of("kind", "invoices")), false)).isEmpty();
      assertThat(index.searchText("river", 10, PageFilter.metadata(Map.of("year", "202")), false)).isEmpty();
    }
  }

  @Test
  void aFilterThatMatchesNothingFindsNothing() throws Exception {
    try (PageIndex index = PageIndex.open(Fixtures.config(directory))) {
      corpus(index);
      PageFilter letters = PageFilter.metadata(Map.of("kind", "letter"));
      assertThat(index.searchText("river", 10, letters, false)).isEmpty();
      assertThat(index.pageIds(letters)).isEmpty();
      assertThat(index.hasPages(letters)).isFalse();
      assertThat(index.hasPages(PageFilter.metadata(Map.of("kind", "receipt")))).isTrue();
      assertThat(index.hasPages(PageFilter.NONE)).isTrue();
      assertThat(index.pageIds(new PageFilter(Set.of(), Map.of()))).isEmpty();
      assertThat(index.pageIds(new PageFilter(Set.of("inv-2024"), Map.of("kind", "receipt")))).isEmpty();
    }
  }

  @Test
  void pageIdsAreTheVisiblePagesThatPassInPageIdOrder() throws Exception {
    try (PageIndex index = PageIndex.open(Fixtures.config(directory))) {
      corpus(index);
      long[] invoices = index.pageIds(PageFilter.metadata(Map.of("kind", "invoice")));
      long[] expected = {
        index.page("inv-2024", 1).orElseThrow().pageId(),
        index.page("inv-2024", 2).orElseThrow().pageId(),
        index.page("inv-2025", 1).orElseThrow().pageId()
      };
      Arrays.sort(expected);
      assertThat(invoices).containsExactly(expected);
      assertThat(index.pageIds(PageFilter.NONE)).hasSize(4);

      index.deleteDocument("inv-2024");
      assertThat(index.hasPages(PageFilter.metadata(Map.of("year", "2024")))).isTrue();
      index.deleteDocument("rec-2024");
      assertThat(index.hasPages(PageFilter.metadata(Map.of("year", "2024")))).isFalse();
      assertThat(index.pageIds(PageFilter.metadata(Map.of("kind", "invoice"))))
          .containsExactly(index.page("inv-2025", 1).orElseThrow().pageId());
      // a new version of a document is filtered by its new metadata
      put(index, "inv-2025", Map.of("kind", "credit note"), "A river and a mill.");
      assertThat(index.pageIds(PageFilter.metadata(Map.of("kind", "invoice")))).isEmpty();
      assertThat(documents(index.searchText("river", 10, PageFilter.metadata(Map.of("kind", "credit note")), false)))
          .containsExactly("inv-2025");
    }
  }

  @Test
  void pairsAreDistinctAndLongValuesWork() throws Exception {
    String longValue = "x".repeat(5000);
    try (PageIndex index = PageIndex.open(Fixtures.config(directory))) {
      put(index, "a", Map.of("a=b", "c", "note", longValue + "1"), "river one");
      put(index, "b", Map.of("a", "b=c", "note", longValue + "2"), "river two");
      assertThat(documents(index.searchText("river", 10, PageFilter.metadata(Map.of("a=b", "c")), false)))
          .containsExactly("a");
      assertThat(documents(index.searchText("river", 10, PageFilter.metadata(Map.of("a", "b=c")), false)))
          .containsExactly("b");
      assertThat(documents(index.searchText("river", 10, PageFilter.metadata(Map.of("note", longValue + "2")), false)))
          .containsExactly("b");
      assertThat(index.pageIds(PageFilter.metadata(Map.of("note", longValue)))).isEmpty();
    }
  }

  @Test
  void theDenseStageTakesTheSameFilter() throws Exception {
    ModelStamp textModel = new ModelStamp("text-model", "sha256:abcd", 3);
    try (PageIndex index = PageIndex.open(Fixtures.config(directory))) {
      for (String[] d : new String[][] {{"near", "invoice"}, {"far", "receipt"}}) {
        DocumentRecord document = new DocumentRecord(d[0], "/data/" + d[0], "h", 1, "application/pdf", 1,
            Instant.parse("2025-01-02T03:04:05Z"), Map.of("kind", d[1]));
        float[] vector = d[0].equals("near") ? new float[] {1, 0, 0} : new float[] {0.6f, 0.8f, 0};
        try (DocumentWriter writer = index.write(document, null)) {
          writer.addPage(new PageRecord(1, d[0], "pdf", null, null,
              new TextVectors(textModel, new float[][] {vector})));
          writer.commit();
        }
      }
      float[] query = {1, 0, 0};
      assertThat(documents(index.searchTextVectors(query, 5, PageFilter.NONE))).containsExactly("near", "far");
      assertThat(documents(index.searchTextVectors(query, 5, PageFilter.metadata(Map.of("kind", "receipt")))))
          .containsExactly("far");
      assertThat(index.searchTextVectors(query, 5, PageFilter.metadata(Map.of("kind", "letter")))).isEmpty();
    }
  }

  @Test
  void badFiltersAreRefusedClearly() {
    Map<String, String> nullValue = new HashMap<>();
    nullValue.put("kind", null);
    assertThatThrownBy(() -> PageFilter.metadata(nullValue))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("metadata 'kind' of the filter has no value");
    assertThatThrownBy(() -> PageFilter.metadata(Map.of("", "x")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a metadata key of the filter is null or empty");
    assertThatThrownBy(() -> new PageFilter(new java.util.HashSet<>(Arrays.asList("a", null)), Map.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a document id of the filter is null");
  }

  @Test
  void aTextIndexOfTheSchemaBeforeMetadataIsRebuiltFromThePages() throws Exception {
    try (PageIndex index = PageIndex.open(Fixtures.config(directory))) {
      corpus(index);
    }
    // What an index written by the previous version looks like to this one: schema 2, whose
    // Lucene documents carry no metadata (emptied here, so only a rebuild can find anything).
    Path text = directory.resolve("text");
    try (FSDirectory lucene = FSDirectory.open(text);
        IndexWriter writer = new IndexWriter(lucene, new IndexWriterConfig()
            .setOpenMode(IndexWriterConfig.OpenMode.APPEND))) {
      Map<String, String> data = new HashMap<>();
      writer.getLiveCommitData().forEach(e -> data.put(e.getKey(), e.getValue()));
      assertThat(data).containsEntry(TextIndex.SCHEMA, TextIndex.CURRENT_SCHEMA);
      data.put(TextIndex.SCHEMA, "2");
      writer.deleteAll();
      writer.setLiveCommitData(data.entrySet());
      writer.commit();
    }
    try (PageIndex index = PageIndex.open(Fixtures.config(directory))) {
      assertThat(documents(index.searchText("river", 10, PageFilter.metadata(Map.of("kind", "receipt")), false)))
          .containsExactly("rec-2024");
      assertThat(index.documents()).hasSize(3);
      assertThat(index.textIndex().pageCount(null)).isEqualTo(4);
    }
  }
}
