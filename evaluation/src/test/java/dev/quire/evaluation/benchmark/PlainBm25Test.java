package dev.quire.evaluation.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quire.evaluation.ScoredDoc;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlainBm25Test {

  @Test
  void tokensAreLowerCasedWordsWithNoStemmingOrStopWords() {
    assertThat(PlainBm25.tokens("The Cats' file_name.txt, R-2.1 ÉTÉ"))
        .containsExactly("the", "cats", "file_name", "txt", "r", "2", "1", "été");
  }

  @Test
  void scoresAsTheTextbookFormulaSays() {
    PlainBm25 bm25 = PlainBm25.builder()
        .add("a", "apple banana apple")
        .add("b", "banana cherry")
        .add("c", "cherry cherry cherry date")
        .build();
    // "apple": df 1 of N 3; in a tf 2, length 3, average length 3
    double idf = Math.log(1 + (3 - 1 + 0.5) / (1 + 0.5));
    double expected = idf * 2 * 2.2 / (2 + 1.2 * (1 - 0.75 + 0.75 * 3 / 3.0));
    List<ScoredDoc> hits = bm25.search("Apple", 10);
    assertThat(hits).extracting(ScoredDoc::docId).containsExactly("a");
    assertThat(hits.getFirst().score()).isCloseTo(expected, within(1e-12));
  }

  @Test
  void repeatedQueryTokensCountAgainAndTheShorterDocumentWinsATie() {
    PlainBm25 bm25 = PlainBm25.builder()
        .add("long", "cherry pie with cream and more words here")
        .add("short", "cherry pie")
        .add("other", "banana")
        .build();
    List<ScoredDoc> once = bm25.search("cherry", 10);
    List<ScoredDoc> twice = bm25.search("cherry cherry", 10);
    assertThat(once).extracting(ScoredDoc::docId).containsExactly("short", "long");
    assertThat(twice.getFirst().score()).isCloseTo(2 * once.getFirst().score(), within(1e-12));
    assertThat(bm25.search("nothing matches", 10)).isEmpty();
    assertThat(bm25.search("cherry", 1)).extracting(ScoredDoc::docId).containsExactly("short");
  }
}
