package dev.quire.model.qwen3vl;

import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API bodies of {@link BicubicResize}'s passes; loaded only when the module is present. */
final class BicubicResizeSimd {

  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;

  private BicubicResizeSimd() {}

  /** One output column of a transposed block of rows: lanes are rows, taps contiguous loads. */
  static void blockColumn(int[] block, int first, int[] taps, int precision, int[] out, int at) {
    int half = 1 << (precision - 1);
    int upper = INTS.loopBound(BicubicResize.BLOCK);
    int r = 0;
    // vector body
    for (; r < upper; r += INTS.length()) {
      IntVector acc = IntVector.broadcast(INTS, half);
      for (int j = 0; j < taps.length; j++) {
        acc = acc.add(IntVector.fromArray(INTS, block, (first + j) * BicubicResize.BLOCK + r).mul(taps[j]));
      }
      acc.lanewise(VectorOperators.ASHR, precision).max(0).min(255).intoArray(out, at + r);
    }
    // scalar tail (lanes wider than the block)
    BicubicResize.blockColumn(block, first, taps, precision, out, at, r);
  }

  /** One row of the vertical pass: lanes are columns, every tap accumulated in a register. */
  static void verticalRow(int[] src, int rowLength, int first, int[] taps, int precision,
      int[] out, int at) {
    int half = 1 << (precision - 1);
    int upper = INTS.loopBound(rowLength);
    int i = 0;
    // vector body
    for (; i < upper; i += INTS.length()) {
      IntVector acc = IntVector.broadcast(INTS, half);
      for (int j = 0; j < taps.length; j++) {
        acc = acc.add(IntVector.fromArray(INTS, src, (first + j) * rowLength + i).mul(taps[j]));
      }
      acc.lanewise(VectorOperators.ASHR, precision).max(0).min(255).intoArray(out, at + i);
    }
    // scalar tail
    BicubicResize.verticalRow(src, rowLength, first, taps, precision, out, at, i);
  }
}
