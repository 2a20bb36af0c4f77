package dev.quire.evaluation.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.quire.tasks.extract.ExtractionSchema;
import dev.quire.tasks.extract.FieldKind;
import dev.quire.tasks.extract.ValueNormalizer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Extracted fields against the ground truth's, field by field: the truth (as printed) read with
 * the same normaliser as the answer, so "$1,234.50" and 1234.50 agree and so do "March 3, 2024"
 * and 2024-03-03; text compared without case, punctuation at the ends or line breaks.
 * A field the truth has and the answer gets right is a true positive; one the answer gets wrong
 * is a false positive and a false negative; one it misses a false negative; one it gives that the
 * page does not print a false positive. Lists (line items) are not scored.
 */
final class FieldScoring {

  private FieldScoring() {}

  /** The ground truth's fields under the schema's names (a statement period split in two). */
  static Map<String, String> truthFields(Map<String, String> printed) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> field : printed.entrySet()) {
      if (field.getKey().equals("statement_period") && field.getValue().contains(" - ")) {
        String[] parts = field.getValue().split(" - ", 2);
        out.putIfAbsent("statement_period_start", parts[0]);
        out.putIfAbsent("statement_period_end", parts[1]);
      } else {
        out.putIfAbsent(field.getKey(), field.getValue());
      }
    }
    return out;
  }

  static TaskEvalReport.FieldCounts score(ExtractionSchema schema, Map<String, String> truth, JsonNode data) {
    int tp = 0;
    int fp = 0;
    int fn = 0;
    for (Map.Entry<String, JsonNode> property : schema.schema().path("properties").properties()) {
      JsonNode fieldSchema = property.getValue();
      if (fieldSchema.has("items") || fieldSchema.has("properties")) {
        continue;
      }
      String name = property.getKey();
      JsonNode predicted = data.get(name);
      boolean answered = predicted != null && !predicted.isNull() && !predicted.asText().isBlank();
      String printed = truth.get(name);
      if (printed == null) {
        fp += answered ? 1 : 0;
        continue;
      }
      if (!answered) {
        fn++;
      } else if (same(FieldKind.of(fieldSchema), printed, predicted)) {
        tp++;
      } else {
        fp++;
        fn++;
      }
    }
    return new TaskEvalReport.FieldCounts(tp, fp, fn);
  }

  static boolean same(Optional<FieldKind> kind, String printed, JsonNode predicted) {
    JsonNode expected = JsonNodeFactory.instance.textNode(printed);
    if (kind.isPresent()) {
      ValueNormalizer.Normalized read = ValueNormalizer.normalize(kind.get(), expected, false);
      if (read.ok()) {
        expected = read.value();
      }
    }
    if (expected.isNumber() && predicted.isNumber()) {
      return expected.decimalValue().compareTo(predicted.decimalValue()) == 0;
    }
    return text(expected.asText()).equals(text(predicted.asText()));
  }

  /** Lower case, line breaks and commas as spaces, runs of space as one, no end punctuation. */
  static String text(String value) {
    return value.toLowerCase(Locale.ROOT).replaceAll("[\\n,]", " ").replaceAll("\\s+", " ")
        .replaceAll("^[\\s.:;]+|[\\s.:;]+$", "");
  }
}
