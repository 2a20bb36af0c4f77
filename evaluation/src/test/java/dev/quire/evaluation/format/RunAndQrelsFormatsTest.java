package dev.quire.evaluation.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.datasets.Qrels;
import dev.quire.evaluation.Run;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading, writing and refusing TREC and BEIR run and qrels files. */
class RunAndQrelsFormatsTest {

  @Test
  void trecRunReadsLikeTrecEval() throws IOException {
    Run run = TrecRunFormat.read(reader("""
        q1 Q0 d1 1 12.5 bm25

        q1\tQ0  d2   2 1e1 bm25 trailing fields are ignored
        q2 0 d1 7 -3 other-tag
        """), "run.txt");
    assertThat(run.queryIds()).containsExactly("q1", "q2");
    assertThat(run.scores("q1")).containsExactly(Map.entry("d1", 12.5), Map.entry("d2", 10.0));
    assertThat(run.scores("q2")).containsExactly(Map.entry("d1", -3.0));
  }

  @Test
  void trecRunErrorsQuoteTheLineNumberAndTheLine() {
    assertFormatError(() -> TrecRunFormat.read(reader("q1 Q0 d1 1 1.0 t\nq1 Q0 d2 1 t\n"), "run.txt"),
        "run.txt:2: expected 6 fields \"qid Q0 docid rank score tag\", found 5: \"q1 Q0 d2 1 t\"", 2);
    assertFormatError(() -> TrecRunFormat.read(reader("q1 Q0 d1 one 1.0 t\n"), "run.txt"),
        "run.txt:1: rank \"one\" is not an integer", 1);
    assertFormatError(() -> TrecRunFormat.read(reader("q1 Q0 d1 1 high t\n"), "run.txt"),
        "run.txt:1: score \"high\" is not a number", 1);
    assertFormatError(() -> TrecRunFormat.read(reader("q1 Q0 d1 1 NaN t\n"), "run.txt"),
        "score \"NaN\" is not a number", 1);
    assertFormatError(() -> TrecRunFormat.read(reader("q1 Q0 d1 1 0x1p3 t\n"), "run.txt"),
        "score \"0x1p3\" is not a number", 1);
    assertFormatError(() -> TrecRunFormat.read(reader("q1 Q0 d1 1 1.0 t\n\nq1 Q0 d1 2 0.5 t\n"), "run.txt"),
        "run.txt:3: document \"d1\" is listed twice for query \"q1\" (trec_eval refuses duplicate documents)", 3);
  }

  @Test
  void trecRunIsWrittenInTrecEvalRankOrderAndReadsBack(@TempDir Path dir) throws IOException {
    Run run = Run.builder().add("q1", "a", 1.0).add("q1", "b", 1.0).add("q1", "c", 2.5).add("q2", "z", 0.1).build();
    Path file = dir.resolve("run.trec");
    TrecRunFormat.write(run, file, "quire");
    assertThat(Files.readString(file)).isEqualTo("""
        q1 Q0 c 1 2.5 quire
        q1 Q0 b 2 1.0 quire
        q1 Q0 a 3 1.0 quire
        q2 Q0 z 1 0.1 quire
        """);
    assertThat(TrecRunFormat.read(file)).isEqualTo(run);
    assertThatThrownBy(() -> TrecRunFormat.write(Run.builder().add("q 1", "a", 1).build(), new StringWriter(), "t"))
        .hasMessageContaining("query id \"q 1\" contains whitespace");
    assertThatThrownBy(() -> TrecRunFormat.write(run, new StringWriter(), "my run"))
        .hasMessageContaining("run tag \"my run\" contains whitespace");
  }

  @Test
  void trecQrelsReadWriteAndRefuse(@TempDir Path dir) throws IOException {
    Qrels qrels = TrecQrelsFormat.read(reader("\uFEFFq1 0 d1 2\nq1 0 d2 -1\n\nq2 Q0 d1 0\n"), "qrels.txt");
    assertThat(qrels.judgments("q1")).containsExactly(Map.entry("d1", 2), Map.entry("d2", -1));
    assertThat(qrels.judgments("q2")).containsExactly(Map.entry("d1", 0));
    Path file = dir.resolve("qrels.txt");
    TrecQrelsFormat.write(qrels, file);
    assertThat(Files.readString(file)).isEqualTo("q1 0 d1 2\nq1 0 d2 -1\nq2 0 d1 0\n");
    assertThat(TrecQrelsFormat.read(file)).isEqualTo(qrels);

    assertFormatError(() -> TrecQrelsFormat.read(reader("q1 0 d1 1 extra\n"), "qrels.txt"),
        "qrels.txt:1: expected 4 fields \"qid 0 docid relevance\", found 5: \"q1 0 d1 1 extra\"", 1);
    assertFormatError(() -> TrecQrelsFormat.read(reader("q1 0 d1 1\nq1 0 d2 0.5\n"), "qrels.txt"),
        "qrels.txt:2: relevance \"0.5\" is not an integer", 2);
    assertFormatError(() -> TrecQrelsFormat.read(reader("q1 0 d1 1\nq1 0 d1 0\n"), "qrels.txt"),
        "qrels.txt:2: document \"d1\" is judged twice for query \"q1\"", 2);
  }

