package dev.quire.tasks.ask;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.Quire;
import dev.quire.generation.backend.ChatRequest;
import dev.quire.tasks.ReplayingGenerator;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.PDPage;
import org.apache.pdfbox.pdmodel.PDPageContentStream;
import org.apache.pdfbox.pdmodel.font.PDType1Font;
import org.apache.pdfbox.pdmodel.font.Standard14Fonts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Answers over numbered pages: citations checked, "not found" first-class, pages from search. */
class AskTaskTest {

  private static List<SourcePage> pages(int n) {
    List<SourcePage> pages = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      pages.add(new SourcePage(i, "doc" + i, i + 1, "/corpus/file" + i + ".pdf",
          new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB), "text of page " + i));
    }
    return pages;
  }

  private static Answer answer(String modelAnswer, int pageCount) {
    AskTask task = new AskTask();
    return task.ask(new ReplayingGenerator("r", List.of(modelAnswer)),
        new AskTask.Input("What is due?", pages(pageCount), null), d -> {}, () -> false);
  }

  @Test
  void citationsAreCheckedAgainstThePagesShown() {
    Answer answer = answer("The total due is $108.00 [2]. It is due April 2 [1, 7] [page 9].", 3);
    assertThat(answer.found()).isTrue();
    assertThat(answer.text()).isEqualTo("The total due is $108.00 [2]. It is due April 2 [1].");
    assertThat(answer.citations()).extracting(Citation::number).containsExactly(2, 1);
    assertThat(answer.citations().getFirst().documentId()).isEqualTo("doc2");
    assertThat(answer.citations().getFirst().pageNumber()).isEqualTo(3);
    assertThat(answer.warnings()).singleElement().asString()
        .contains("cited [7, 9]").contains("not among the 3 pages shown");
  }

  @Test
  void rangesAndThinkingAreRead() {
    Answer answer = answer("<think>page 2 has it</think>Both invoices are paid [1-3].", 4);
    assertThat(answer.text()).isEqualTo("Both invoices are paid [1, 2, 3].");
    assertThat(answer.citations()).extracting(Citation::number).containsExactly(1, 2, 3);
    assertThat(answer.warnings()).isEmpty();
  }

  @Test
  void notFoundIsAFirstClassAnswer() {
    Answer answer = answer("NOT FOUND. The pages are invoices from Acme [1].", 2);
    assertThat(answer.found()).isFalse();
    assertThat(answer.text()).isEqualTo("Not found in these pages. The pages are invoices from Acme [1].");
    assertThat(answer.warnings()).isEmpty();
    Answer bare = answer("not found", 2);
    assertThat(bare.found()).isFalse();
    assertThat(bare.text()).isEqualTo("Not found in these pages.");
    Answer empty = answer("  ", 2);
    assertThat(empty.found()).isFalse();
    assertThat(empty.warnings()).contains("the model gave no answer");
  }

  @Test
  void anAnswerCitingNothingIsFlagged() {
    Answer answer = answer("It is $5.", 2);
    assertThat(answer.found()).isTrue();
    assertThat(answer.citations()).isEmpty();
    assertThat(answer.warnings()).anyMatch(w -> w.contains("cites no page"));
  }

  @Test
  void theRequestNumbersEachPageWithItsImageAndText() throws Exception {
    AskTask task = new AskTask();
    List<SourcePage> pages = new ArrayList<>(pages(2));
    pages.set(1, new SourcePage(2, "d", 4, "", null, "only text"));
    ChatRequest request = task.request(new AskTask.Input("Who signed?", pages, "Answer in French."));
    assertThat(request.images()).hasSize(1);
    String json = new ObjectMapper().writeValueAsString(request.messages());
    assertThat(json).contains("[1] file1.pdf, page 2:", "[2] document d, page 4:", "Text of page [2]:\\nonly text",
        "Question: Who signed?\\nAnswer in French.", "NOT FOUND");
    assertThat(request.messages().getFirst().get("role")).isEqualTo("system");
    assertThatThrownBy(() -> new AskTask.Input(" ", pages, null)).hasMessageContaining("question is empty");
  }

  @Test
  void theAnswerStreamsAndCitesPagesQuireFinds(@TempDir Path dir) throws IOException {
    Path corpus = dir.resolve("corpus");
    java.nio.file.Files.createDirectories(corpus);
    writePdf(corpus.resolve("handbook.pdf"), "The office opens at nine in the morning.",
        "The vacation policy grants twenty five days of leave each year.");
    writePdf(corpus.resolve("invoice.pdf"), "Invoice INV-7 total due 108 dollars.");
    try (Quire quire = Quire.open(dir.resolve("index"))) {
      quire.index(List.of(corpus));
      List<SourcePage> shown = RetrievedPages.search(quire, "How many vacation days are granted?", 2, true);
      assertThat(shown).isNotEmpty();
      assertThat(shown.getFirst().source()).endsWith("handbook.pdf");
      assertThat(shown.getFirst().pageNumber()).isEqualTo(2);
      assertThat(shown.getFirst().text()).contains("twenty five days");
      assertThat(shown.getFirst().image()).isNotNull();
      assertThat(RetrievedPages.search(quire, "vacation", 1, false).getFirst().image()).isNull();

      StringBuilder streamed = new StringBuilder();
      Answer answer = new AskTask().ask(new ReplayingGenerator("r", List.of("Twenty five days [1].")),
          new AskTask.Input("How many vacation days are granted?", shown, null), streamed::append, () -> false);
      assertThat(streamed.toString()).isEqualTo("Twenty five days [1].");
      assertThat(answer.citations()).singleElement().satisfies(c -> {
        assertThat(c.source()).endsWith("handbook.pdf");
        assertThat(c.pageNumber()).isEqualTo(2);
      });
      assertThatThrownBy(() -> RetrievedPages.search(quire, "x", 0, true)).hasMessageContaining("1..20");
    }
  }

  static void writePdf(Path file, String... pages) throws IOException {
    try (PDDocument pdf = new PDDocument()) {
      for (String text : pages) {
        PDPage page = new PDPage();
        pdf.addPage(page);
        try (PDPageContentStream content = new PDPageContentStream(pdf, page)) {
          content.beginText();
          content.setFont(new PDType1Font(Standard14Fonts.FontName.HELVETICA), 14);
          content.newLineAtOffset(72, 700);
          content.showText(text);
          content.endText();
        }
      }
      pdf.save(file.toFile());
    }
  }
}
