package dev.quire.bench;

import dev.quire.index.PageVectors;
import dev.quire.retrieval.kernels.PreparedQuery;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/** A page set in the stored binary-code layout, in native memory, with its prepared query. */
@State(Scope.Benchmark)
public class BinaryPages {

  /** Code length in bits (the token vector dimension). */
  @Param({"128", "320"})
  public int dim;

  /**
   * Pages in the set: 8,000 pages of codes are 132 MB at 128 bits (a page's codes are 16 times
   * smaller than its half-precision copy), past the 105 MB L3 of the benchmark machine.
   */
  @Param({"8000"})
  public int pages;

  /** Bytes past a 64-byte boundary where the page set starts (LMDB values are not aligned). */
  @Param({"0"})
  public int misalignment;

  Arena arena;
  MemorySegment[] codes;
  PreparedQuery query;
  int[] order;

  @Setup(Level.Trial)
  public void setUp() {
    arena = Arena.ofShared();
    codes = PageSet.storeContiguously(PageSet.distinctPages(dim), dim, pages, misalignment,
        PageVectors::binary, arena);
    query = PreparedQuery.prepare(PageSet.query(dim), PageSet.QUERY_TOKENS, dim);
    order = PageSet.scatteredOrder(pages);
  }

  MemorySegment next(Cursor cursor) {
    return codes[cursor.nextPage(order)];
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    arena.close();
  }
}
