package dev.quire.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.quire.datasets.DocumentReader;
import dev.quire.datasets.LoadedDocument;
import dev.quire.datasets.Page;
import dev.quire.datasets.ReaderConfig;
import dev.quire.datasets.TextSource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.pdfbox.Loader;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.text.PDFTextStripper;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SyntheticCorpusTest {
  private static final long SEED = 20_240_917L;

  @TempDir static Path corpusDir;

  private static CorpusManifest manifest;
  private static List<GroundTruthPage> truth;

  /** The text layer of every page, as PDFBox extracts it, keyed by "file#page". */
  private static final Map<String, String> extracted = new HashMap<>();

  @BeforeAll
  static void generate() throws IOException {
    long start = System.nanoTime();
    manifest = SyntheticCorpus.generate(corpusDir, 40, SEED);
    System.out.printf(
        "Generated %d documents, %d pages in %.2f s%n",
        manifest.documents().size(), manifest.pageCount(), (System.nanoTime() - start) / 1e9);
    truth = GroundTruth.read(corpusDir);
    PDFTextStripper stripper = new PDFTextStripper();
    stripper.setSortByPosition(true); // as DocumentReader reads them
    for (CorpusDocument document : manifest.documents()) {
      try (PDDocument pdf = Loader.loadPDF(corpusDir.resolve(document.file()).toFile())) {
        for (int page = 1; page <= pdf.getNumberOfPages(); page++) {
          stripper.setStartPage(page);
          stripper.setEndPage(page);
          extracted.put(document.file() + "#" + page, stripper.getText(pdf));
        }
      }
    }
  }

  private static String layer(GroundTruthPage page) {
    return extracted.get(page.document() + "#" + page.page());
  }

  private static List<String> tokens(String text) {
    return Arrays.stream(text.strip().split("\\s+")).filter(t -> !t.isEmpty()).sorted().toList();
  }

  @Test
  void groundTruthHasOneLinePerPageOfEveryDocument() {
    assertThat(truth).hasSize(manifest.pageCount());
    for (CorpusDocument document : manifest.documents()) {
      assertThat(corpusDir.resolve(document.file())).isRegularFile();
      List<Integer> pages =
          truth.stream()
              .filter(p -> p.document().equals(document.file()))
              .map(GroundTruthPage::page)
              .toList();
      assertThat(pages)
          .as(document.file())
          .containsExactlyElementsOf(
              java.util.stream.IntStream.rangeClosed(1, document.pageCount()).boxed().toList());
      assertThat(extracted).containsKey(document.file() + "#" + document.pageCount());
    }
  }

  @Test
  void theCorpusCoversEveryKindOfDocument() {
    Set<String> types =
        manifest.documents().stream().map(CorpusDocument::type).collect(Collectors.toSet());
    assertThat(types)
        .contains("invoice", "receipt", "bank_statement", "W2", "report", "slides", "contract");
    assertThat(types).anyMatch(t -> t.startsWith("1099-"));
    assertThat(manifest.documents())
        .anyMatch(d -> d.type().equals("bank_statement") && d.pageCount() >= 2);
    assertThat(manifest.documents()).anyMatch(d -> d.type().equals("report") && d.pageCount() >= 3);
    assertThat(
            manifest.documents().stream()
                .filter(CorpusDocument::scanned)
                .mapToInt(CorpusDocument::pageCount)
                .sum())
        .isEqualTo(2);
  }

  @Test
  void slidesAreLandscape() throws IOException {
    CorpusDocument deck =
        manifest.documents().stream()
            .filter(d -> d.type().equals("slides"))
            .findFirst()
            .orElseThrow();
    try (PDDocument pdf = Loader.loadPDF(corpusDir.resolve(deck.file()).toFile())) {
      for (PDPage page : pdf.getPages()) {
        assertThat(page.getMediaBox().getWidth()).isGreaterThan(page.getMediaBox().getHeight());
      }
    }
  }

  @Test
  void groundTruthTextIsExactlyTheTextLayer() {
    for (GroundTruthPage page : truth) {
      if (!page.scanned()) {
        assertThat(tokens(layer(page)))
            .as("%s page %d", page.document(), page.page())
            .isEqualTo(tokens(page.text()));
      }
    }
  }

  @Test
  void scannedPagesHaveNoTextLayer() {
    List<GroundTruthPage> scanned = truth.stream().filter(GroundTruthPage::scanned).toList();
    assertThat(scanned).isNotEmpty();
    for (GroundTruthPage page : scanned) {
      assertThat(layer(page)).isBlank();
      assertThat(page.text()).isNotBlank();
    }
  }

  @Test
  void ocrRecoversMostOfAScannedPage() throws Exception {
    GroundTruthPage scan =
        truth.stream().filter(GroundTruthPage::scanned).findFirst().orElseThrow();
    try (DocumentReader reader = new DocumentReader(ReaderConfig.defaults())) {
      Assumptions.assumeTrue(
          reader.ocr().available(),
          () -> "Tesseract is not installed, OCR check skipped: " + reader.ocr().status());
      try (LoadedDocument document = reader.open(corpusDir.resolve(scan.document()))) {
        Page page = document.page(scan.page());
        assertThat(page.textSource()).isEqualTo(TextSource.OCR);
        List<String> expected = tokens(scan.text());
        Set<String> recognised = Set.copyOf(tokens(page.text()));
        long found = expected.stream().filter(recognised::contains).count();
        assertThat((double) found / expected.size())
            .as("share of words OCR recovered from %s", scan.document())
            .isGreaterThan(0.6);
      }
    }
  }

  @Test
  void everyFieldAndTableCellIsPrintedOnItsPage() {
    for (GroundTruthPage page : truth) {
      assertThat(page.fields()).as("%s page %d", page.document(), page.page()).isNotEmpty();
      page.fields()
          .forEach(
              (name, value) -> {
                // A multi-line value (an address) is printed line by line; other text may sit
                // beside it.
                for (String line : value.split("\n")) {
                  assertThat(Phrases.contains(page.text(), line))
                      .as("%s page %d field %s = %s", page.document(), page.page(), name, value)
                      .isTrue();
                }
              });
      for (TableCells table : page.tables()) {
        int width = table.rows().get(0).size();
        for (List<String> row : table.rows()) {
          assertThat(row).hasSize(width);
          row.stream()
              .filter(cell -> !cell.isEmpty())
              .forEach(
                  cell ->
                      assertThat(Phrases.contains(page.text(), cell))
                          .as("%s page %d cell %s", page.document(), page.page(), cell)
                          .isTrue());
        }
      }
    }
  }

  @Test
  void typicalFieldsArePresent() {
    Map<String, List<String>> required =
        Map.of(
            "invoice", List.of("invoice_number", "due_date", "vendor_name"),
            "receipt", List.of("merchant_name", "total", "date"),
            "W2", List.of("employer_ein", "employee_name", "wages", "federal_tax_withheld"),
            "bank_statement", List.of("account_number", "statement_period"));
    for (GroundTruthPage page : truth) {
      if (page.page() == 1 && required.containsKey(page.type())) {
        assertThat(page.fields())
            .as(page.document())
            .containsKeys(required.get(page.type()).toArray(String[]::new));
      }
    }
  }

  @Test
  void everyQuestionIsAnsweredByItsPageAndNoOther() {
    for (GroundTruthPage page : truth) {
      assertThat(page.questions())
          .as("%s page %d", page.document(), page.page())
          .hasSizeBetween(1, 3);
      for (QuestionAnswer qa : page.questions()) {
        String where = page.document() + " page " + page.page() + ": " + qa;
        assertThat(qa.question()).as(where).endsWith("?").contains(qa.entity());
        assertThat(Phrases.contains(qa.question(), qa.answer())).as(where).isFalse();
        List<GroundTruthPage> answering =
            truth.stream()
                .filter(
                    p ->
                        Phrases.contains(p.text(), qa.entity())
                            && Phrases.contains(p.text(), qa.answer()))
                .toList();
        assertThat(answering).as(where).containsExactly(page);
      }
    }
  }

  @Test
  void questionEntitiesSingleOutTheirDocument() {
    for (GroundTruthPage page : truth) {
      for (QuestionAnswer qa : page.questions()) {
        Set<String> documents =
            truth.stream()
                .filter(p -> Phrases.contains(p.text(), qa.entity()))
                .map(GroundTruthPage::document)
                .collect(Collectors.toSet());
        assertThat(documents)
            .as("documents naming %s", qa.entity())
            .containsExactly(page.document());
      }
    }
  }

  @Test
  void theSameSeedGivesTheSameBytes(@TempDir Path first, @TempDir Path second) throws IOException {
    SyntheticCorpus.generate(first, 5, 7);
    SyntheticCorpus.generate(second, 5, 7);
    List<Path> files = listing(first);
    assertThat(files).hasSize(6).isEqualTo(listing(second));
    for (Path name : files) {
      assertThat(Files.readAllBytes(second.resolve(name)))
          .as(name.toString())
          .isEqualTo(Files.readAllBytes(first.resolve(name)));
    }
  }

  @Test
  void anotherSeedGivesAnotherCorpus(@TempDir Path other) throws IOException {
    SyntheticCorpus.generate(other, 3, SEED + 1);
    List<GroundTruthPage> otherTruth = GroundTruth.read(other);
    assertThat(otherTruth.get(0).text()).isNotEqualTo(truth.get(0).text());
  }

  private static List<Path> listing(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.map(dir::relativize).sorted().collect(Collectors.toCollection(ArrayList::new));
    }
  }

  @Test
  void aCorpusNeedsDocuments(@TempDir Path dir) {
    assertThatThrownBy(() -> SyntheticCorpus.generate(dir, 0, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got 0");
  }

  @Test
  void readingAFolderWithoutGroundTruthSaysSo(@TempDir Path dir) {
    assertThatThrownBy(() -> GroundTruth.read(dir))
        .isInstanceOf(java.nio.file.NoSuchFileException.class)
        .hasMessageContaining("ground-truth.jsonl");
  }
}
