package dev.quire.index;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class PageCodecTest {

  @Provide
  Arbitrary<Integer> dims() {
    return Arbitraries.oneOf(
        Arbitraries.of(8, 24, 72, 128, 136, 320, 512),
        Arbitraries.integers().between(1, 64).map(n -> n * 8));
  }

  @Property(tries = 60)
  void halfCopyRoundTripsToTheBinary16Rounding(
      @ForAll("dims") int dim, @ForAll @IntRange(min = 1, max = 300) int tokens,
      @ForAll @IntRange(min = -1, max = 7) int placement, @ForAll long seed) {
    float[] vectors = Pages.unitVectors(seed, tokens, dim);
    PageVectors page = PageCodec.encode(vectors, tokens, dim);
    assertThat(page.half()).hasSize(PageCodec.halfBytes(tokens, dim));
    try (Arena arena = Arena.ofConfined()) {
      float[] decoded = PageCodec.decodeHalf(Pages.place(page.half(), placement, arena), tokens, dim);
      float[] rounded = new float[vectors.length];
      for (int i = 0; i < vectors.length; i++) {
        rounded[i] = Float.float16ToFloat(Float.floatToFloat16(vectors[i]));
      }
      assertThat(decoded).containsExactly(rounded);
    }
  }

  @Property(tries = 60)
  void binaryCodesHoldTheSignBitsInDocumentedOrder(
      @ForAll("dims") int dim, @ForAll @IntRange(min = 1, max = 300) int tokens, @ForAll long seed) {
    float[] vectors = Pages.unitVectors(seed, tokens, dim);
    vectors[0] = 0f; // zero is not > 0: bit clear
    PageVectors page = PageCodec.encode(vectors, tokens, dim);
    assertThat(page.binary()).hasSize(PageCodec.binaryBytes(tokens, dim));
    long[] codes = PageCodec.decodeBinary(MemorySegment.ofArray(page.binary()), tokens, dim);
    int words = PageCodec.words(dim);
    for (int t = 0; t < tokens; t++) {
      for (int j = 0; j < words * 64; j++) {
        boolean set = (codes[t * words + j / 64] >>> (j % 64) & 1) != 0;
        assertThat(set).as("token %d dimension %d", t, j).isEqualTo(j < dim && vectors[t * dim + j] > 0f);
      }
    }
  }

  @Property(tries = 40)
  void paddingRepeatsTheLastToken(
      @ForAll("dims") int dim, @ForAll @IntRange(min = 1, max = 100) int tokens, @ForAll long seed) {
    PageVectors page = PageCodec.encode(Pages.unitVectors(seed, tokens, dim), tokens, dim);
    MemorySegment half = MemorySegment.ofArray(page.half());
    ValueLayout.OfShort value = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    for (int t = tokens; t < PageCodec.roundUp(tokens, 16); t++) {
      for (int d = 0; d < dim; d++) {
        long offset = ((long) (t / 16) * dim + d) * 32 + (t % 16) * 2;
        long last = ((long) ((tokens - 1) / 16) * dim + d) * 32 + ((tokens - 1) % 16) * 2;
        assertThat(half.get(value, offset)).isEqualTo(half.get(value, last));
      }
    }
    MemorySegment binary = MemorySegment.ofArray(page.binary());
    ValueLayout.OfLong word = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    int words = PageCodec.words(dim);
    for (int t = tokens; t < PageCodec.roundUp(tokens, 8); t++) {
      for (int w = 0; w < words; w++) {
        long offset = ((long) (t / 8) * words + w) * 64 + (t % 8) * 8;
        long last = ((long) ((tokens - 1) / 8) * words + w) * 64 + ((tokens - 1) % 8) * 8;
        assertThat(binary.get(word, offset)).isEqualTo(binary.get(word, last));
      }
    }
  }

  @Test
  void layoutsMatchTheDocumentedBytes() {
    // Two tokens of dim 8: token 0 = (1, -2, 0, ..., 0.5 at dim 7), token 1 = (-0.25, 0, ..., 3 at dim 6).
    float[] vectors = new float[16];
    vectors[0] = 1f;
    vectors[1] = -2f;
    vectors[7] = 0.5f;
    vectors[8] = -0.25f;
    vectors[14] = 3f;
    PageVectors page = PageCodec.encode(vectors, 2, 8);
    assertThat(page.half()).hasSize(16 * 8 * 2);
    // Dimension 0 of the block: token 0 (1.0 = 0x3C00), token 1 (-0.25 = 0xB400), then 14 copies.
    assertThat(page.half()[0]).isEqualTo((byte) 0x00);
    assertThat(page.half()[1]).isEqualTo((byte) 0x3C);
    assertThat(page.half()[2]).isEqualTo((byte) 0x00);
    assertThat(page.half()[3]).isEqualTo((byte) 0xB4);
    assertThat(page.half()[31]).isEqualTo((byte) 0xB4);
    // Dimension 1, token 0: -2.0 = 0xC000 at byte 32.
    assertThat(page.half()[33]).isEqualTo((byte) 0xC0);
    // Binary: 8 tokens x 1 word. Token 0 sets bits 0 and 7 = 0x81; token 1 sets bit 6 = 0x40.
    assertThat(page.binary()).hasSize(64);
    assertThat(page.binary()[0]).isEqualTo((byte) 0x81);
    assertThat(page.binary()[8]).isEqualTo((byte) 0x40);
    assertThat(page.binary()[56]).isEqualTo((byte) 0x40);
    assertThat(page.binary()[1]).isZero();
  }

  @Test
  void sizesFollowThePadding() {
    assertThat(PageCodec.halfBytes(1030, 128)).isEqualTo(1040 * 128 * 2);
    assertThat(PageCodec.binaryBytes(1030, 128)).isEqualTo(1032 * 2 * 8);
    assertThat(PageCodec.binaryBytes(1030, 320)).isEqualTo(1032 * 5 * 8);
    assertThat(PageCodec.binaryBytes(1, 72)).isEqualTo(8 * 2 * 8);
  }

  @Test
  void rejectsBadInputWithTheReason() {
    assertThatThrownBy(() -> PageCodec.encode(new float[10], 1, 10))
        .hasMessage("dim must be a multiple of 8 in 8..512, got 10");
    assertThatThrownBy(() -> PageCodec.encode(new float[0], 0, 8))
        .hasMessage("token count must be at least 1, got 0");
    assertThatThrownBy(() -> PageCodec.encode(new float[15], 2, 8))
        .hasMessage("expected 2 x 8 = 16 floats, got 15");
    float[] vectors = new float[16];
    vectors[11] = Float.NaN;
    assertThatThrownBy(() -> PageCodec.encode(vectors, 2, 8))
        .hasMessage("value NaN at token 1, dimension 3 is not finite or exceeds 65504.0");
    vectors[11] = 70000f;
    assertThatThrownBy(() -> PageCodec.encode(vectors, 2, 8))
        .hasMessage("value 70000.0 at token 1, dimension 3 is not finite or exceeds 65504.0");
    assertThatThrownBy(() -> new PageVectors(2, 8, new byte[3], new byte[64]))
        .hasMessage("half copy: 3 bytes, expected 256 for 2 tokens of dim 8");
  }
}
