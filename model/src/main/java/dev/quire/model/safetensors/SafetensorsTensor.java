package dev.quire.model.safetensors;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * One tensor of a safetensors file: its raw little-endian bytes as a slice of the file's mapping
 * (valid while the file is open), never copied unless asked.
 */
public record SafetensorsTensor(String name, SafetensorsDType dtype, long[] shape, MemorySegment data) {

  private static final ValueLayout.OfFloat F32 =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfLong I64 =
      ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfInt I32 =
      ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  public SafetensorsTensor {
    shape = shape.clone();
  }

  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** Number of elements (1 for a scalar). */
  public long elementCount() {
    return elementCount(shape);
  }

  static long elementCount(long[] shape) {
    long n = 1;
    for (long d : shape) {
      n = Math.multiplyExact(n, d);
    }
    return n;
  }

  /**
   * Rows {@code [from, from + count)} of the first axis as a tensor of their own, a slice of the
   * same mapping (for loading a tensor too large to be one array in parts).
   */
  public SafetensorsTensor rows(long from, long count) {
    if (shape.length == 0 || from < 0 || count < 0 || from + count > shape[0]) {
      throw new IllegalArgumentException("rows " + from + ".." + (from + count) + " are outside "
          + this);
    }
    long rowBytes = shape[0] == 0 ? 0 : data.byteSize() / shape[0];
    long[] part = shape.clone();
    part[0] = count;
    return new SafetensorsTensor(name + "[" + from + ":" + (from + count) + "]", dtype, part,
        data.asSlice(from * rowBytes, count * rowBytes));
  }

  /** The values as floats on the heap: F32 as stored, F16 and BF16 widened exactly. */
  public float[] toFloatArray() {
    int n = Math.toIntExact(elementCount());
    float[] out = new float[n];
    copyFloats(0, n, out, 0);
    return out;
  }

  /**
   * Copies {@code count} values from element {@code from} into {@code out} at {@code at},
   * converted as {@link #toFloatArray} does, for a part of a tensor too large for the heap.
   */
  public void copyFloats(long from, int count, float[] out, int at) {
    switch (dtype) {
      case F32 -> MemorySegment.copy(data, F32, 4 * from, out, at, count);
      case BF16 -> Bfloat16.widen(data.asSlice(2 * from, 2L * count),
          MemorySegment.ofArray(out).asSlice(4L * at, 4L * count), count);
      case F16 -> {
        for (int i = 0; i < count; i++) {
          out[at + i] = Float.float16ToFloat(data.get(Bfloat16.LE_SHORT, 2 * (from + i)));
        }
      }
      default -> throw new IllegalStateException(
          "tensor " + name + " is " + dtype + ", not a floating-point type");
    }
  }

  /** The values as longs on the heap: I64 as stored, I32 and U8 widened. */
  public long[] toLongArray() {
    int n = Math.toIntExact(elementCount());
    long[] out = new long[n];
    switch (dtype) {
      case I64 -> MemorySegment.copy(data, I64, 0, out, 0, n);
      case I32 -> {
        for (int i = 0; i < n; i++) {
          out[i] = data.get(I32, 4L * i);
        }
      }
      case U8 -> {
        for (int i = 0; i < n; i++) {
          out[i] = Byte.toUnsignedLong(data.get(ValueLayout.JAVA_BYTE, i));
        }
      }
      default -> throw new IllegalStateException(
          "tensor " + name + " is " + dtype + ", not an integer type");
    }
    return out;
  }

  /** The raw bytes (for U8 images and checksums). */
  public byte[] toByteArray() {
    return data.toArray(ValueLayout.JAVA_BYTE);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SafetensorsTensor t
        && t.name.equals(name)
        && t.dtype == dtype
        && Arrays.equals(t.shape, shape)
        && t.data.byteSize() == data.byteSize()
        && data.mismatch(t.data) == -1;
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(shape);
  }

  @Override
  public String toString() {
    return name + " " + dtype + Arrays.toString(shape);
  }
}
