package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.quire.model.TorchNative;
import java.util.Arrays;

/**
 * The keys and values of every decoder layer for one or more sequences, kept between forward
 * passes so that a decoding step computes only its new token's rows ({@link Qwen3VLModel#prefill},
 * {@link Qwen3VLModel#step}). As an {@link Attention} it appends a pass's new keys and values to
 * each sequence's cache and lets the new rows attend to everything cached before them and,
 * causally, to each other.
 *
 * <p>Each sequence and layer holds keys and values as [kvHeads, capacity, headDim] in the cache's
 * own manager (not the forward pass's, whose per-layer scopes free their intermediates); the
 * capacity doubles when full, so appending a token writes its rows in place instead of copying
 * the whole cache every step. The cache is not thread-safe: one decoding loop drives it.
 */
public final class KvCache implements Attention, AutoCloseable {

  private static final int FIRST_CAPACITY = 64;

  private final NDManager manager;
  private final DataType dtype;
  private final int layers;
  private final int heads;
  private final int kvHeads;
  private final int repeats;
  private final int headDim;
  private final NDArray[][] keys;
  private final NDArray[][] values;
  private final int[] lengths;
  private final int[] nextPositions;
  /** Rows of each sequence in the pass under way; null between passes. */
  private int[] appending;

  /**
   * An empty cache for {@code sequences} sequences of a decoder shaped as {@code config}, its
   * arrays in a sub-manager of {@code parent} (the model's, so they live on its device) in
   * {@code dtype}.
   */
  public KvCache(Qwen3VLConfig.Text config, int sequences, NDManager parent, DataType dtype) {
    if (sequences < 1) {
      throw new IllegalArgumentException("a cache holds at least one sequence, not " + sequences);
    }
    this.manager = parent.newSubManager();
    this.dtype = dtype;
    this.layers = config.layers();
    this.heads = config.heads();
    this.kvHeads = config.kvHeads();
    this.repeats = config.groups();
    this.headDim = config.headDim();
    this.keys = new NDArray[sequences][layers];
    this.values = new NDArray[sequences][layers];
    this.lengths = new int[sequences];
    this.nextPositions = new int[sequences];
  }

  /** How many sequences the cache holds. */
  public int sequences() {
    return lengths.length;
  }

  /** Tokens cached for sequence {@code s}. */
  public int length(int s) {
    return lengths[s];
  }

  /**
   * The M-RoPE position sequence {@code s}'s next token takes (on all three axes): after an image
   * it is not the token count (see {@link Positions.Text#next}).
   */
  public int nextPosition(int s) {
    return nextPositions[s];
  }

  /** Announces a pass appending {@code rows[s]} rows (packed in sequence order) to each sequence. */
  void begin(int[] rows) {
    if (rows.length != lengths.length) {
      throw new IllegalArgumentException("the cache holds " + lengths.length
          + " sequences, the pass has " + rows.length);
    }
    if (appending != null) {
      throw new IllegalStateException("a pass over this cache is already under way");
    }
    appending = rows.clone();
  }

  /** Ends the pass begun last: the rows are cached, the sequences continue at {@code next}. */
  void commit(int[] next) {
    for (int s = 0; s < lengths.length; s++) {
      lengths[s] += appending[s];
      nextPositions[s] = next[s];
    }
    appending = null;
  }

  /** Ends the pass begun last without keeping its rows (it failed part-way). */
  void abort() {
    appending = null;
  }

  @Override
  public NDArray attend(int layer, NDArray q, NDArray k, NDArray v, float scale) {
    if (appending == null) {
      throw new IllegalStateException("the cache is used outside a prefill or step");
    }
    NDList outputs = new NDList();
    int row = 0;
    for (int s = 0; s < lengths.length; s++) {
      int n = appending[s];
      if (n == 0) {
        continue;
      }
      NDIndex rows = new NDIndex("{}:{}", row, row + n);
      row += n;
      int past = lengths[s];
      int total = past + n;
      // [n, kvHeads, headDim] -> [kvHeads, n, headDim], written after the cached rows
      NDArray newKeys = k.get(rows).transpose(1, 0, 2);
      NDArray newValues = v.get(rows).transpose(1, 0, 2);
      keys[s][layer] = append(keys[s][layer], newKeys, past);
      values[s][layer] = append(values[s][layer], newValues, past);
      NDIndex cached = new NDIndex(":, :{}", total);
      NDArray allKeys = keys[s][layer].get(cached).expandDims(0);
      NDArray allValues = values[s][layer].get(cached).expandDims(0);
      // the heads sharing a key head are one group of repeats x n query rows
      NDArray queries = q.get(rows).reshape(1, n, heads, headDim).transpose(0, 2, 1, 3)
          .reshape(1, kvHeads, (long) repeats * n, headDim);
      NDArray mask = n == 1 ? null : causalMask(q.getManager(), n, past);
      NDArray out = TorchNative.attention(queries, allKeys, allValues, mask, scale)
          .reshape(1, heads, n, headDim).transpose(0, 2, 1, 3).reshape(n, (long) heads * headDim);
      outputs.add(out);
    }
    if (row != q.getShape().get(0)) {
      throw new IllegalStateException("the pass has " + q.getShape().get(0) + " rows, the cache"
          + " was told " + row);
    }
    return outputs.size() == 1 ? outputs.head() : NDArrays.concat(outputs, 0);
  }

  /**
   * {@code rows} [kvHeads, n, headDim] written into {@code cache} from row {@code past}, in place
   * when it has room, else into a cache of twice the capacity. The result belongs to the cache's
   * manager and no scope: it outlives the layer's.
   */
  private NDArray append(NDArray cache, NDArray rows, int past) {
    int n = Math.toIntExact(rows.getShape().get(1));
    long capacity = cache == null ? 0 : cache.getShape().get(1);
    if (past + n > capacity) {
      long grown = Math.max(Math.max(2 * capacity, past + n), FIRST_CAPACITY);
      NDArray larger = manager.zeros(new Shape(kvHeads, grown, headDim), dtype);
      NDScope.unregister(larger);
      if (past > 0) {
        larger.set(new NDIndex(":, :{}", past), cache.get(new NDIndex(":, :{}", past)));
      }
      if (cache != null) {
        cache.close();
      }
      cache = larger;
    }
    cache.set(new NDIndex(":, {}:{}", past, past + n), rows.toType(dtype, false));
    return cache;
  }

  /**
   * [1, 1, repeats x n, past + n]: query row r of each head (rows c x n + r of a group) sees the
   * cached keys and the new keys up to its own.
   */
  private NDArray causalMask(NDManager into, int n, int past) {
    int total = past + n;
    float[] mask = new float[repeats * n * total];
    for (int c = 0; c < repeats; c++) {
      for (int r = 0; r < n; r++) {
        int at = (c * n + r) * total;
        Arrays.fill(mask, at + past + r + 1, at + total, Float.NEGATIVE_INFINITY);
      }
    }
    return into.create(mask, new Shape(1, 1, (long) repeats * n, total)).toType(dtype, false);
  }

  /** Frees every cached key and value. */
  @Override
  public void close() {
    manager.close();
  }
}
