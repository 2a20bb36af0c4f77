package dev.quire.evaluation.benchmark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.evaluation.Measure;
import dev.quire.evaluation.Metric;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KnownItemBenchmarkTest {

  @TempDir Path dir;

  @Test
  void eachKindIsABenchmarkOverOneIndexWithThePlainBm25AsReference() throws IOException {
    Path set = dir.resolve("manuals");
    writePdf(set.resolve("corpus/guide/intro.pdf"),
        "Welcome to the plotting guide for beginners.",
        "The legend is placed in the upper right corner unless you move it.",
        "Axes can be drawn on a logarithmic scale with the log option.");
    writePdf(set.resolve("corpus/faq.pdf"),
        "Installing the package needs a compiler and make.",
        "Memory errors usually come from very large matrices.");
    Files.writeString(set.resolve("queries.jsonl"), String.join("\n",
        line("c1", "copied", "The legend is placed in the upper right corner unless you move it.", "guide/intro.pdf", 2),
        line("c2", "copied", "Installing the package needs a compiler and make.", "faq.pdf", 1),
        line("p1", "paraphrased", "how do I get a log scale on the axes", "guide/intro.pdf", 3),
        ""), StandardCharsets.UTF_8);

    List<KnownItemBenchmark> benchmarks = KnownItemBenchmark.open(set);
    assertThat(benchmarks).extracting(Benchmark::name).containsExactly("manuals-copied", "manuals-paraphrased");
    assertThat(benchmarks).extracting(Benchmark::indexName).containsOnly("manuals-known-item");

    EvalSettings settings = new EvalSettings(dir.resolve("out"), dir.resolve("cache"), 10, 10, List.of(0.5), 0, 0,
        false, List.of(), dev.quire.evaluation.MetricsConfig.DEFAULT);
    EvalReport report = new BenchmarkRunner(settings, null, null, new EvalListener() {})
        .run(List.<Benchmark>copyOf(benchmarks), "test");

    DatasetResult copied = report.datasets().get(0);
    assertThat(copied.queries()).isEqualTo(2);
    assertThat(copied.variants().getFirst().mean(new Metric(Measure.PRECISION, 1))).isEqualTo(1.0);
    assertThat(copied.notes()).anySatisfy(note -> assertThat(note)
        .startsWith("reference: a plain BM25").contains("5 pages").contains("P@1 1.000"));
    DatasetResult paraphrased = report.datasets().get(1);
    assertThat(paraphrased.variants().getFirst().mean(new Metric(Measure.RECALL, 10))).isEqualTo(1.0);
    // one index for both kinds
    try (var indexes = Files.list(dir.resolve("cache/indexes"))) {
      assertThat(indexes.toList()).hasSize(1);
    }
  }

  @Test
  void badQueryFilesAreRefusedWithTheLine() throws IOException {
    Path set = dir.resolve("set");
    writePdf(set.resolve("corpus/a.pdf"), "Some text.");
    assertRefused(set, line("q", "copied", "text", "a.pdf", 0), "line 1: \"page\" must be a page number from 1");
    assertRefused(set, line("q", "copied", "text", "a.pdf", 1) + "\n" + line("q", "copied", "more", "a.pdf", 1),
        "line 2: query id q appears twice");
    assertRefused(set, line("q", "copied", " ", "a.pdf", 1), "the query is empty");
    assertRefused(set, line("q", "copied", "text", "b.pdf", 1), "query q points at b.pdf");
    assertRefused(set, "{\"id\": \"q\"", "line 1: not JSON");
    assertRefused(set, line("q", "Copied Text", "text", "a.pdf", 1), "kind \"Copied Text\"");
    assertThatThrownBy(() -> KnownItemBenchmark.open(dir.resolve("nothing")))
        .hasMessageContaining("has no corpus/ folder");
  }

  private static void assertRefused(Path set, String lines, String message) throws IOException {
    Files.writeString(set.resolve("queries.jsonl"), lines, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> KnownItemBenchmark.open(set)).isInstanceOf(IOException.class).hasMessageContaining(message);
  }

  private static String line(String id, String kind, String query, String file, int page) {
    return String.format("{\"id\": \"%s\", \"kind\": \"%s\", \"query\": \"%s\", \"file\": \"%s\", \"page\": %d}",
        id, kind, query, file, page);
  }

  private static void writePdf(Path file, String... pages) throws IOException {
    Files.createDirectories(file.getParent());
    try (PDDocument document = new PDDocument()) {
      for (String text : pages) {
        PDPage page = new PDPage();
        document.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(document, page)) {
          content.beginText();
          content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 12);
          content.newLineAtOffset(50, 700);
          content.showText(text);
          content.endText();
        }
      }
      document.save(file.toFile());
    }
  }
}
