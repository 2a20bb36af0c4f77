package dev.quire.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped text model on by default: documents gain text vectors as they are indexed, search
 * fuses BM25 with the dense stage unless told otherwise, and the stages can be named.
 */
class DenseSearchApiTest {

  @TempDir Path data;

  @Test
  void searchIsHybridByDefaultWhereTheCollectionHasTextVectors() throws Exception {
    Map<String, String> settings = Map.of("textModel", "bge-small");
    try (QuireServer server = QuireServer.start(TestServers.config(data, settings), null)) {
      Http writer = new Http(server.port(), TestServers.ACME_WRITE);
      byte[] invoice = pdf("Balance due on this invoice: 1,240.00 dollars, payable in 30 days.");
      byte[] weather = pdf("Tomorrow will be sunny with a light breeze from the west.");
      Http.Response submitted = writer.upload("/v1/index?collection=acme&create=true",
          Http.files("invoice.pdf", invoice, "weather.pdf", weather), Map.of());
      JsonNode job = TestServers.awaitJob(writer, submitted.json().path("id").asText(), Duration.ofSeconds(120));
      assertThat(job.path("state").asText()).isEqualTo("COMPLETED");

      Http reader = new Http(server.port(), TestServers.ACME_READ);
      JsonNode hybrid = reader.post("/v1/search", Map.of("query", "money owed", "collection", "acme", "k", 2)).json();
      assertThat(hybrid.path("pipeline").asText()).contains("dense");
      assertThat(hybrid.path("hits").get(0).path("file_name").asText()).isEqualTo("invoice.pdf");
      JsonNode convex = reader.post("/v1/search", Map.of("query", "money owed", "collection", "acme", "k", 2,
          "fusion", "convex", "dense_weight", 0.9)).json();
      assertThat(convex.path("hits").get(0).path("file_name").asText()).isEqualTo("invoice.pdf");
      var badFusion = reader.post("/v1/search", Map.of("query", "money owed", "collection", "acme", "fusion", "max"));
      assertThat(badFusion.status()).isEqualTo(400);
      assertThat(badFusion.json().toString()).contains("expected rrf or convex").contains("fusion");
      var badWeight = reader.post("/v1/search", Map.of("query", "money owed", "collection", "acme", "dense_weight", 1.5));
      assertThat(badWeight.status()).isEqualTo(400);
      assertThat(badWeight.json().toString()).contains("dense_weight");
      JsonNode bm25 = reader.post("/v1/search", Map.of("query", "money owed", "collection", "acme",
          "first_stage", "bm25")).json();
      assertThat(bm25.path("hits")).isEmpty();
      JsonNode dense = reader.post("/v1/search", Map.of("query", "a sunny day", "collection", "acme",
          "first_stage", "dense", "k", 1)).json();
      assertThat(dense.path("hits").get(0).path("file_name").asText()).isEqualTo("weather.pdf");
    }
    try (QuireServer without = QuireServer.start(TestServers.config(data, Map.of()), null)) {
      Http.Response refused = new Http(without.port(), TestServers.ACME_READ).post("/v1/search",
          Map.of("query", "money owed", "collection", "acme", "first_stage", "dense"));
      assertThat(refused.status()).isEqualTo(503);
      assertThat(refused.body()).contains("textModel: none");
      Http.Response plain = new Http(without.port(), TestServers.ACME_READ).post("/v1/search",
          Map.of("query", "invoice", "collection", "acme"));
      assertThat(plain.status()).isEqualTo(200);
      assertThat(plain.json().path("pipeline").asText()).doesNotContain("dense");
    }
  }

  private static byte[] pdf(String text) throws Exception {
    try (org.apache.pdfbox.pdmodel.PDDocument pdf = new org.apache.pdfbox.pdmodel.PDDocument();
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
      org.apache.pdfbox.pdmodel.PDPage page = new org.apache.pdfbox.pdmodel.PDPage();
      pdf.addPage(page);
      try (var content = new org.apache.pdfbox.pdmodel.PDPageContentStream(pdf, page)) {
        content.beginText();
        content.setFont(new org.apache.pdfbox.pdmodel.font.PDType1Font(
            org.apache.pdfbox.pdmodel.font.Standard14Fonts.FontName.HELVETICA), 14);
        content.newLineAtOffset(72, 700);
        content.showText(text);
        content.endText();
      }
      pdf.save(out);
      return out.toByteArray();
    }
  }
}
