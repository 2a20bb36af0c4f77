package dev.quire.evaluation.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.evaluation.ScoredDoc;
import dev.quire.evaluation.format.FormatException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QueryJournalTest {

  private static QueryJournal.Entry entry(String query, double score) {
    return new QueryJournal.Entry("float exhaustive half k=100", query,
        List.of(new ScoredDoc("page " + query, score), new ScoredDoc("p-2", -0.0)), 1.5, 0.25);
  }

  @Test
  void entriesReadBackExactly(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("journal/run.jsonl");
    try (QueryJournal journal = QueryJournal.open(file)) {
      journal.append(entry("q1", 0.1f));
      journal.append(entry("q2", Math.PI));
      assertThat(journal.find("float exhaustive half k=100", "q1")).contains(entry("q1", 0.1f));
    }
    try (QueryJournal journal = QueryJournal.open(file)) {
      assertThat(journal.find("float exhaustive half k=100", "q1")).contains(entry("q1", 0.1f));
      assertThat(journal.find("float exhaustive half k=100", "q2")).contains(entry("q2", Math.PI));
      assertThat(journal.find("hamming", "q1")).isEmpty();
      journal.append(entry("q3", 3));
    }
    assertThat(Files.readAllLines(file)).hasSize(3);
  }

  @Test
  void aLineCutShortByAKillIsDroppedAndTheNextAppendStartsClean(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("run.jsonl");
    try (QueryJournal journal = QueryJournal.open(file)) {
      journal.append(entry("q1", 1));
      journal.append(entry("q2", 2));
    }
    String text = Files.readString(file);
    Files.writeString(file, text.substring(0, text.length() - 20), StandardCharsets.UTF_8);
    try (QueryJournal journal = QueryJournal.open(file)) {
      assertThat(journal.find("float exhaustive half k=100", "q1")).isPresent();
      assertThat(journal.find("float exhaustive half k=100", "q2")).isEmpty();
      journal.append(entry("q2", 2));
    }
    try (QueryJournal journal = QueryJournal.open(file)) {
      assertThat(journal.find("float exhaustive half k=100", "q2")).contains(entry("q2", 2));
    }
  }

  @Test
  void aDamagedLineIsQuotedWithItsNumber(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("run.jsonl");
    Files.writeString(file, "{\"variant\":\"v\",\"query\":\"q\",\"searchMs\":1,\"encodeMs\":0,\"hits\":[[\"p\",1]]}\n"
        + "{\"variant\":\"v\",\"query\":\"q2\",\"searchMs\":1,\"encodeMs\":0,\"hits\":[[\"p\"]]}\n"
        + "not json\n");
    assertThatThrownBy(() -> QueryJournal.open(file))
        .isInstanceOf(FormatException.class)
        .hasMessageStartingWith(file + ":2: a hit is not [\"page id\", score]");
    Files.writeString(file, "{\"variant\":\"v\",\"query\":\"q\",\"searchMs\":1,\"encodeMs\":0,\"hits\":[]}\nnot json\n");
    assertThatThrownBy(() -> QueryJournal.open(file))
        .isInstanceOf(FormatException.class)
        .hasMessageStartingWith(file + ":2: not valid JSON");
  }
}
