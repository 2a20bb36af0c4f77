package dev.quire.tasks.extract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * Relations between a document's fields that its printed values must keep, checked after
 * extraction: a failure is a warning naming the fields (the model misread one, or the document
 * is wrong), never a changed value. A check whose fields are missing is skipped.
 */
public final class CrossFieldChecks {

  /** Within a cent per term: printed amounts are rounded. */
  private static final BigDecimal CENT = new BigDecimal("0.01");

  private static final Map<String, BiConsumer<ObjectNode, List<String>>> BY_TYPE = Map.of(
      "invoice", CrossFieldChecks::invoice,
      "receipt", CrossFieldChecks::receipt,
      "bank_statement", CrossFieldChecks::bankStatement,
      "credit_card_statement", CrossFieldChecks::creditCardStatement,
      "W2", CrossFieldChecks::w2);

  private CrossFieldChecks() {}

  /** The warnings for {@code data} of {@code docType} (none for types without checks). */
  public static List<String> check(String docType, ObjectNode data) {
    List<String> warnings = new ArrayList<>();
    BiConsumer<ObjectNode, List<String>> checks = BY_TYPE.get(docType);
    if (checks != null) {
      checks.accept(data, warnings);
    }
    return warnings;
  }

  private static void invoice(ObjectNode d, List<String> w) {
    itemsSum(d, "line_items", "amount", "subtotal", w);
    JsonNode items = d.path("line_items");
    for (int i = 0; i < items.size(); i++) {
      BigDecimal quantity = number(items.get(i), "quantity");
      BigDecimal price = number(items.get(i), "unit_price");
      BigDecimal amount = number(items.get(i), "amount");
      if (quantity != null && price != null && amount != null
          && !close(quantity.multiply(price), amount, CENT)) {
        w.add("line_items[" + i + "]: quantity " + plain(quantity) + " × unit_price " + plain(price)
            + " is " + plain(quantity.multiply(price).setScale(2, RoundingMode.HALF_UP))
            + ", not the amount " + plain(amount));
      }
    }
    sum(d, List.of("subtotal", "tax", "shipping"), "total", w);
    ordered(d, "invoice_date", "due_date", w);
  }

  private static void receipt(ObjectNode d, List<String> w) {
    itemsSum(d, "items", "amount", "subtotal", w);
    sum(d, List.of("subtotal", "tax", "tip"), "total", w);
  }

  private static void bankStatement(ObjectNode d, List<String> w) {
    BigDecimal begin = number(d, "beginning_balance");
    BigDecimal in = number(d, "total_deposits");
    BigDecimal out = number(d, "total_withdrawals");
    BigDecimal end = number(d, "ending_balance");
    if (begin != null && in != null && out != null && end != null) {
      BigDecimal expected = begin.add(in.abs()).subtract(out.abs());
      if (!close(expected, end, CENT)) {
        w.add("beginning_balance " + plain(begin) + " + total_deposits " + plain(in.abs())
            + " - total_withdrawals " + plain(out.abs()) + " is " + plain(expected)
            + ", not the ending_balance " + plain(end));
      }
    }
    ordered(d, "statement_period_start", "statement_period_end", w);
  }

  private static void creditCardStatement(ObjectNode d, List<String> w) {
    BigDecimal previous = number(d, "previous_balance");
    BigDecimal now = number(d, "new_balance");
    if (previous != null && now != null) {
      BigDecimal expected = previous.subtract(orZero(number(d, "payments_and_credits")).abs())
          .add(orZero(number(d, "purchases"))).add(orZero(number(d, "fees")))
          .add(orZero(number(d, "interest_charged")));
      if (!close(expected, now, CENT)) {
        w.add("previous_balance - payments_and_credits + purchases + fees + interest_charged is "
            + plain(expected) + ", not the new_balance " + plain(now));
      }
    }
    ordered(d, "statement_period_start", "statement_period_end", w);
  }

