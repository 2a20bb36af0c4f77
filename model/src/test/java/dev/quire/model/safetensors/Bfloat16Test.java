package dev.quire.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

class Bfloat16Test {

  private static final ValueLayout.OfShort LE_SHORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
  private static final ValueLayout.OfFloat LE_FLOAT =
      ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

  private static MemorySegment bf16(short[] values) {
    MemorySegment src = MemorySegment.ofArray(new byte[values.length * 2]);
    for (int i = 0; i < values.length; i++) {
      src.set(LE_SHORT, 2L * i, values[i]);
    }
    return src;
  }

  @Property
  void simdAndScalarAgreeOnAwkwardSizes(@ForAll @Size(max = 1100) short[] values) {
    MemorySegment src = bf16(values);
    MemorySegment simd = MemorySegment.ofArray(new byte[values.length * 4]);
    MemorySegment scalar = MemorySegment.ofArray(new byte[values.length * 4]);
    Bfloat16.widen(src, simd, values.length);
    Bfloat16.widenScalar(src, scalar, values.length);
    assertThat(simd.mismatch(scalar)).isEqualTo(-1);
  }

  @Property
  void wideningIsExactAndRoundTripsEveryBitPattern(@ForAll short value,
      @ForAll @IntRange(min = 0, max = 40) int offset) {
    short[] values = new short[offset + 1];
    values[offset] = value;
    MemorySegment out = MemorySegment.ofArray(new byte[values.length * 4]);
    Bfloat16.widen(bf16(values), out, values.length);
    float widened = out.get(LE_FLOAT, 4L * offset);
    assertThat(Float.floatToRawIntBits(widened)).isEqualTo(value << 16);
    assertThat((short) (Float.floatToRawIntBits(widened) >>> 16)).isEqualTo(value);
  }

  @Test
  void knownValues() {
    // 1.0 = 0x3F80, -2.0 = 0xC000, smallest normal 0x0080, +inf 0x7F80, NaN 0x7FC0
    short[] values = {0x3F80, (short) 0xC000, 0x0080, 0x7F80, 0x7FC0, 0x0000, (short) 0x8000};
    MemorySegment out = MemorySegment.ofArray(new byte[values.length * 4]);
    Bfloat16.widen(bf16(values), out, values.length);
    assertThat(out.get(LE_FLOAT, 0)).isEqualTo(1.0f);
    assertThat(out.get(LE_FLOAT, 4)).isEqualTo(-2.0f);
    assertThat(out.get(LE_FLOAT, 8)).isEqualTo(Float.MIN_NORMAL);
    assertThat(out.get(LE_FLOAT, 12)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(out.get(LE_FLOAT, 16)).isNaN();
    assertThat(Float.floatToRawIntBits(out.get(LE_FLOAT, 24))).isEqualTo(0x80000000);
  }

  @Test
  void tooSmallBuffersAreRefused() {
    assertThatThrownBy(() -> Bfloat16.widen(MemorySegment.ofArray(new byte[4]),
        MemorySegment.ofArray(new byte[4]), 2))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("8 target bytes");
  }

  @Test
  void offHeapSegmentsWork() {
    try (Arena arena = Arena.ofConfined()) {
      int n = 4099;
      MemorySegment src = arena.allocate(2L * n);
      for (int i = 0; i < n; i++) {
        src.set(LE_SHORT, 2L * i, (short) (0x3F80 + (i % 100)));
      }
      MemorySegment dst = arena.allocate(4L * n, 64);
      Bfloat16.widen(src, dst, n);
      for (int i = 0; i < n; i++) {
        assertThat(Float.floatToRawIntBits(dst.get(LE_FLOAT, 4L * i))).isEqualTo((0x3F80 + (i % 100)) << 16);
      }
    }
  }
}
