package dev.quire.tasks.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatLogprob;
import dev.quire.generation.FinishReason;
import dev.quire.tasks.ReplayingGenerator;
import dev.quire.tasks.output.UnparseableOutputException;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** Extraction over recorded answers: normalised, merged across pages, checked, with confidences. */
class ExtractTaskTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static List<BufferedImage> pages(int n) {
    List<BufferedImage> pages = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      pages.add(new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB));
    }
    return pages;
  }

  private static Extraction extract(String docType, boolean reveal, String... answers) {
    ExtractTask task = new ExtractTask();
    return task.extract(new ReplayingGenerator("r", List.of(answers)),
        new ExtractTask.Input(pages(answers.length), null, ExtractionSchema.builtIn(docType), null, reveal));
  }

  @Test
  void aTwoPageInvoiceMergesHeaderFromPageOneAndLineItemsInOrder() {
    String page1 = """
        ```json
        {"invoice_number": "INV-0042", "invoice_date": "March 3, 2024", "due_date": "04/02/2024",
         "vendor_name": "Acme Corp", "vendor_email": "Billing@ACME.example", "vendor_phone": "(415) 555-0132",
         "customer_name": "Globex", "line_items": [
           {"description": "Widgets", "quantity": 2, "unit_price": "$10.00", "amount": "$20.00"},
           {"description": "Gadgets", "quantity": "3", "unit_price": "$5.00", "amount": "$15.00"}],
         "subtotal": null, "tax": null, "total": null, "notes": "dropped"}
        ```""";
    String page2 = """
        {"invoice_number": "INV-0042", "invoice_date": null, "line_items": [
           {"description": "Sprockets", "quantity": 1, "unit_price": "$65.00", "amount": "$65.00"}],
         "subtotal": "$100.00", "tax_rate": "8%", "tax": "$8.00", "total": "$108.00",}""";
    Extraction result = extract("invoice", false, page1, page2);

    JsonNode data = result.data();
    assertThat(data.get("invoice_date").asText()).isEqualTo("2024-03-03");
    assertThat(data.get("due_date").asText()).isEqualTo("2024-04-02");
    assertThat(data.get("vendor_email").asText()).isEqualTo("Billing@acme.example");
    assertThat(data.get("vendor_phone").asText()).isEqualTo("+14155550132");
    assertThat(data.get("total").decimalValue()).isEqualByComparingTo("108.00");
    assertThat(data.get("tax_rate").decimalValue()).isEqualByComparingTo("8");
    assertThat(data.get("line_items")).hasSize(3);
    assertThat(data.get("line_items").get(2).get("description").asText()).isEqualTo("Sprockets");
    assertThat(data.get("line_items").get(1).get("quantity").asInt()).isEqualTo(3);
    assertThat(data.has("subtotal")).isTrue();
    assertThat(data.has("po_number")).as("absent fields are left out").isFalse();
    assertThat(data.has("notes")).isFalse();

    Map<String, FieldValue> byPath = new java.util.HashMap<>();
    result.fields().forEach(f -> byPath.put(f.path(), f));
    assertThat(byPath.get("invoice_number").page()).isEqualTo(1);
    assertThat(byPath.get("total").page()).isEqualTo(2);
    assertThat(byPath.get("total").printed()).isEqualTo("$108.00");
    assertThat(byPath.get("total").currency()).isEqualTo("USD");
    assertThat(byPath.get("line_items[2].amount").page()).isEqualTo(2);
    assertThat(byPath.get("line_items[0].amount").value().decimalValue()).isEqualByComparingTo("20.00");
    assertThat(result.pageCount()).isEqualTo(2);
    assertThat(result.confidence()).as("no token probabilities were recorded").isEmpty();
    assertThat(result.warnings()).anyMatch(w -> w.contains("dropped $.notes"));
    assertThat(result.warnings()).noneMatch(w -> w.contains("sum to") || w.contains("not the total"));
  }

  @Test
  void crossFieldChecksNameTheFieldsThatDisagree() {
    String answer = """
        {"invoice_number": "7", "invoice_date": "2024-05-10", "due_date": "2024-05-01",
         "line_items": [{"description": "a", "quantity": 2, "unit_price": "10.00", "amount": "21.00"},
                        {"description": "b", "quantity": 1, "unit_price": "5.00", "amount": "5.00"}],
         "subtotal": "25.00", "tax": "2.00", "total": "28.00"}""";
    List<String> warnings = extract("invoice", false, answer).warnings();
    assertThat(warnings).anyMatch(w -> w.contains("line_items[].amount sum to 26.00") && w.contains("subtotal 25.00"));
    assertThat(warnings).anyMatch(w -> w.contains("line_items[0]") && w.contains("not the amount 21.00"));
    assertThat(warnings).anyMatch(w -> w.contains("subtotal 25.00 + tax 2.00 is 27.00, not the total 28.00"));
    assertThat(warnings).anyMatch(w -> w.contains("invoice_date 2024-05-10 is after due_date 2024-05-01"));

    String statement = """
        {"bank_name": "First", "account_number": "1234", "statement_period_start": "01/01/2024",
         "statement_period_end": "01/31/2024", "beginning_balance": "$1,000.00",
         "total_deposits": "+$500.00", "total_withdrawals": "-$200.00", "ending_balance": "$1,300.00"}""";
    assertThat(extract("bank_statement", false, statement).warnings()).isEmpty();
    String wrong = statement.replace("$1,300.00", "$1,400.00");
    assertThat(extract("bank_statement", false, wrong).warnings())
        .anyMatch(w -> w.contains("not the ending_balance 1400.00"));
  }

  @Test
  void aW2MasksIdentifiersUnlessRevealedAndChecksItsBoxes() {
    String answer = """
        {"tax_year": 2024, "employer_name": "Acme", "employer_ein": "12-3456789", "employee_name": "Jo Doe",
         "employee_ssn": "123-45-6789", "wages": "75,000.00", "federal_tax_withheld": "12,000.00",
         "social_security_wages": "75,000.00", "social_security_tax": "4,650.00",
         "medicare_wages": "75,000.00", "medicare_tax": "900.00"}""";
    Extraction masked = extract("W2", false, answer);
    assertThat(masked.data().get("employee_ssn").asText()).isEqualTo("***-**-6789");
    assertThat(masked.data().get("employer_ein").asText()).isEqualTo("**-***6789");
    assertThat(masked.data().get("wages").toString()).isEqualTo("75000.00");
    assertThat(masked.warnings()).singleElement().asString()
        .contains("medicare_tax 900.00 is below 1.45% of medicare_wages");
    Extraction revealed = extract("W2", true, answer);
    assertThat(revealed.data().get("employee_ssn").asText()).isEqualTo("123-45-6789");
  }

  @Test
  void aPageWithoutJsonIsReportedAndTheOthersKept() {
    Extraction result = extract("receipt", false, "Sorry, I cannot read this page.",
        "{\"merchant_name\": \"CAFE\", \"total\": \"4.50\", \"date\": \"someday\"}");
    assertThat(result.data().get("merchant_name").asText()).isEqualTo("CAFE");
    assertThat(result.data().get("date").asText()).as("an unread date keeps its text").isEqualTo("someday");
    assertThat(result.warnings()).anyMatch(w -> w.startsWith("page 1: no value in the model's answer"));
    assertThat(result.warnings()).anyMatch(w -> w.contains("page 2: date: 'someday' is not a date"));
    assertThatThrownBy(() -> extract("receipt", false, "no", "nothing here"))
        .isInstanceOf(UnparseableOutputException.class);
  }

  @Test
  void conflictingValuesOnLaterPagesAreReportedAndTheFirstKept() {
    Extraction result = extract("receipt", false, "{\"merchant_name\": \"CAFE\", \"total\": \"4.50\"}",
        "{\"merchant_name\": \"CAFE\", \"total\": \"5.50\"}");
    assertThat(result.data().get("total").decimalValue()).isEqualByComparingTo("4.50");
    assertThat(result.warnings()).anyMatch(w -> w.contains("total is 4.50 on page 1 but 5.50 on page 2"));
  }

  @Test
  void confidenceIsTheProductOfTheValueTokensProbabilities() {
    // {"invoice_number":"A7","total":"$1.00"} spelt by tokens of known drawn probabilities
    List<ChatLogprob> tokens = List.of(tok("{\"invoice_number\":\"", 0), tok("A", Math.log(0.8)),
        tok("7\",\"", Math.log(0.5)), tok("total\":\"", 0), tok("$1", Math.log(0.9)),
        tok(".00", Math.log(0.95)), tok("\"}", 0));
    StringBuilder text = new StringBuilder();
    tokens.forEach(t -> text.append(t.token()));
    ChatCompletion completion = new ChatCompletion(text.toString(), tokens, FinishReason.STOP,
        new ChatCompletion.Usage(10, tokens.size()), 0);
    Extraction result = new ExtractTask().extract(ReplayingGenerator.ofCompletions("r", List.of(completion)),
        new ExtractTask.Input(pages(1), List.of("INVOICE A7"), ExtractionSchema.builtIn("invoice"), null, false));
    assertThat(result.confidence().get("invoice_number")).isCloseTo(0.4, Offset.offset(1e-12));
    assertThat(result.confidence().get("total")).isCloseTo(0.855, Offset.offset(1e-12));
  }

  private static ChatLogprob tok(String text, double drawn) {
    return new ChatLogprob(text, text.getBytes(StandardCharsets.UTF_8), drawn, drawn, List.of());
  }

  @Test
  void theRequestAsksForOnePageUnderTheAnswerSchemaWithItsText() throws Exception {
    ExtractTask task = new ExtractTask();
    ExtractTask.Input input = new ExtractTask.Input(pages(3), List.of("", "Total due $5.00"),
        ExtractionSchema.builtIn("receipt"), "Amounts are in USD.", false);
    var request = task.request(new ExtractTask.PageInput(input, 2));
    assertThat(request.images()).hasSize(1).containsExactly(input.pages().get(1));
    String prompt = JSON.writeValueAsString(request.messages());
    assertThat(prompt).contains("page 2 of 3", "Receipt (receipt)", "- items: every item, in order; each with",
        "Total due $5.00", "Amounts are in USD.");
    JsonNode answer = task.outputSchema(new ExtractTask.PageInput(input, 2));
    assertThat(answer.path("required")).hasSize(answer.path("properties").size());
    assertThat(answer.at("/properties/total/type").toString()).isEqualTo("[\"string\",\"null\"]");
    assertThat(request.responseFormat().schema()).isEqualTo(answer);
  }
}
