package dev.quire.model.safetensors;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/** The Vector API body of {@link Bfloat16#widen}; loaded only when the module is present. */
final class Bfloat16Simd {

  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  // Half as wide in bits: as many shorts as the int vector has lanes.
  private static final VectorSpecies<Short> SHORTS =
      VectorSpecies.of(short.class, VectorShape.forBitSize(INTS.vectorBitSize() / 2));

  private Bfloat16Simd() {}

  static void widen(MemorySegment src, MemorySegment dst, long count) {
    int lanes = INTS.length();
    long upper = count - count % lanes;
    long i = 0;
    // vector body: load N shorts, sign-extend to ints (the extension bits are shifted out), shift
    for (; i < upper; i += lanes) {
      ShortVector halves = ShortVector.fromMemorySegment(SHORTS, src, 2 * i, ByteOrder.LITTLE_ENDIAN);
      IntVector words = (IntVector) halves.convertShape(VectorOperators.S2I, INTS, 0);
      words.lanewise(VectorOperators.LSHL, 16).intoMemorySegment(dst, 4 * i, ByteOrder.LITTLE_ENDIAN);
    }
    // scalar tail
    Bfloat16.widenScalar(src, dst, i, count);
  }
}
