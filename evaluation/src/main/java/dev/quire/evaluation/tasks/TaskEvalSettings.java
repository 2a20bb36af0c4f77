package dev.quire.evaluation.tasks;

import java.util.List;

/**
 * What a tasks evaluation ran: the synthetic corpus (documents, seed), the tasks, how many
 * questions were asked, with what k and whether page images were shown, and the model.
 */
public record TaskEvalSettings(int documents, long seed, List<String> tasks, int questionsLimit,
    int k, boolean images, String model) {

  public static final List<String> ALL_TASKS = List.of("classify", "extract", "ask");

  public TaskEvalSettings {
    tasks = List.copyOf(tasks);
    for (String task : tasks) {
      if (!ALL_TASKS.contains(task)) {
        throw new IllegalArgumentException("unknown task '" + task + "'; tasks: classify, extract, ask");
      }
    }
    if (documents < 1) {
      throw new IllegalArgumentException("documents must be at least 1, got " + documents);
    }
    if (k < 1 || k > 20) {
      throw new IllegalArgumentException("k lies in 1..20, not " + k);
    }
  }
}