  @Test
  void beirQrelsTsvReadWriteAndRefuse(@TempDir Path dir) throws IOException {
    Qrels qrels = BeirQrelsTsvFormat.read(reader("query-id\tcorpus-id\tscore\nq 1\tdoc 7\t1\nq 1\td8\t0\n"), "test.tsv");
    assertThat(qrels.judgments("q 1")).containsExactly(Map.entry("doc 7", 1), Map.entry("d8", 0));
    Path file = dir.resolve("test.tsv");
    BeirQrelsTsvFormat.write(qrels, file);
    assertThat(Files.readString(file)).isEqualTo("query-id\tcorpus-id\tscore\nq 1\tdoc 7\t1\nq 1\td8\t0\n");
    assertThat(BeirQrelsTsvFormat.read(file)).isEqualTo(qrels);

    assertFormatError(() -> BeirQrelsTsvFormat.read(reader("q1\td1\t1\n"), "test.tsv"),
        "test.tsv:1: expected the header \"query-id<TAB>corpus-id<TAB>score\": \"q1\td1\t1\"", 1);
    assertFormatError(() -> BeirQrelsTsvFormat.read(reader(""), "test.tsv"), "test.tsv:1: empty file", 1);
    assertFormatError(() -> BeirQrelsTsvFormat.read(reader("query-id\tcorpus-id\tscore\nq1 d1 1\n"), "test.tsv"),
        "test.tsv:2: expected 3 tab-separated fields \"query-id corpus-id score\", found 1", 2);
    assertFormatError(() -> BeirQrelsTsvFormat.read(reader("query-id\tcorpus-id\tscore\nq1\td1\tyes\n"), "test.tsv"),
        "test.tsv:2: score \"yes\" is not an integer", 2);
    assertThatThrownBy(() -> BeirQrelsTsvFormat.write(Qrels.builder().add("q\t1", "d", 1).build(), new StringWriter()))
        .hasMessageContaining("contains a tab");
  }

  @Test
  void beirJsonRunAndQrelsReadWriteAndRefuse() throws IOException {
    Run run = BeirJsonFormat.readRun("{\"q1\": {\"d1\": 0.5, \"d2\": 3}, \"q2\": {}}", "run.json");
    assertThat(run.scores("q1")).containsExactly(Map.entry("d1", 0.5), Map.entry("d2", 3.0));
    assertThat(run.contains("q2")).isTrue();
    StringWriter out = new StringWriter();
    BeirJsonFormat.writeRun(run, out);
    assertThat(BeirJsonFormat.readRun(out.toString(), "again.json")).isEqualTo(run);

    Qrels qrels = BeirJsonFormat.readQrels("{\"q1\": {\"d1\": 1, \"d2\": -1}}", "qrels.json");
    assertThat(qrels.judgments("q1")).containsExactly(Map.entry("d1", 1), Map.entry("d2", -1));
    StringWriter qrelsOut = new StringWriter();
    BeirJsonFormat.writeQrels(qrels, qrelsOut);
    assertThat(BeirJsonFormat.readQrels(qrelsOut.toString(), "again.json")).isEqualTo(qrels);

    assertFormatError(() -> BeirJsonFormat.readQrels("{\n \"q1\": {\"d1\": 1.5}\n}", "qrels.json"),
        "qrels.json:2: relevance of document \"d1\" is not an integer (pytrec_eval requires int): \" \"q1\": {\"d1\": 1.5}\"", 2);
    assertFormatError(() -> BeirJsonFormat.readRun("{\n \"q1\": {\"d1\": 1,\n \"d1\": 2}}", "run.json"),
        "run.json:3: document \"d1\" appears twice in query \"q1\"", 3);
    assertFormatError(() -> BeirJsonFormat.readRun("{\"q1\": {\"d1\": \"high\"}}", "run.json"),
        "run.json:1: score of document \"d1\" is not a number", 1);
    assertFormatError(() -> BeirJsonFormat.readRun("{\"q1\": [1, 2]}", "run.json"),
        "the value of query \"q1\" must be an object", 1);
    assertFormatError(() -> BeirJsonFormat.readRun("{\"q1\": {}}\n{}", "run.json"),
        "run.json:2: unexpected content after the top-level object", 2);
    assertFormatError(() -> BeirJsonFormat.readRun("{\"q1\": {\"d1\": 1,,}}", "run.json"),
        "run.json:1: not valid JSON", 1);
    assertFormatError(() -> BeirJsonFormat.readRun("{\"q1\": {\"d1\": NaN}}", "run.json"),
        "run.json:1: query q1, document d1: score is NaN", 1);
    assertThat(BeirJsonFormat.readRun("{\"q1\": {\"d1\": -Infinity}}", "run.json").scores("q1"))
        .containsExactly(Map.entry("d1", Double.NEGATIVE_INFINITY));
  }

  private static BufferedReader reader(String text) {
    return new BufferedReader(new StringReader(text));
  }

  private static void assertFormatError(ThrowingCallable call, String message, long line) {
    assertThatThrownBy(call)
        .isInstanceOf(FormatException.class)
        .hasMessageContaining(message)
        .satisfies(e -> assertThat(((FormatException) e).lineNumber()).isEqualTo(line));
  }
}
