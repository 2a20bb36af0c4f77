package dev.quire.training.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.samples.SyntheticCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingSourcesTest {

  @TempDir Path folder;

  @Test
  void theSyntheticCorpusIsSplitByDocumentTheSameWayForTheSameSeed() throws Exception {
    TrainingData data = TrainingSources.synthetic(folder, 6, 11, 0.34);
    assertThat(data.report().emptyQueries()).isZero();
    assertThat(data.report().unreadablePages()).isZero();
    assertThat(data.train()).isNotEmpty();
    assertThat(data.heldOut()).isNotEmpty();
    assertThat(data.train().size() + data.heldOut().size()).isEqualTo(data.report().examples());
    Set<String> trained = new HashSet<>();
    data.train().forEach(e -> trained.add(e.positive().document()));
    Set<String> held = new HashSet<>();
    data.heldOut().forEach(e -> held.add(e.positive().document()));
    assertThat(held).hasSize(2).doesNotContainAnyElementsOf(trained); // round(6 x 0.34) documents
    // read again (the corpus is kept): the same examples and split
    TrainingData again = TrainingSources.synthetic(folder, 6, 11, 0.34);
    assertThat(again.heldOut()).isEqualTo(data.heldOut());
    assertThat(TrainingSources.synthetic(folder, 6, 11, 0).heldOut()).isEmpty();
  }

  @Test
  void aQueriesFileKeepsWhatItCanAndNamesWhatItSkips() throws Exception {
    SyntheticCorpus.generate(folder, 2, 5);
    String first;
    try (var files = Files.list(folder)) {
      first = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".pdf")).sorted().findFirst().orElseThrow();
    }
    Files.writeString(folder.resolve("corrupt.pdf"), "%PDF-1.7 but nothing else");
    Path queries = folder.resolve("queries.jsonl");
    Files.write(queries, List.of(
        "{\"id\": \"q1\", \"query\": \"total due\", \"file\": \"" + first + "\", \"page\": 1,"
            + " \"negatives\": [{\"file\": \"" + first + "\", \"page\": 1}]}",
        "{\"query\": \"  \", \"file\": \"" + first + "\", \"page\": 1}",
        "{\"query\": \"beyond the last page\", \"file\": \"" + first + "\", \"page\": 99}",
        "{\"query\": \"a broken file\", \"file\": \"corrupt.pdf\", \"page\": 1}",
        "{\"query\": \"escaping\", \"file\": \"../etc/passwd\", \"page\": 1}",
        "not json at all",
        "",
        "{\"query\": \"no page\", \"file\": \"" + first + "\"}"));
    TrainingData data = TrainingSources.queriesFile(folder, queries, 3, 0);
    assertThat(data.train()).hasSize(1);
    TrainingExample kept = data.train().get(0);
    assertThat(kept.id()).isEqualTo("q1");
    assertThat(kept.negatives()).containsExactly(new PageRef.FilePage(folder.resolve(first), 1));
    DataReport report = data.report();
    assertThat(report.examples()).isEqualTo(1);
    assertThat(report.emptyQueries()).isEqualTo(1);
    assertThat(report.unreadablePages()).isEqualTo(2);
    assertThat(report.skipped()).hasSize(6);
    assertThat(String.join("\n", report.skipped()))
        .contains("queries.jsonl:2: empty", "p.99: has ", "corrupt.pdf p.1", "outside", "queries.jsonl:6: not JSON",
            "queries.jsonl:8: needs a file");
    assertThat(report.summary()).isEqualTo("1 examples; skipped 1 empty queries and 2 unreadable pages");
  }

  @Test
  void aHeldOutShareOutsideZeroToOneIsRefused() {
    assertThatThrownBy(() -> TrainingSources.synthetic(folder, 2, 1, 1.0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 1)");
  }
}
