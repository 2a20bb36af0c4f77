package dev.quire.server.observability;

import java.util.ArrayList;
import java.util.List;

/** Whether the server should get traffic: up, not stopping, and its model loaded if one is set. */
public final class Readiness {

  private volatile boolean started;
  private volatile boolean stopping;
  private final boolean modelExpected;
  private final boolean modelLoaded;

  public Readiness(boolean modelExpected, boolean modelLoaded) {
    this.modelExpected = modelExpected;
    this.modelLoaded = modelLoaded;
  }

  public void started() {
    started = true;
  }

  public void stopping() {
    stopping = true;
  }

  /** Empty when ready; otherwise why not. */
  public List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!started) {
      problems.add("starting");
    }
    if (stopping) {
      problems.add("shutting down");
    }
    if (modelExpected && !modelLoaded) {
      problems.add("model not loaded");
    }
    return problems;
  }
}
