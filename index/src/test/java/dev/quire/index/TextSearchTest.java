package dev.quire.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class TextSearchTest {
  @TempDir Path directory;

  private static PageIndex open(Path directory, TextLanguage language) throws Exception {
    return PageIndex.open(Fixtures.config(directory).withLanguage(language));
  }

  /** Writes a text-only document with one page per text, numbered from 1. */
  private static void putText(PageIndex index, String id, String... texts) throws Exception {
    try (DocumentWriter writer =
        index.write(Fixtures.document(id, "h", texts.length), null)) {
      for (int i = 0; i < texts.length; i++) {
        writer.addPage(new PageRecord(i + 1, texts[i], "pdf", null, null));
      }
      writer.commit();
    }
  }

  @ParameterizedTest(name = "{0}: \"{2}\" finds \"{1}\"")
  @CsvSource(
      delimiter = '|',
      value = {
        "ENGLISH | The river runs past the mill.            | running",
        "FRENCH  | Les chevaux traversent la rivière.        | cheval",
        "GERMAN  | Die Häuser stehen am Fluss.               | Haus",
        "SPANISH | Las bibliotecas de la ciudad.             | biblioteca",
        "ITALIAN | I ragazzi dormono nella biblioteca.       | ragazzo",
      })
  void stemmingMatchesOtherFormsOfAWord(TextLanguage language, String page, String query)
      throws Exception {
    try (PageIndex index = open(directory, language)) {
      putText(index, "doc", page, "Nothing related at all: 1234.");
      List<TextHit> hits = index.searchText(query, 10, Set.of());
      assertThat(hits).extracting(TextHit::pageNumber).containsExactly(1);
      assertThat(hits.getFirst().snippet().matches()).isNotEmpty();
    }
  }

  @Test
  void exactWordFormsBreakTheTieThatStemmingMakes() throws Exception {
    try (PageIndex index = open(directory, TextLanguage.ENGLISH)) {
      // stemmed, the two pages are the same words; only page 2 has the forms the query uses
      putText(index, "doc", "Configure the printers before printing.", "Configuration of the printer before print.");
      assertThat(index.searchText("configuration of the printer", 10, Set.of()))
          .extracting(TextHit::pageNumber).containsExactly(2, 1);
      assertThat(index.searchText("configure printers", 10, Set.of()))
          .extracting(TextHit::pageNumber).containsExactly(1, 2);
    }
  }

  @Test
  void queryWordsInTheirOrderRankAPageAboveTheSameWordsShuffled() throws Exception {
    try (PageIndex index = open(directory, TextLanguage.ENGLISH)) {
      // the same bag of words: BM25 alone cannot tell them apart, and ties go to the lower page id
      putText(index, "doc", "convert matrix values into a data frame quickly",
          "convert data frame values into a matrix quickly");
      assertThat(index.searchText("data frame into a matrix", 10, Set.of()))
          .extracting(TextHit::pageNumber).containsExactly(2, 1);
      assertThat(index.searchText("matrix into a data frame", 10, Set.of()))
          .extracting(TextHit::pageNumber).containsExactly(1, 2);
    }
  }

  @Test
  void anIndexFromBeforeTheExactFieldIsRebuiltWhenOpened() throws Exception {
    try (PageIndex index = open(directory, TextLanguage.ENGLISH)) {
      putText(index, "doc", "convert matrix values into a data frame quickly",
          "convert data frame values into a matrix quickly");
    }
    // what an earlier version committed: the stemmed field only, and no schema in the commit data
    Path text = directory.resolve("text");
    try (var lucene = org.apache.lucene.store.FSDirectory.open(text);
        var writer = new org.apache.lucene.index.IndexWriter(lucene,
            new org.apache.lucene.index.IndexWriterConfig(new org.apache.lucene.analysis.en.EnglishAnalyzer()))) {
      String sequence = null;
      for (var entry : writer.getLiveCommitData()) {
        if (entry.getKey().equals(TextIndex.SEQUENCE)) {
          sequence = entry.getValue();
        }
      }
      writer.deleteAll();
      String[] pages = {"convert matrix values into a data frame quickly", "convert data frame values into a matrix quickly"};
      for (int i = 0; i < pages.length; i++) {
        var document = new org.apache.lucene.document.Document();
        document.add(new org.apache.lucene.document.StringField(TextIndex.DOCUMENT_ID, "doc",
            org.apache.lucene.document.Field.Store.YES));
        document.add(new org.apache.lucene.document.NumericDocValuesField(TextIndex.PAGE_ID, i + 1));
        document.add(new org.apache.lucene.document.StoredField(TextIndex.PAGE_NUMBER, i + 1));
        document.add(new org.apache.lucene.document.TextField(TextIndex.TEXT, pages[i],
            org.apache.lucene.document.Field.Store.NO));
        writer.addDocument(document);
      }
      writer.setLiveCommitData(java.util.Map.of(TextIndex.SEQUENCE, sequence).entrySet());
      writer.commit();
    }
    try (PageIndex index = open(directory, TextLanguage.ENGLISH)) {
      assertThat(index.searchText("data frame into a matrix", 10, Set.of()))
          .extracting(TextHit::pageNumber).containsExactly(2, 1);
    }
  }

  @Test
  void aPastedPageOfTextIsAQueryWithinLucenesClauseLimit() throws Exception {
    try (PageIndex index = open(directory, TextLanguage.ENGLISH)) {
      StringBuilder page = new StringBuilder();
      for (int i = 0; i < 3000; i++) {
        page.append("word").append(i % 1500).append(i % 7 == 0 ? ". " : " ");
      }
      putText(index, "doc", page.toString(), "Something else.");
      assertThat(index.searchText(page.toString(), 10, Set.of()))
          .extracting(TextHit::pageNumber).containsExactly(1);
    }
  }

  @Test
  void theSameWordsDoNotStemAcrossLanguages() throws Exception {
    try (PageIndex index = open(directory, TextLanguage.FRENCH)) {
      putText(index, "doc", "The river runs past the mill.");
      // French analysis keeps "runs" and "running" apart.
      assertThat(index.searchText("running", 10, Set.of())).isEmpty();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"AND OR (((", "title:", "*", "\"", "~2", "+-!", "", "   ", "the and of", "[a TO z]",
          "field:(a OR b)^3", "\\", "/regex/"})
  void queryGarbageIsSafe(String query) throws Exception {
    try (PageIndex index = open(directory, TextLanguage.ENGLISH)) {
      putText(index, "doc", "A title page about regex and fields.", "Another page.");
      List<TextHit> hits = index.searchText(query, 10, Set.of());
      assertThat(hits).allSatisfy(hit -> assertThat(hit.documentId()).isEqualTo("doc"));
    }
  }

  @Test
  void stopWordsAndEmptyQueriesReturnNothing() throws Exception {
    try (PageIndex index = open(directory, TextLanguage.ENGLISH)) {
      putText(index, "doc", "the and of a an");
      assertThat(index.searchText("the of", 10, Set.of())).isEmpty();
      assertThat(index.searchText("", 10, Set.of())).isEmpty();
      assertThatThrownBy(() -> index.searchText("x", 0, Set.of()))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void hitsAreOrderedByScoreThenPageId() throws Exception {
    try (PageIndex index = open(directory, TextLanguage.ENGLISH)) {
      putText(index, "b", "apple pear", "apple apple apple banana", "apple pear");
      putText(index, "a", "apple pear");
      List<TextHit> hits = index.searchText("apple", 10, Set.of());
      assertThat(hits).hasSize(4);
      assertThat(hits.getFirst().pageNumber()).isEqualTo(2);
      List<TextHit> ties = hits.subList(1, 4);
      assertThat(ties).extracting(TextHit::score).containsOnly(ties.getFirst().score());
      assertThat(ties).extracting(TextHit::pageId).isSorted();
      assertThat(hits.getFirst().score()).isGreaterThan(ties.getFirst().score());
      assertThat(index.searchText("apple", 2, Set.of())).isEqualTo(hits.subList(0, 2));
    }
  }

  @Test
  void aDocumentFilterRestrictsHits() throws Exception {
    try (PageIndex index = open(directory, TextLanguage.ENGLISH)) {
      putText(index, "a", "shared words");
      putText(index, "b", "shared words");
      putText(index, "c", "shared words");
      assertThat(index.searchText("shared", 10, Set.of("a", "c", "missing")))
          .extracting(TextHit::documentId)
          .containsExactlyInAnyOrder("a", "c");
      assertThat(index.searchText("shared", 10, Set.of())).hasSize(3);
    }
  }

  @Test
  void snippetsAreThePlainTextAroundTheMatchWithItsSpan() throws Exception {
    String longPage =
        "Lorem ipsum dolor sit amet. ".repeat(40)
            + "The <script> tag & the river meet here. "
            + "Consectetur adipiscing elit. ".repeat(40);
    try (PageIndex index = open(directory, TextLanguage.ENGLISH)) {
      putText(index, "doc", longPage, "No match on this page but the word banana.");
      Snippet snippet = index.searchText("river", 1, Set.of()).getFirst().snippet();
      // plain text: markup in the page stays as it was, for whoever shows it to escape
      assertThat(snippet.text()).contains("The <script> tag & the river meet here.");
      assertThat(snippet.matched()).containsExactly("river");
      assertThat(snippet.marked("[", "]")).contains("& the [river] meet");
      assertThat(snippet.text().length()).isLessThan(400);
      assertThat(snippet.text()).isEqualTo(snippet.text().strip());
      // A short page is its own passage; the stemmed match is marked in it.
      List<TextHit> banana = index.searchText("bananas", 1, Set.of());
      assertThat(banana.getFirst().snippet().text()).startsWith("No match on this page");
      assertThat(banana.getFirst().snippet().matched()).containsExactly("banana");
    }
  }

  @Test
  void languagesParseFromNamesAndCodes() {
    assertThat(TextLanguage.parse("fr")).isEqualTo(TextLanguage.FRENCH);
    assertThat(TextLanguage.parse(" German ")).isEqualTo(TextLanguage.GERMAN);
    assertThat(TextLanguage.parse("IT")).isEqualTo(TextLanguage.ITALIAN);
    assertThatThrownBy(() -> TextLanguage.parse("klingon"))
        .hasMessageContaining("'klingon'")
        .hasMessageContaining("spanish (es)");
  }
}
