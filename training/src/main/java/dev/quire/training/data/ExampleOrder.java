package dev.quire.training.data;

import java.util.SplittableRandom;

/**
 * The order examples are visited in: each epoch a permutation drawn from the seed and the epoch's
 * number alone, so the example at any step can be computed again after a restart (resuming needs
 * only the step, not a saved shuffle) and two runs with one seed see the same order.
 */
public final class ExampleOrder {
  private final int size;
  private final long seed;
  private int cachedEpoch = -1;
  private int[] cached;

  public ExampleOrder(int size, long seed) {
    if (size < 1) {
      throw new IllegalArgumentException("nothing to train on: no examples");
    }
    this.size = size;
    this.seed = seed;
  }

  /** The index of the example visited at {@code position} (0-based, counted across epochs). */
  public synchronized int at(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("position " + position);
    }
    int epoch = Math.toIntExact(position / size);
    if (epoch != cachedEpoch) {
      cached = permutation(epoch);
      cachedEpoch = epoch;
    }
    return cached[(int) (position % size)];
  }

  private int[] permutation(int epoch) {
    // Fisher-Yates from a generator seeded by (seed, epoch): independent of earlier epochs
    SplittableRandom random = new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (epoch + 1L)));
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }
}
