package dev.quire.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.tasks.output.LenientJson;
import dev.quire.tasks.output.SchemaConformance;
import java.util.ArrayList;
import java.util.List;

/**
 * A model's answer to a task, read: the value, what was repaired to read it (fences, quotes, a
 * cut-off end), what was changed to fit the schema (types, dropped fields), and what still does
 * not fit. Reading never throws for a value it found; an answer with no value at all is
 * {@link dev.quire.tasks.output.UnparseableOutputException}.
 */
public record TaskOutput(JsonNode value, String raw, List<String> repairs, List<String> changes,
    List<String> violations) {

  public TaskOutput {
    repairs = List.copyOf(repairs);
    changes = List.copyOf(changes);
    violations = List.copyOf(violations);
  }

  public static TaskOutput read(String raw, SchemaConformance schema) {
    LenientJson.Parsed parsed = LenientJson.parse(raw);
    SchemaConformance.Result fitted = schema.fit(parsed.value());
    return new TaskOutput(fitted.value(), raw, parsed.repairs(), fitted.changes(), fitted.violations());
  }

  public boolean valid() {
    return violations.isEmpty();
  }

  /** Every note on the answer, repairs first: what a response's warnings list. */
  public List<String> warnings() {
    List<String> all = new ArrayList<>(repairs);
    all.addAll(changes);
    all.addAll(violations);
    return all;
  }
}
