package dev.quire.retrieval.kernels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.quire.index.PageCodec;
import dev.quire.index.PageVectors;
import dev.quire.index.Pages;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every implementation of {@link MaxSimKernels} (scalar, 256-bit, 512-bit) against the scalar twin
 * on awkward sizes, whatever the machine: a size above the CPU's runs emulated by the Vector API.
 */
class MaxSimKernelsTest {

  private static final int[] TOKENS = {1, 7, 15, 16, 17, 33, 100};
  private static final int[] DIMS = {16, 48, 128, 320};

  static List<Arguments> implementationsAndDims() {
    List<Arguments> cases = new ArrayList<>();
    for (int bits : new int[] {0, 256, 512}) {
      for (int dim : DIMS) {
        cases.add(Arguments.of(bits, dim));
      }
    }
    return cases;
  }

  @ParameterizedTest(name = "{0} bits, dim {1}")
  @MethodSource("implementationsAndDims")
  void agreesWithTheScalarTwinOnAwkwardSizes(int bits, int dim) {
    MaxSimKernelProvider provider = MaxSimKernelProvider.of(bits);
    assertThat(provider.vectorBits()).isEqualTo(bits);
    MaxSimScorer scorer = new MaxSimScorer(PageCodec.MAX_DIM, provider);
    // Emulated (wider than the CPU) vectors are slow: fewer query sizes there.
    int preferred = MaxSimKernelProvider.preferredVectorBits().orElse(0);
    int[] queryTokens = bits > preferred ? new int[] {1, 7, 17, 33} : TOKENS;
    for (int pageTokens : TOKENS) {
      PageVectors page = PageCodec.encode(Pages.unitVectors(pageTokens * 31L + dim, pageTokens, dim), pageTokens, dim);
      MemorySegment half = MemorySegment.ofArray(page.half());
      MemorySegment binary = MemorySegment.ofArray(page.binary());
      for (int qt : queryTokens) {
        PreparedQuery q = PreparedQuery.prepare(Pages.unitVectors(qt * 7L + dim, qt, dim), qt, dim);
        String size = bits + " bits, " + qt + " query tokens, " + pageTokens + " page tokens, dim " + dim;
        assertThat((double) scorer.halfPrecision(q, half, pageTokens)).as(size)
            .isCloseTo(ScalarMaxSim.halfPrecision(q, half, pageTokens), within(2e-5 * qt));
        assertThat((double) scorer.asymmetric(q, binary, pageTokens)).as(size)
            .isCloseTo(ScalarMaxSim.asymmetric(q, binary, pageTokens), within(1e-5 * qt * Math.sqrt(dim)));
        assertThat(scorer.hammingDistanceSum(q, binary, pageTokens)).as(size)
            .isEqualTo(ScalarMaxSim.hammingDistanceSum(q, binary, pageTokens));
        assertThat(scorer.hamming(q, binary, pageTokens)).as(size)
            .isEqualTo(ScalarMaxSim.hamming(q, binary, pageTokens));
      }
    }
  }

  @Test
  void theOverrideChoosesTheKernels() {
    assertThat(MaxSimKernelProvider.choose("scalar").name()).isEqualTo("scalar");
    if (MaxSimKernelProvider.vectorModulePresent()) {
      assertThat(MaxSimKernelProvider.choose("256").name()).isEqualTo("panama-256");
      assertThat(MaxSimKernelProvider.choose(" 512 ").name()).isEqualTo("panama-512");
      int preferred = MaxSimKernelProvider.preferredVectorBits().orElseThrow();
      assertThat(MaxSimKernelProvider.choose("nonsense").vectorBits())
          .isEqualTo(preferred >= 512 ? 512 : preferred >= 256 ? 256 : 0);
    } else {
      assertThat(MaxSimKernelProvider.choose("512").name()).isEqualTo("scalar");
    }
  }

  /**
   * A library user who starts the JVM without {@code --add-modules jdk.incubator.vector} scores on
   * the scalar kernels, with one warning, and never meets a NoClassDefFoundError.
   */
  @Test
  void aJvmWithoutTheVectorModuleScoresOnTheScalarKernels() throws Exception {
    assertThat(fork())
        .contains("kernels scalar, module present false")
        .contains("MaxSim kernels: scalar (SIMD off: the jdk.incubator.vector module is absent")
        .doesNotContain("NoClassDefFoundError")
        .doesNotContain("incubator modules");
  }

  /** Without C2 the Vector API would box every vector: slower than the scalar kernels. */
  @Test
  void aJvmWithoutC2ScoresOnTheScalarKernels() throws Exception {
    assertThat(fork("--add-modules", "jdk.incubator.vector", "-XX:TieredStopAtLevel=1"))
        .contains("kernels scalar, module present true")
        .contains("MaxSim kernels: scalar (SIMD off: -XX:TieredStopAtLevel=1 keeps C2 off");
  }

  /** Runs {@link WithoutVectorModule} in a new JVM with {@code flags}; returns its output. */
  private static String fork(String... flags) throws Exception {
    String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
    List<String> command = new ArrayList<>(List.of(java));
    command.addAll(List.of(flags));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), WithoutVectorModule.class.getName()));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output;
  }

  /** The forked JVM of the tests above: scores a page with the kernels lookup() chose. */
  public static final class WithoutVectorModule {
    public static void main(String[] args) {
      PreparedQuery q = PreparedQuery.prepare(Pages.unitVectors(1, 3, 128), 3, 128);
      PageVectors page = PageCodec.encode(Pages.unitVectors(2, 20, 128), 20, 128);
      MaxSimScorer scorer = new MaxSimScorer(128);
      float score = scorer.halfPrecision(q, MemorySegment.ofArray(page.half()), 20);
      if (score != ScalarMaxSim.halfPrecision(q, MemorySegment.ofArray(page.half()), 20)) {
        throw new AssertionError("scores differ");
      }
      scorer.asymmetric(q, MemorySegment.ofArray(page.binary()), 20);
      scorer.hamming(q, MemorySegment.ofArray(page.binary()), 20);
      System.out.println("kernels " + MaxSimKernelProvider.lookup().name() + ", module present "
          + MaxSimKernelProvider.vectorModulePresent());
    }
  }
}
