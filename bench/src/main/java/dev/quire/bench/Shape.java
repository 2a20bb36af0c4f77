package dev.quire.bench;

import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/** The parameters shared by the half-precision page set and its baselines. */
@State(Scope.Benchmark)
public class Shape {

  @Param({"128", "320"})
  public int dim;

  /**
   * Pages in the set: 1,000 half-precision pages are 266 MB at dim 128 (the baselines' float32
   * copies twice that), well past the 105 MB L3 of the benchmark machine.
   */
  @Param({"1000"})
  public int pages;

  /** Bytes past a 64-byte boundary where the page set starts (LMDB values are not aligned). */
  @Param({"0"})
  public int misalignment;
}
