package dev.quire.evaluation.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.quire.datasets.Qrels;
import dev.quire.evaluation.Run;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/** Every format round-trips exactly, and arbitrary text either parses or fails with a FormatException. */
class FormatsPropertiesTest {

  record Entry(String query, String doc, double score, int relevance) {}

  @Provide
  Arbitrary<List<Entry>> entries() {
    Arbitrary<String> ids = Arbitraries.strings().withChars("abcXYZ019_-.:/éü").ofMinLength(1).ofMaxLength(6)
        .injectDuplicates(0.3);
    Arbitrary<Double> scores = Arbitraries.oneOf(Arbitraries.doubles().between(-1e6, 1e6),
        Arbitraries.of(0.0, -0.0, 1e-300, 3.4028235e38, Double.POSITIVE_INFINITY));
    return Combinators.combine(ids, ids, scores, Arbitraries.integers().between(-5, 5)).as(Entry::new).list().ofMaxSize(25);
  }

  @Property(tries = 300)
  void runsRoundTripThroughTrecAndJson(@ForAll("entries") List<Entry> entries) throws IOException {
    Run.Builder builder = Run.builder();
    entries.stream().filter(e -> !builder.contains(e.query(), e.doc())).forEach(e -> builder.add(e.query(), e.doc(), e.score()));
    Run run = builder.build();

    StringWriter trec = new StringWriter();
    TrecRunFormat.write(run, trec, "tag");
    Run fromTrec = TrecRunFormat.read(new BufferedReader(new StringReader(trec.toString())), "run");
    for (String query : run.queryIds()) {
      assertThat(fromTrec.ranking(query)).isEqualTo(run.ranking(query));
    }
    StringWriter json = new StringWriter();
    BeirJsonFormat.writeRun(run, json);
    assertThat(BeirJsonFormat.readRun(json.toString(), "run")).isEqualTo(run);
  }

  @Property(tries = 300)
  void qrelsRoundTripThroughTrecTsvAndJson(@ForAll("entries") List<Entry> entries) throws IOException {
    Qrels.Builder builder = Qrels.builder();
    entries.stream().filter(e -> !builder.contains(e.query(), e.doc())).forEach(e -> builder.add(e.query(), e.doc(), e.relevance()));
    Qrels qrels = builder.build();

    StringWriter trec = new StringWriter();
    TrecQrelsFormat.write(qrels, trec);
    assertThat(TrecQrelsFormat.read(new BufferedReader(new StringReader(trec.toString())), "q")).isEqualTo(qrels);
    StringWriter tsv = new StringWriter();
    BeirQrelsTsvFormat.write(qrels, tsv);
    assertThat(BeirQrelsTsvFormat.read(new BufferedReader(new StringReader(tsv.toString())), "q")).isEqualTo(qrels);
    StringWriter json = new StringWriter();
    BeirJsonFormat.writeQrels(qrels, json);
    assertThat(BeirJsonFormat.readQrels(json.toString(), "q")).isEqualTo(qrels);
  }

  @Provide
  Arbitrary<String> noise() {
    Arbitrary<String> line = Arbitraries.strings().withChars("q1d0 Q\t.-e{}\":,[]x").ofMaxLength(30);
    return line.list().ofMaxSize(6).map(lines -> String.join("\n", lines));
  }

  @Property(tries = 300)
  void arbitraryTextParsesOrFailsWithALineNumber(@ForAll("noise") String text) {
    List<ThrowingParse> parsers = List.of(
        () -> TrecRunFormat.read(new BufferedReader(new StringReader(text)), "f"),
        () -> TrecQrelsFormat.read(new BufferedReader(new StringReader(text)), "f"),
        () -> BeirQrelsTsvFormat.read(new BufferedReader(new StringReader(text)), "f"),
        () -> BeirJsonFormat.readRun(text, "f"),
        () -> BeirJsonFormat.readQrels(text, "f"));
    for (ThrowingParse parser : parsers) {
      assertThatCode(() -> {
        try {
          parser.parse();
        } catch (FormatException e) {
          assertThat(e.lineNumber()).isBetween(1L, (long) Math.max(1, text.split("\n", -1).length));
          assertThat(e.getMessage()).startsWith("f:" + e.lineNumber() + ": ");
        }
      }).doesNotThrowAnyException();
    }
  }

  private interface ThrowingParse {
    Object parse() throws IOException;
  }
}
