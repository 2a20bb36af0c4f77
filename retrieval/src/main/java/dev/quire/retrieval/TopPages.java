package dev.quire.retrieval;

/**
 * Picks the best {@code m} of {@code n} scored pages without sorting all of them: a bounded
 * min-heap over positions. Order: score descending, then page id ascending, so equal scores
 * rank the same way on every run.
 */
final class TopPages {

  private TopPages() {}

  /** Positions of the best {@code m} entries among the first {@code n}, best first. */
  static int[] select(float[] scores, long[] pageIds, int n, int m) {
    int size = Math.min(m, n);
    int[] heap = new int[size];
    int filled = 0;
    for (int i = 0; i < n; i++) {
      if (filled < size) {
        heap[filled] = i;
        siftUp(heap, filled++, scores, pageIds);
      } else if (size > 0 && better(i, heap[0], scores, pageIds)) {
        heap[0] = i;
        siftDown(heap, size, scores, pageIds);
      }
    }
    // Pop the worst repeatedly into the tail: the array ends up best first.
    for (int end = size - 1; end > 0; end--) {
      int worst = heap[0];
      heap[0] = heap[end];
      heap[end] = worst;
      siftDown(heap, end, scores, pageIds);
    }
    return heap;
  }

  static boolean better(int a, int b, float[] scores, long[] pageIds) {
    int c = Float.compare(scores[a], scores[b]);
    return c > 0 || (c == 0 && pageIds[a] < pageIds[b]);
  }

  private static void siftUp(int[] heap, int i, float[] scores, long[] ids) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!better(heap[parent], heap[i], scores, ids)) {
        break;
      }
      swap(heap, i, parent);
      i = parent;
    }
  }

  private static void siftDown(int[] heap, int size, float[] scores, long[] ids) {
    int i = 0;
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int worst = left;
      int right = left + 1;
      if (right < size && better(heap[left], heap[right], scores, ids)) {
        worst = right;
      }
      if (!better(heap[i], heap[worst], scores, ids)) {
        return;
      }
      swap(heap, i, worst);
      i = worst;
    }
  }

  private static void swap(int[] heap, int a, int b) {
    int t = heap[a];
    heap[a] = heap[b];
    heap[b] = t;
  }
}
