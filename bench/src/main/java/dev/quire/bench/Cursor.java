package dev.quire.bench;

import dev.quire.retrieval.kernels.MaxSimScorer;
import dev.quire.index.PageCodec;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.infra.ThreadParams;

/** Per benchmark thread: its scorer (scratch) and its position in the scattered page order. */
@State(Scope.Thread)
public class Cursor {

  final MaxSimScorer scorer = new MaxSimScorer(PageCodec.MAX_DIM);
  private int threadIndex;
  private int threadCount;
  private int next = -1;

  @Setup
  public void setUp(ThreadParams thread) {
    threadIndex = thread.getThreadIndex();
    threadCount = thread.getThreadCount();
  }

  /** The next page of {@code order}; threads start evenly spread over it. */
  int nextPage(int[] order) {
    if (next < 0) {
      next = (int) ((long) order.length * threadIndex / threadCount);
    }
    int page = order[next];
    next = next + 1 == order.length ? 0 : next + 1;
    return page;
  }
}
