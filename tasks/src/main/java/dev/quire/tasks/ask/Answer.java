package dev.quire.tasks.ask;

import java.util.List;

/**
 * The answer to a question over pages: its text (citation markers kept, those pointing at no
 * shown page removed), whether the pages held the answer ({@code found} false is "not found in
 * these pages", a first-class answer, not an error), the pages it cites in order of first
 * citation, the pages it was shown, notes on reading it, and how long it took.
 */
public record Answer(String question, String text, boolean found, List<Citation> citations,
    List<SourcePage> sources, List<String> warnings, long latencyMillis) {

  public Answer {
    citations = List.copyOf(citations);
    sources = List.copyOf(sources);
    warnings = List.copyOf(warnings);
  }
}
