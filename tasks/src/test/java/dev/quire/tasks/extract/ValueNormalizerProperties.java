package dev.quire.tasks.extract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigDecimal;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/** Amounts and dates printed the ways documents print them read back to the same value. */
class ValueNormalizerProperties {

  @Property(tries = 500)
  void amountsPrintedInAnyCommonStyleReadBack(@ForAll @LongRange(min = -99_999_999_99L, max = 99_999_999_99L) long cents,
      @ForAll("styles") String style) {
    BigDecimal amount = BigDecimal.valueOf(cents, 2);
    Locale locale = switch (style) {
      case "us" -> Locale.US;
      case "de" -> Locale.GERMANY;
      case "fr" -> Locale.FRANCE;
      default -> new Locale("de", "CH");
    };
    DecimalFormat format = new DecimalFormat("#,##0.00", DecimalFormatSymbols.getInstance(locale));
    String printed = format.format(amount.abs());
    printed = (cents < 0 ? "-" : "") + (style.equals("us") ? "$" + printed : printed + " €");
    ValueNormalizer.Normalized read =
        ValueNormalizer.normalize(FieldKind.MONEY, JsonNodeFactory.instance.textNode(printed), false);
    assertThat(read.ok()).as(printed + ": " + read.problem()).isTrue();
    assertThat(read.value().decimalValue()).as(printed).isEqualByComparingTo(amount);
  }

  @Provide
  Arbitrary<String> styles() {
    return Arbitraries.of("us", "de", "fr", "ch");
  }

  @Property(tries = 500)
  void datesPrintedInTheCorpusPatternsReadBack(@ForAll @IntRange(min = 0, max = 40_000) int day,
      @ForAll("patterns") String pattern) {
    LocalDate date = LocalDate.of(1950, 1, 1).plusDays(day);
    String printed = DateTimeFormatter.ofPattern(pattern, Locale.US).format(date);
    ValueNormalizer.Normalized read =
        ValueNormalizer.normalize(FieldKind.DATE, JsonNodeFactory.instance.textNode(printed), false);
    assertThat(read.ok()).as(printed + ": " + read.problem()).isTrue();
    assertThat(read.value().asText()).as(printed).isEqualTo(date.toString());
  }

  @Provide
  Arbitrary<String> patterns() {
    return Arbitraries.of("MMMM d, yyyy", "MM/dd/yyyy", "yyyy-MM-dd", "d MMM yyyy", "MMM d, yyyy",
        "EEEE, MMMM d, yyyy", "dd.MM.yyyy", "M/d/yyyy");
  }
}
