package dev.quire.evaluation.benchmark;

import dev.quire.indexing.IndexListener;

/** Progress of an evaluation, for progress bars and logs. Every method defaults to nothing. */
public interface EvalListener {

  EvalListener NONE = new EvalListener() {};

  /** Indexing of a benchmark starts; the returned listener follows it. */
  default IndexListener indexing(String benchmark) {
    return IndexListener.NONE;
  }

  /** Searching starts: {@code searches} is queries x variants, those resumed included. */
  default void searching(String benchmark, int searches) {}

  /** One search is done (or was found in the journal). */
  default void searched(String variant) {}

  /** Searching of the current benchmark is over. */
  default void searchingDone() {}

  /** Something the user should read, as a line. */
  default void message(String line) {}
}
