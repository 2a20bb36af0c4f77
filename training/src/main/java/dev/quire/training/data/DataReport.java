package dev.quire.training.data;

import java.util.List;

/**
 * What reading a training source kept and what it skipped, with the reason for each skip, so a run
 * says how much of its data it trained on.
 *
 * @param skipped one line per skipped query or page: where it was and why
 */
public record DataReport(int examples, int emptyQueries, int unreadablePages, List<String> skipped) {
  public DataReport {
    skipped = List.copyOf(skipped);
  }

  public String summary() {
    return examples + " examples; skipped " + emptyQueries + " empty queries and "
        + unreadablePages + " unreadable pages";
  }
}
