package dev.quire.encoder.colqwen3;

import dev.quire.encoder.safetensors.Bfloat16;
import dev.quire.encoder.safetensors.SafetensorsTensor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * The token embedding table, read row by row from the checkpoint's mapping. It is the largest
 * tensor of the model (151936 rows; 2.5 GB as float32 for the 8B model) and a lookup needs only
 * the rows of a batch's tokens, so it never becomes an NDArray: it stays in the page cache in
 * its stored type.
 */
final class TokenEmbeddings {

  private static final ValueLayout.OfFloat LE_FLOAT =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfShort LE_SHORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private final SafetensorsTensor table;
  private final int rows;
  private final int hidden;

  TokenEmbeddings(SafetensorsTensor table) {
    long[] shape = table.shape();
    if (shape.length != 2) {
      throw new IllegalArgumentException("embedding table " + table + " is not a matrix");
    }
    this.table = table;
    this.rows = Math.toIntExact(shape[0]);
    this.hidden = Math.toIntExact(shape[1]);
  }

  int hidden() {
    return hidden;
  }

  /** Copies the rows of {@code ids} into {@code out} from row {@code at}, widened to float32. */
  void lookup(int[] ids, float[] out, int at) {
    MemorySegment data = table.data();
    MemorySegment target = MemorySegment.ofArray(out);
    for (int i = 0; i < ids.length; i++) {
      int id = ids[i];
      if (id < 0 || id >= rows) {
        throw new IllegalArgumentException(
            "token id " + id + " is outside the embedding table's " + rows + " rows");
      }
      int dst = (at + i) * hidden;
      long src = (long) id * hidden;
      switch (table.dtype()) {
        case F32 -> MemorySegment.copy(data, LE_FLOAT, src * 4, out, dst, hidden);
        case BF16 -> Bfloat16.widen(
            data.asSlice(src * 2, 2L * hidden), target.asSlice(4L * dst, 4L * hidden), hidden);
        case F16 -> {
          for (int j = 0; j < hidden; j++) {
            out[dst + j] = Float.float16ToFloat(data.get(LE_SHORT, (src + j) * 2));
          }
        }
        default -> throw new IllegalStateException("embedding table is " + table.dtype());
      }
    }
  }
}
