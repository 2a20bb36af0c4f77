package dev.quire.model.qwen3vl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import dev.quire.model.TorchNative;
import java.util.ArrayList;
import java.util.List;

/**
 * Attention within each of several sequences packed row after row, without attention across
 * them. Consecutive sequences of similar lengths run as one padded batch (gathered into
 * [batch, heads, length, headDim], keys past a sequence's end masked out, gathered back), so
 * short inputs cost a few large operations rather than many small ones; a batch is closed when
 * padding would more than double its work. The masks and gather indexes are built once per
 * forward pass and serve every layer.
 */
public final class PaddedAttention implements Attention {

  /**
   * {@code count} sequences from packed row {@code fromRow}, padded to {@code length}; without
   * gather and scatter indexes when they all have that length (the packed rows are the batch).
   */
  private record Batch(int fromRow, int rows, int count, int length, NDArray gather,
      NDArray scatter, NDArray mask) {}

  private final List<Batch> batches = new ArrayList<>();
  private final int heads;
  private final int kvHeads;
  private final int repeats;
  private final int headDim;

  /**
   * @param lengths the packed sequences' lengths
   * @param causal a query sees keys up to itself (text) or all keys of its sequence (vision)
   * @param heads query heads; {@code kvHeads} key/value heads, each shared by heads / kvHeads
   */
  /**
   * Causal attention within each of the packed sequences of {@code lengths}, for a decoder of
   * {@code config}'s heads; masks and indexes are made in {@code manager}, in {@code dtype}.
   */
  public static PaddedAttention causal(int[] lengths, Qwen3VLConfig.Text config,
      NDManager manager, DataType dtype) {
    return new PaddedAttention(lengths, true, config.heads(), config.kvHeads(), config.headDim(),
        manager, dtype);
  }

  PaddedAttention(int[] lengths, boolean causal, int heads, int kvHeads, int headDim,
      NDManager manager, DataType dtype) {
    this.heads = heads;
    this.kvHeads = kvHeads;
    this.repeats = heads / kvHeads;
    this.headDim = headDim;
    int row = 0;
    int i = 0;
    while (i < lengths.length) {
      int end = i + 1;
      int longest = lengths[i];
      long work = (long) lengths[i] * lengths[i];
      while (end < lengths.length) {
        int next = Math.max(longest, lengths[end]);
        long nextWork = work + (long) lengths[end] * lengths[end];
        if ((long) (end - i + 1) * next * next > 2 * nextWork) {
          break;
        }
        longest = next;
        work = nextWork;
        end++;
      }
      int count = end - i;
      int rows = 0;
      for (int s = i; s < end; s++) {
        rows += lengths[s];
      }
      batches.add(batch(lengths, i, count, row, rows, longest, causal, repeats, manager, dtype));
      row += rows;
      i = end;
    }
  }

  private static Batch batch(int[] lengths, int first, int count, int fromRow, int rows,
      int length, boolean causal, int repeats, NDManager manager, DataType dtype) {
    boolean padded = false;
    for (int b = 0; b < count; b++) {
      padded |= lengths[first + b] < length;
    }
    NDArray gather = null;
    NDArray scatter = null;
    if (padded) {
      long[] gatherIndex = new long[count * length];
      long[] scatterIndex = new long[rows];
      for (int b = 0, at = 0; b < count; b++) {
        int n = lengths[first + b];
        for (int t = 0; t < length; t++) {
          // padding rows repeat the sequence's last row: their keys are masked, outputs dropped
          gatherIndex[b * length + t] = at + Math.min(t, n - 1);
        }
        for (int t = 0; t < n; t++) {
          scatterIndex[at + t] = (long) b * length + t;
        }
        at += n;
      }
      gather = manager.create(gatherIndex, new Shape(gatherIndex.length));
      scatter = manager.create(scatterIndex, new Shape(rows));
    }
    NDArray mask = null;
    if (causal || padded) {
      // [batch, 1, repeats x length, length]: the query rows of the heads sharing a key head
      float[] values = new float[count * repeats * length * length];
      for (int b = 0; b < count; b++) {
        int n = lengths[first + b];
        for (int c = 0; c < repeats; c++) {
          for (int r = 0; r < length; r++) {
            int at = ((b * repeats + c) * length + r) * length;
            for (int k = 0; k < length; k++) {
              if (k >= n || (causal && k > r)) {
                values[at + k] = Float.NEGATIVE_INFINITY;
              }
            }
          }
        }
      }
      mask = manager.create(values, new Shape(count, 1, (long) repeats * length, length))
          .toType(dtype, false);
    }
    return new Batch(fromRow, rows, count, length, gather, scatter, mask);
  }

  /** Every layer attends the same way: the masks and indexes serve them all. */
  @Override
  public NDArray attend(int layer, NDArray q, NDArray k, NDArray v, float scale) {
    NDList outputs = new NDList();
    for (Batch batch : batches) {
      NDIndex rows = new NDIndex("{}:{}", batch.fromRow, batch.fromRow + batch.rows);
      long b = batch.count;
      long n = batch.length;
      NDArray qs = q.get(rows);
      NDArray ks = k.get(rows);
      NDArray vs = v.get(rows);
      if (batch.gather != null) {
        qs = Layers.gatherRows(batch.gather, qs.reshape(batch.rows, (long) heads * headDim));
        ks = Layers.gatherRows(batch.gather, ks.reshape(batch.rows, (long) kvHeads * headDim));
        vs = Layers.gatherRows(batch.gather, vs.reshape(batch.rows, (long) kvHeads * headDim));
      }
      // (batch, key head, repeats x length, headDim) queries against (batch, key head, length, headDim)
      NDArray queries = qs.reshape(b, n, heads, headDim).transpose(0, 2, 1, 3)
          .reshape(b, kvHeads, repeats * n, headDim);
      NDArray keys = ks.reshape(b, n, kvHeads, headDim).transpose(0, 2, 1, 3);
      NDArray values = vs.reshape(b, n, kvHeads, headDim).transpose(0, 2, 1, 3);
      NDArray out = TorchNative.attention(queries, keys, values, batch.mask, scale)
          .reshape(b, heads, n, headDim).transpose(0, 2, 1, 3).reshape(b * n, (long) heads * headDim);
      outputs.add(batch.scatter == null ? out : Layers.gatherRows(batch.scatter, out));
    }
    return outputs.size() == 1 ? outputs.head() : NDArrays.concat(outputs, 0);
  }
}