  private static void w2(ObjectNode d, List<String> w) {
    // box 4 is 6.2% of box 3, box 6 at least 1.45% of box 5 (more with the additional Medicare tax)
    BigDecimal ssWages = number(d, "social_security_wages");
    BigDecimal ssTax = number(d, "social_security_tax");
    if (ssWages != null && ssTax != null) {
      BigDecimal expected = ssWages.multiply(new BigDecimal("0.062")).setScale(2, RoundingMode.HALF_UP);
      if (!close(expected, ssTax, BigDecimal.ONE)) {
        w.add("social_security_tax " + plain(ssTax) + " is not 6.2% of social_security_wages "
            + plain(ssWages) + " (" + plain(expected) + ")");
      }
    }
    BigDecimal medicareWages = number(d, "medicare_wages");
    BigDecimal medicareTax = number(d, "medicare_tax");
    if (medicareWages != null && medicareTax != null) {
      BigDecimal expected = medicareWages.multiply(new BigDecimal("0.0145")).setScale(2, RoundingMode.HALF_UP);
      if (medicareTax.compareTo(expected.subtract(BigDecimal.ONE)) < 0) {
        w.add("medicare_tax " + plain(medicareTax) + " is below 1.45% of medicare_wages "
            + plain(medicareWages) + " (" + plain(expected) + ")");
      }
    }
    BigDecimal wages = number(d, "wages");
    BigDecimal withheld = number(d, "federal_tax_withheld");
    if (wages != null && withheld != null && withheld.compareTo(wages) > 0) {
      w.add("federal_tax_withheld " + plain(withheld) + " exceeds wages " + plain(wages));
    }
    BigDecimal stateWages = number(d, "state_wages");
    BigDecimal stateTax = number(d, "state_tax");
    if (stateWages != null && stateTax != null && stateTax.compareTo(stateWages) > 0) {
      w.add("state_tax " + plain(stateTax) + " exceeds state_wages " + plain(stateWages));
    }
  }

  private static void itemsSum(ObjectNode d, String array, String field, String total, List<String> w) {
    JsonNode items = d.path(array);
    BigDecimal expected = number(d, total);
    if (!items.isArray() || items.isEmpty() || expected == null) {
      return;
    }
    BigDecimal sum = BigDecimal.ZERO;
    for (JsonNode item : items) {
      BigDecimal amount = number(item, field);
      if (amount == null) {
        return; // an unread amount: the sum says nothing
      }
      sum = sum.add(amount);
    }
    if (!close(sum, expected, CENT)) {
      w.add(array + "[]." + field + " sum to " + plain(sum) + " (" + items.size() + " items), not the "
          + total + " " + plain(expected));
    }
  }

  private static void sum(ObjectNode d, List<String> parts, String total, List<String> w) {
    BigDecimal expected = number(d, total);
    BigDecimal first = number(d, parts.getFirst());
    if (expected == null || first == null) {
      return;
    }
    BigDecimal sum = BigDecimal.ZERO;
    List<String> named = new ArrayList<>();
    for (String part : parts) {
      BigDecimal value = number(d, part);
      if (value != null) {
        sum = sum.add(value);
        named.add(part + " " + plain(value));
      }
    }
    if (!close(sum, expected, CENT)) {
      w.add(String.join(" + ", named) + " is " + plain(sum) + ", not the " + total + " " + plain(expected));
    }
  }

  private static void ordered(ObjectNode d, String first, String second, List<String> w) {
    LocalDate a = date(d, first);
    LocalDate b = date(d, second);
    if (a != null && b != null && a.isAfter(b)) {
      w.add(first + " " + a + " is after " + second + " " + b);
    }
  }

  private static BigDecimal number(JsonNode node, String field) {
    JsonNode value = node.path(field);
    return value.isNumber() ? value.decimalValue() : null;
  }

  private static LocalDate date(JsonNode node, String field) {
    try {
      return node.path(field).isTextual() ? LocalDate.parse(node.get(field).asText()) : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  private static BigDecimal orZero(BigDecimal value) {
    return value == null ? BigDecimal.ZERO : value;
  }

  private static boolean close(BigDecimal a, BigDecimal b, BigDecimal tolerance) {
    return a.subtract(b).abs().compareTo(tolerance) <= 0;
  }

  private static String plain(BigDecimal value) {
    return value.toPlainString();
  }
}
