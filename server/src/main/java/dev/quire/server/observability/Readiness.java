package dev.quire.server.observability;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;

/**
 * Whether the server should get traffic: up, not stopping, its model loaded if one is set, and
 * nothing it waits for still pending (a first start's sample corpus, until it can be searched).
 */
public final class Readiness {

  /** A condition the server waits for: {@code reason} is reported until {@code met} holds. */
  private record Awaited(String reason, BooleanSupplier met) {}

  private final List<Awaited> awaited = new CopyOnWriteArrayList<>();

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

  /** Not ready, for {@code reason}, until {@code met} returns true (it is then no longer asked). */
  public void await(String reason, BooleanSupplier met) {
    awaited.add(new Awaited(reason, met));
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
    for (Awaited a : awaited) {
      boolean met;
      try {
        met = a.met().getAsBoolean();
      } catch (RuntimeException e) {
        met = false;
      }
      if (met) {
        awaited.remove(a);
      } else {
        problems.add(a.reason());
      }
    }
    return problems;
  }
}
