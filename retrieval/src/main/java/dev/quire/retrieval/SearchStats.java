package dev.quire.retrieval;

import java.util.List;

/**
 * What a search did: the stages that ran with their timings and how many pages each saw.
 *
 * @param stages in execution order
 * @param notes why something the configuration asked for did not run, e.g. no embeddings
 */
public record SearchStats(List<Stage> stages, List<String> notes, double totalMillis) {

  public SearchStats {
    stages = List.copyOf(stages);
    notes = List.copyOf(notes);
  }

  /**
   * @param name e.g. "bm25", "encode-query", "hamming", "half", "fusion"
   * @param inputPages pages the stage looked at
   * @param outputPages pages it passed on
   */
  public record Stage(String name, int inputPages, int outputPages, double millis) {}

  /** The scorers that ran, e.g. "bm25 > hamming > half". */
  public String pipeline() {
    StringBuilder out = new StringBuilder();
    for (Stage s : stages) {
      if (s.name().startsWith("encode-query")) {
        continue;
      }
      if (!out.isEmpty()) {
        out.append(" > ");
      }
      out.append(s.name());
    }
    return out.toString();
  }
}
