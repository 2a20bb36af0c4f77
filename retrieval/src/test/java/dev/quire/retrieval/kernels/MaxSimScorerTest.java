package dev.quire.retrieval.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.quire.index.PageCodec;
import dev.quire.index.PageVectors;
import dev.quire.index.Pages;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MaxSimScorerTest {

  /** Keeps the scalar twins and the references affordable: query x page x dim multiply-adds. */
  private static final int WORK_BUDGET = 6_000_000;

  private final MaxSimScorer scorer = new MaxSimScorer(PageCodec.MAX_DIM);

  @Provide
  Arbitrary<Integer> dims() {
    return Arbitraries.oneOf(
        Arbitraries.of(8, 24, 72, 128, 136, 320, 512),
        Arbitraries.integers().between(1, 64).map(n -> n * 8));
  }

  @Provide
  Arbitrary<Integer> pageTokens() {
    return Arbitraries.oneOf(
        Arbitraries.of(1, 7, 8, 9, 15, 16, 17, 63, 64, 65, 1030),
        Arbitraries.integers().between(1, 2000));
  }

  /** Heap (-1) or native at any offset from an 8-byte boundary. */
  @Provide
  Arbitrary<Integer> placements() {
    return Arbitraries.integers().between(-1, 7);
  }

  private static int affordableQueryTokens(int queryTokens, int pageTokens, int dim) {
    return Math.max(1, Math.min(queryTokens, WORK_BUDGET / (pageTokens * dim)));
  }

  @Property(tries = 40)
  void halfPrecisionMatchesScalarTwinAndExactReference(
      @ForAll("dims") int dim, @ForAll("pageTokens") int pageTokens,
      @ForAll @IntRange(min = 1, max = 64) int queryTokens, @ForAll("placements") int placement,
      @ForAll long seed) {
    int qt = affordableQueryTokens(queryTokens, pageTokens, dim);
    float[] query = Pages.unitVectors(seed, qt, dim);
    float[] page = Pages.unitVectors(seed + 1, pageTokens, dim);
    PreparedQuery q = PreparedQuery.prepare(query, qt, dim);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment half = Pages.place(PageCodec.encode(page, pageTokens, dim).half(), placement, arena);
      float simd = scorer.halfPrecision(q, half, pageTokens);
      float scalar = ScalarMaxSim.halfPrecision(q, half, pageTokens);
      double onRounded = ReferenceMaxSim.maxSim(query, qt, PageCodec.decodeHalf(half, pageTokens, dim), pageTokens, dim);
      double onExact = ReferenceMaxSim.maxSim(query, qt, page, pageTokens, dim);
      assertThat((double) simd).isCloseTo(scalar, within(2e-5 * qt));
      assertThat((double) simd).isCloseTo(onRounded, within(2e-5 * qt));
      // binary16 keeps 11 significant bits: a unit-vector dot product moves by at most 2^-11.
      assertThat((double) simd).isCloseTo(onExact, within(5e-4 * qt));
    }
  }

  @Property(tries = 40)
  void hammingIsExactlyTheScalarTwinAndTheReference(
      @ForAll("dims") int dim, @ForAll("pageTokens") int pageTokens,
      @ForAll @IntRange(min = 1, max = 64) int queryTokens, @ForAll("placements") int placement,
      @ForAll long seed) {
    int qt = affordableQueryTokens(queryTokens, pageTokens, dim);
    float[] query = Pages.unitVectors(seed, qt, dim);
    float[] page = Pages.unitVectors(seed + 1, pageTokens, dim);
    PreparedQuery q = PreparedQuery.prepare(query, qt, dim);
    int[] minima = ReferenceMaxSim.minimumHammingDistances(query, qt, page, pageTokens, dim);
    int expectedSum = 0;
    float expectedScore = 0f;
    for (int minimum : minima) {
      expectedSum += minimum;
      expectedScore += 1f / (1 + minimum);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment binary = Pages.place(PageCodec.encode(page, pageTokens, dim).binary(), placement, arena);
      assertThat(scorer.hammingDistanceSum(q, binary, pageTokens))
          .isEqualTo(ScalarMaxSim.hammingDistanceSum(q, binary, pageTokens))
          .isEqualTo(expectedSum);
      assertThat(scorer.hamming(q, binary, pageTokens))
          .isEqualTo(ScalarMaxSim.hamming(q, binary, pageTokens))
          .isEqualTo(expectedScore);
    }
  }

  @Property(tries = 40)
  void asymmetricMatchesScalarTwinAndReference(
      @ForAll("dims") int dim, @ForAll("pageTokens") int pageTokens,
      @ForAll @IntRange(min = 1, max = 64) int queryTokens, @ForAll("placements") int placement,
      @ForAll long seed) {
    int qt = affordableQueryTokens(queryTokens, pageTokens, dim);
    float[] query = Pages.unitVectors(seed, qt, dim);
    float[] page = Pages.unitVectors(seed + 1, pageTokens, dim);
    PreparedQuery q = PreparedQuery.prepare(query, qt, dim);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment binary = Pages.place(PageCodec.encode(page, pageTokens, dim).binary(), placement, arena);
      float simd = scorer.asymmetric(q, binary, pageTokens);
      // Each term is at most sqrt(dim) in size (the L1 norm of a unit vector): scale the tolerance.
      double tolerance = 1e-5 * qt * Math.sqrt(dim);
      assertThat((double) simd).isCloseTo(ScalarMaxSim.asymmetric(q, binary, pageTokens), within(tolerance));
      assertThat((double) simd).isCloseTo(ReferenceMaxSim.asymmetric(query, qt, page, pageTokens, dim), within(tolerance));
    }
  }

  @Property(tries = 25)
  void paddingNeverChangesAScore(
      @ForAll("dims") int dim, @ForAll @IntRange(min = 1, max = 200) int pageTokens,
      @ForAll @IntRange(min = 1, max = 40) int qt, @ForAll long seed) {
    float[] query = Pages.unitVectors(seed, qt, dim);
    float[] page = Pages.unitVectors(seed + 1, pageTokens, dim);
    // The same page with its last token repeated up to the next multiple of 16 (a no-op for the
    // maxima) must score exactly like the original, whose padding holds the same copies.
    int padded = PageCodec.roundUp(pageTokens, PageCodec.HALF_BLOCK);
    float[] repeated = new float[padded * dim];
    for (int t = 0; t < padded; t++) {
      System.arraycopy(page, Math.min(t, pageTokens - 1) * dim, repeated, t * dim, dim);
    }
    PreparedQuery q = PreparedQuery.prepare(query, qt, dim);
    PageVectors original = PageCodec.encode(page, pageTokens, dim);
    PageVectors longer = PageCodec.encode(repeated, padded, dim);
    assertThat(longer.half()).isEqualTo(original.half());
    MemorySegment half = MemorySegment.ofArray(original.half());
    MemorySegment binary = MemorySegment.ofArray(original.binary());
    MemorySegment longerBinary = MemorySegment.ofArray(longer.binary());
    assertThat(scorer.halfPrecision(q, MemorySegment.ofArray(longer.half()), padded))
        .isEqualTo(scorer.halfPrecision(q, half, pageTokens));
    assertThat(scorer.hamming(q, longerBinary, padded)).isEqualTo(scorer.hamming(q, binary, pageTokens));
    assertThat(scorer.asymmetric(q, longerBinary, padded)).isEqualTo(scorer.asymmetric(q, binary, pageTokens));
  }

  @Property(tries = 25)
  void aPageScoredAgainstItselfFindsEveryToken(
      @ForAll("dims") int dim, @ForAll @IntRange(min = 1, max = 64) int tokens, @ForAll long seed) {
    float[] vectors = Pages.unitVectors(seed, tokens, dim);
    PreparedQuery q = PreparedQuery.prepare(vectors, tokens, dim);
    PageVectors page = PageCodec.encode(vectors, tokens, dim);
    MemorySegment binary = MemorySegment.ofArray(page.binary());
    assertThat((double) scorer.halfPrecision(q, MemorySegment.ofArray(page.half()), tokens))
        .isCloseTo(tokens, within(5e-4 * tokens));
    assertThat(scorer.hammingDistanceSum(q, binary, tokens)).isZero();
    assertThat(scorer.hamming(q, binary, tokens)).isEqualTo((float) tokens);
    // Against its own signs a token scores its L1 norm, and no other sign pattern scores more.
    double l1 = 0;
    for (float v : vectors) {
      l1 += Math.abs(v);
    }
    assertThat((double) scorer.asymmetric(q, binary, tokens)).isCloseTo(l1, within(1e-5 * tokens * Math.sqrt(dim)));
  }

  @Test
  void scoresAHandComputedExample() {
    int dim = 8;
    // Query: e0 and (e1 + e2) / sqrt 2. Page: e1, -e0, e2.
    float s = (float) Math.sqrt(0.5);
    float[] query = {1, 0, 0, 0, 0, 0, 0, 0, 0, s, s, 0, 0, 0, 0, 0};
    float[] page = {0, 1, 0, 0, 0, 0, 0, 0, -1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0};
    PreparedQuery q = PreparedQuery.prepare(query, 2, dim);
    PageVectors encoded = PageCodec.encode(page, 3, dim);
    MemorySegment binary = MemorySegment.ofArray(encoded.binary());
    // max(0, -1, 0) + max(s, 0, s) = s (in binary16, 0.70703125).
    assertThat(scorer.halfPrecision(q, MemorySegment.ofArray(encoded.half()), 3))
        .isCloseTo(s, within(5e-4f));
    // Signs: query 10000000 and 01100000; page 01000000, 00000000, 00100000.
    // Distances: e0 -> 2, 1, 2 (min 1); second -> 1, 2, 1 (min 1).
    assertThat(scorer.hammingDistanceSum(q, binary, 3)).isEqualTo(2);
    assertThat(scorer.hamming(q, binary, 3)).isEqualTo(1f);
    // Asymmetric: e0 against e1's signs (-1 on dim 0) gives -1, against all -1 gives -1: max -1.
    // Second: against e1 signs gives s - s = 0, against e2 the same: max 0.
    assertThat(scorer.asymmetric(q, binary, 3)).isCloseTo(-1f, within(1e-6f));
  }

  @Test
  void readsPagesFromAMemoryMappedFileAtAnOddOffset(@TempDir Path directory) throws IOException {
    int dim = 128;
    int tokens = 77;
    float[] query = Pages.unitVectors(5, 9, dim);
    float[] vectors = Pages.unitVectors(6, tokens, dim);
    PageVectors page = PageCodec.encode(vectors, tokens, dim);
    // Stored the way LMDB keeps values: back to back, after a 3-byte header, not aligned.
    Path file = directory.resolve("pages");
    byte[] bytes = new byte[3 + page.half().length + page.binary().length];
    System.arraycopy(page.half(), 0, bytes, 3, page.half().length);
    System.arraycopy(page.binary(), 0, bytes, 3 + page.half().length, page.binary().length);
    Files.write(file, bytes);
    PreparedQuery q = PreparedQuery.prepare(query, 9, dim);
    try (Arena arena = Arena.ofConfined(); FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
      MemorySegment mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, bytes.length, arena);
      MemorySegment half = mapped.asSlice(3, page.half().length);
      MemorySegment binary = mapped.asSlice(3 + page.half().length, page.binary().length);
      assertThat(scorer.halfPrecision(q, half, tokens))
          .isEqualTo(scorer.halfPrecision(q, MemorySegment.ofArray(page.half()), tokens));
      assertThat(scorer.asymmetric(q, binary, tokens))
          .isEqualTo(scorer.asymmetric(q, MemorySegment.ofArray(page.binary()), tokens));
      assertThat(scorer.hammingDistanceSum(q, binary, tokens))
          .isEqualTo(ScalarMaxSim.hammingDistanceSum(q, binary, tokens));
    }
  }

  /** Pages read at an offset of a larger segment, as the searcher reads them from the store. */
  @Property(tries = 25)
  void scoringAtAnOffsetIsScoringTheSlice(
      @ForAll("dims") int dim, @ForAll @IntRange(min = 1, max = 300) int pageTokens,
      @ForAll @IntRange(min = 1, max = 40) int queryTokens, @ForAll @IntRange(min = 0, max = 200) int before,
      @ForAll long seed) {
    PreparedQuery q = PreparedQuery.prepare(Pages.unitVectors(seed, queryTokens, dim), queryTokens, dim);
    PageVectors page = PageCodec.encode(Pages.unitVectors(seed + 1, pageTokens, dim), pageTokens, dim);
    try (Arena arena = Arena.ofConfined()) {
      // Other bytes before and after each blob, as other values lie around a value in LMDB's map.
      MemorySegment memory = arena.allocate(before + page.half().length + page.binary().length + 64);
      memory.fill((byte) 0x5a);
      long halfAt = before;
      long binaryAt = before + page.half().length;
      MemorySegment half = memory.asSlice(halfAt, page.half().length).copyFrom(MemorySegment.ofArray(page.half()));
      MemorySegment binary = memory.asSlice(binaryAt, page.binary().length).copyFrom(MemorySegment.ofArray(page.binary()));
      assertThat(scorer.halfPrecision(q, memory, halfAt, pageTokens)).isEqualTo(scorer.halfPrecision(q, half, pageTokens));
      assertThat(scorer.asymmetric(q, memory, binaryAt, pageTokens)).isEqualTo(scorer.asymmetric(q, binary, pageTokens));
      assertThat(scorer.hamming(q, memory, binaryAt, pageTokens)).isEqualTo(scorer.hamming(q, binary, pageTokens));
      assertThat(scorer.hammingDistanceSum(q, memory, binaryAt, pageTokens))
          .isEqualTo(ScalarMaxSim.hammingDistanceSum(q, binary, pageTokens));
    }
  }

  @Test
  void rejectsAPageThatRunsPastTheSegment() {
    PreparedQuery q = PreparedQuery.prepare(Pages.unitVectors(1, 4, 128), 4, 128);
    MemorySegment memory = MemorySegment.ofArray(PageCodec.encode(Pages.unitVectors(2, 20, 128), 20, 128).half());
    assertThatThrownBy(() -> scorer.halfPrecision(q, memory, 1, 20))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("half copy: 8192 bytes for 20 tokens of dim 128 at 1 do not fit a segment of 8192 bytes");
    assertThatThrownBy(() -> scorer.hamming(q, memory, -1, 2))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void rejectsASegmentOfTheWrongSize() {
    PreparedQuery q = PreparedQuery.prepare(Pages.unitVectors(1, 4, 128), 4, 128);
    PageVectors page = PageCodec.encode(Pages.unitVectors(2, 20, 128), 20, 128);
    assertThatThrownBy(() -> scorer.halfPrecision(q, MemorySegment.ofArray(page.half()), 40))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("half copy: 8192 bytes, expected 12288 for 40 tokens of dim 128");
    assertThatThrownBy(() -> scorer.hamming(q, MemorySegment.ofArray(page.binary()), 30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("binary codes: 384 bytes, expected 512 for 30 tokens of dim 128");
  }

  @Test
  void rejectsAQueryWiderThanTheScratch() {
    MaxSimScorer narrow = new MaxSimScorer(128);
    PreparedQuery q = PreparedQuery.prepare(Pages.unitVectors(1, 2, 320), 2, 320);
    PageVectors page = PageCodec.encode(Pages.unitVectors(2, 3, 320), 3, 320);
    assertThatThrownBy(() -> narrow.asymmetric(q, MemorySegment.ofArray(page.binary()), 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("query dim 320 exceeds this scorer's maxDim 128");
  }

  @Test
  void aLongerQueryGrowsTheScratchOnce() {
    PageVectors page = PageCodec.encode(Pages.unitVectors(2, 33, 64), 33, 64);
    MemorySegment half = MemorySegment.ofArray(page.half());
    for (int qt : new int[] {3, 100, 17}) {
      PreparedQuery q = PreparedQuery.prepare(Pages.unitVectors(qt, qt, 64), qt, 64);
      assertThat((double) scorer.halfPrecision(q, half, 33))
          .isCloseTo(ScalarMaxSim.halfPrecision(q, half, 33), within(2e-5 * qt));
      assertThat(scorer.hammingDistanceSum(q, MemorySegment.ofArray(page.binary()), 33))
          .isEqualTo(ScalarMaxSim.hammingDistanceSum(q, MemorySegment.ofArray(page.binary()), 33));
    }
  }

  @Test
  void runsTheSimdKernelsWhereTheMachineHasThem() {
    // Where this is skipped the properties above test the twins only (MaxSimKernelsTest still runs
    // every implementation, emulated if need be).
    assumeTrue(MaxSimKernelProvider.vectorModulePresent(), "no --add-modules jdk.incubator.vector");
    int preferred = MaxSimKernelProvider.preferredVectorBits().orElseThrow();
    assumeTrue(preferred >= 256, "the CPU's preferred vector size is " + preferred + " bits, below 256");
    assumeTrue(System.getProperty(MaxSimKernelProvider.PROPERTY) == null,
        "-D" + MaxSimKernelProvider.PROPERTY + "=" + System.getProperty(MaxSimKernelProvider.PROPERTY));
    assertThat(MaxSimKernelProvider.lookup().vectorBits()).isEqualTo(preferred >= 512 ? 512 : 256);
  }
}
