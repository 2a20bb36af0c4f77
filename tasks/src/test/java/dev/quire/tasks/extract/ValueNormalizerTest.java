package dev.quire.tasks.extract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Each kind's reading of values as documents print them. */
class ValueNormalizerTest {

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private static ValueNormalizer.Normalized read(FieldKind kind, String text) {
    return ValueNormalizer.normalize(kind, F.textNode(text), false);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "2024-03-15|2024-03-15", "2024/3/5|2024-03-05", "03/15/2024|2024-03-15", "3/5/24|2024-03-05",
      "15/03/2024|2024-03-15", "15.03.2024|2024-03-15", "March 15, 2024|2024-03-15",
      "Mar 15, 2024|2024-03-15", "Mar. 5 2024|2024-03-05", "15 Mar 2024|2024-03-15",
      "5th of March 2024|2024-03-05", "Friday, March 15, 2024|2024-03-15", "Sept 1, 2023|2023-09-01",
      "12/31/99|1999-12-31"})
  void datesReadAsIso(String printed, String iso) {
    ValueNormalizer.Normalized read = read(FieldKind.DATE, printed);
    assertThat(read.ok()).as(read.problem()).isTrue();
    assertThat(read.value().asText()).isEqualTo(iso);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {"02/30/2024", "Marble 5, 2024", "next Tuesday", "2024-13-01"})
  void notDatesKeepTheirTextAndSayWhy(String printed) {
    ValueNormalizer.Normalized read = read(FieldKind.DATE, printed);
    assertThat(read.ok()).isFalse();
    assertThat(read.value().asText()).isEqualTo(printed);
    assertThat(read.problem()).contains(printed);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "$1,234.50|1234.50|USD", "1234.5|1234.50|", "€1.234,50|1234.50|EUR", "1 234,50 €|1234.50|EUR",
      "£12|12.00|GBP", "-$12.00|-12.00|USD", "($12.00)|-12.00|USD", "USD 75,000.00|75000.00|USD",
      "+1,200.00|1200.00|", "1,234|1234.00|", "12,5|12.50|", "1.234.567|1234567.00|",
      "CHF 1'250.00|1250.00|CHF", "12.00-|-12.00|"})
  void amountsReadAsDecimalsWithTheirCurrency(String printed, String amount, String currency) {
    ValueNormalizer.Normalized read = read(FieldKind.MONEY, printed);
    assertThat(read.ok()).as(read.problem()).isTrue();
    assertThat(read.value().decimalValue()).isEqualByComparingTo(amount);
    assertThat(read.value().decimalValue().scale()).isGreaterThanOrEqualTo(2);
    assertThat(read.currency()).isEqualTo(currency);
  }

  @Test
  void notAmountsAndNumbersAsGiven() {
    assertThat(read(FieldKind.MONEY, "twelve dollars").ok()).isFalse();
    assertThat(read(FieldKind.MONEY, "ABC 12.00").problem()).contains("no currency");
    JsonNode number = ValueNormalizer.normalize(FieldKind.MONEY, F.numberNode(75000), false).value();
    assertThat(number.decimalValue()).isEqualByComparingTo("75000.00");
    assertThat(number.toString()).isEqualTo("75000.00");
    assertThat(read(FieldKind.PERCENT, "8.25 %").value().decimalValue()).isEqualByComparingTo("8.25");
    assertThat(read(FieldKind.MONEY, "  ").value().isNull()).isTrue();
    assertThat(ValueNormalizer.normalize(FieldKind.DATE, null, false).value().isNull()).isTrue();
  }

  @Test
  void emailsAndPhones() {
    assertThat(read(FieldKind.EMAIL, "mailto:Billing@Example.COM").value().asText()).isEqualTo("Billing@example.com");
    assertThat(read(FieldKind.EMAIL, "billing at example.com").ok()).isFalse();
    assertThat(read(FieldKind.PHONE, "(415) 555-0132").value().asText()).isEqualTo("+14155550132");
    assertThat(read(FieldKind.PHONE, "+44 20 7946 0958").value().asText()).isEqualTo("+442079460958");
    assertThat(read(FieldKind.PHONE, "12").ok()).isFalse();
  }

  @Test
  void identifiersAreMaskedUnlessRevealed() {
    assertThat(read(FieldKind.SSN, "123-45-6789").value().asText()).isEqualTo("***-**-6789");
    assertThat(read(FieldKind.EIN, "12-3456789").value().asText()).isEqualTo("**-***6789");
    assertThat(read(FieldKind.TIN, "123-45-6789").value().asText()).isEqualTo("***-**-6789");
    assertThat(read(FieldKind.TIN, "12-3456789").value().asText()).isEqualTo("**-***6789");
    // a 1099's Copy B prints the recipient's TIN masked with letters: read as Quire's mask
    assertThat(read(FieldKind.SSN, "XXX-XX-1234").value().asText()).isEqualTo("***-**-1234");
    assertThat(ValueNormalizer.normalize(FieldKind.SSN, F.textNode("123 45 6789"), true).value().asText())
        .isEqualTo("123-45-6789");
    assertThat(ValueNormalizer.normalize(FieldKind.EIN, F.textNode("123456789"), true).value().asText())
        .isEqualTo("12-3456789");
    assertThat(read(FieldKind.SSN, "123-45-678").ok()).isFalse();
    assertThat(read(FieldKind.SSN, "123-45-678").value().asText()).as("an unread SSN is still not shown whole")
        .isEqualTo("123-45-678");
  }
}
