package dev.quire.model.safetensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Widens bfloat16 to float32: a bfloat16 is the high half of a float32, so widening is exact
 * (shift left by 16). DJL 0.35.1 aborts the JVM on any bfloat16 tensor, so BF16 checkpoints
 * pass through here before they reach DJL. A Vector API kernel when {@code jdk.incubator.vector}
 * is present, a plain loop otherwise; both give identical bits.
 */
public final class Bfloat16 {

  static final ValueLayout.OfShort LE_SHORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  static final ValueLayout.OfInt LE_INT =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private static final Logger LOG = LoggerFactory.getLogger(Bfloat16.class);
  private static final boolean SIMD = simdAvailable();

  private Bfloat16() {}

  private static boolean simdAvailable() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      LOG.info("bfloat16 widening uses the scalar loop: start the JVM with"
          + " --add-modules jdk.incubator.vector for the SIMD kernel");
      return false;
    }
    return true;
  }

  /**
   * Widens {@code count} little-endian bfloat16 values at the start of {@code src} into
   * little-endian float32 values at the start of {@code dst}.
   */
  public static void widen(MemorySegment src, MemorySegment dst, long count) {
    checkSizes(src, dst, count);
    if (SIMD) {
      Bfloat16Simd.widen(src, dst, count);
    } else {
      widenScalar(src, dst, count);
    }
  }

  /** The plain-loop twin of {@link #widen}. */
  public static void widenScalar(MemorySegment src, MemorySegment dst, long count) {
    checkSizes(src, dst, count);
    widenScalar(src, dst, 0, count);
  }

  static void widenScalar(MemorySegment src, MemorySegment dst, long from, long count) {
    for (long i = from; i < count; i++) {
      dst.set(LE_INT, 4 * i, src.get(LE_SHORT, 2 * i) << 16);
    }
  }

  private static void checkSizes(MemorySegment src, MemorySegment dst, long count) {
    if (count < 0 || src.byteSize() < 2 * count || dst.byteSize() < 4 * count) {
      throw new IllegalArgumentException(
          "widening " + count + " bfloat16 values needs " + 2 * count + " source and "
              + 4 * count + " target bytes, got " + src.byteSize() + " and " + dst.byteSize());
    }
  }
}
