package dev.quire.index;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;

class PageStoreCodecProperties {

  @Property
  void keyOrderIsLmdbKeyOrder(
      @ForAll @Size(max = 12) byte[] a, @ForAll @Size(max = 12) byte[] b) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment left = arena.allocate(Math.max(1, a.length)).asSlice(0, a.length);
      MemorySegment right = arena.allocate(Math.max(1, b.length)).asSlice(0, b.length);
      left.copyFrom(MemorySegment.ofArray(a));
      right.copyFrom(MemorySegment.ofArray(b));
      int compared = MdbValProxy.INSTANCE.getUnsignedComparator().compare(MdbVal.of(left), MdbVal.of(right));
      assertThat(Integer.signum(compared)).isEqualTo(Integer.signum(Arrays.compareUnsigned(a, b)));
    }
  }

  @Property
  void longKeysSortInNumericOrder(@ForAll long x, @ForAll long y) {
    long a = x & Long.MAX_VALUE;
    long b = y & Long.MAX_VALUE;
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment left = arena.allocate(8);
      MemorySegment right = arena.allocate(8);
      left.set(PageStore.LONG_KEY, 0, a);
      right.set(PageStore.LONG_KEY, 0, b);
      int compared = MdbValProxy.INSTANCE.getUnsignedComparator().compare(MdbVal.of(left), MdbVal.of(right));
      assertThat(Integer.signum(compared)).isEqualTo(Long.signum(Long.compare(a, b)));
    }
  }

  @Property
  void pageRowsRoundTrip(
      @ForAll @StringLength(min = 1, max = 60) String documentId,
      @ForAll @IntRange(min = 0) int pageNumber,
      @ForAll @IntRange(min = 0, max = 5000) int tokens,
      @ForAll @IntRange(min = 0, max = 4096) int dimension,
      @ForAll boolean hasVectors,
      @ForAll @StringLength(max = 20) String textSource,
      @ForAll boolean hasImage) {
    PageStore.PageRow row =
        new PageStore.PageRow(
            documentId,
            pageNumber,
            tokens,
            dimension,
            hasVectors,
            textSource,
            hasImage ? pageNumber + ".png" : null);
    byte[] encoded = row.encode();
    assertThat(PageStore.PageRow.decode(encoded)).isEqualTo(row);
    MemorySegment inPlace = MemorySegment.ofArray(encoded);
    assertThat(inPlace.get(PageStore.PageRow.INT, PageStore.PageRow.TOKENS_OFFSET))
        .isEqualTo(tokens);
    assertThat(inPlace.get(PageStore.PageRow.INT, PageStore.PageRow.DIMENSION_OFFSET))
        .isEqualTo(dimension);
  }
}
