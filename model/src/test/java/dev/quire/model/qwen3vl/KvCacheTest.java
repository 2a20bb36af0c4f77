package dev.quire.model.qwen3vl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Decoding with a key/value cache computes what the full forward pass computes: a prefill of
 * n - k tokens and k one-token steps give the rows of the packed forward over all n, and so does
 * a prefill of all n, one sequence at a time or several in one cache. Text-only queries on the
 * BF16 sharded checkpoint, pages with an image (vision tower, DeepStack) on the F32 one.
 */
class KvCacheTest {

  private static final double TOLERANCE = 1e-5;
  private static final int STEPS = 3;

  /** The packed full forward's final hidden states of each sequence, [length, hidden] each. */
  private static List<float[][]> full(Qwen3VLModel model, NDManager into,
      List<Qwen3VLModel.Sequence> sequences) {
    int[] lengths = sequences.stream().mapToInt(s -> s.ids().length).toArray();
    Attention attention = PaddedAttention.causal(lengths, model.config().text(), into, model.dtype());
    NDArray hidden = model.forward(into, sequences, attention).lastHidden();
    List<float[][]> rows = new ArrayList<>();
    int at = 0;
    for (int length : lengths) {
      float[][] own = new float[length][];
      for (int t = 0; t < length; t++) {
        own[t] = hidden.get(at + t).toType(DataType.FLOAT32, false).toFloatArray();
      }
      rows.add(own);
      at += length;
    }
    return rows;
  }

  private static void assertRow(NDArray actual, float[] expected, String what) {
    float[] values = actual.toType(DataType.FLOAT32, false).toFloatArray();
    assertThat(values).as(what).hasSameSizeAs(expected);
    double worst = 0;
    for (int i = 0; i < values.length; i++) {
      worst = Math.max(worst, Math.abs(values[i] - expected[i]));
    }
    assertThat(worst).as("max |cached - full| of " + what).isLessThan(TOLERANCE);
  }

  private static Qwen3VLModel.Sequence head(Qwen3VLModel.Sequence s, int length) {
    return new Qwen3VLModel.Sequence(Arrays.copyOf(s.ids(), length), s.images());
  }

  @ParameterizedTest
  @CsvSource({"320-queries, colqwen3-tiny-320", "128-docs-3, colqwen3-tiny-128"})
  void aPrefillAndOneTokenStepsGiveTheFullForwardsRows(String golden, String checkpoint)
      throws IOException {
    List<Qwen3VLModel.Sequence> sequences = Qwen3VLModelTest.golden(golden, checkpoint).sequences();
    try (Qwen3VLModel model = Qwen3VLModelTest.load(checkpoint, null, true);
        NDManager into = model.manager().newSubManager()) {
      List<float[][]> full = full(model, into, sequences);
      for (int s = 0; s < sequences.size(); s++) {
        Qwen3VLModel.Sequence sequence = sequences.get(s);
        int n = sequence.ids().length;
        for (int t = n - STEPS; t < n; t++) {
          assertThat(sequence.ids()[t]).as("the steps are text").isNotEqualTo(model.config().imageTokenId());
        }
        try (KvCache cache = model.newCache(1)) {
          NDArray prompt = model.prefill(into, List.of(head(sequence, n - STEPS)), cache).lastHidden();
          for (int t = 0; t < n - STEPS; t++) {
            assertRow(prompt.get(t), full.get(s)[t], golden + " sequence " + s + " prefill row " + t);
          }
          for (int t = n - STEPS; t < n; t++) {
            NDArray step = model.step(into, new int[] {sequence.ids()[t]}, cache);
            assertThat(step.getShape().getShape()).containsExactly(1, model.config().text().hiddenSize());
            assertRow(step.get(0), full.get(s)[t], golden + " sequence " + s + " step at " + t);
          }
          assertThat(cache.length(0)).isEqualTo(n);
        }
        try (KvCache cache = model.newCache(1)) {
          NDArray whole = model.prefill(into, List.of(sequence), cache).lastHidden();
          assertRow(whole.get(n - 1), full.get(s)[n - 1], golden + " sequence " + s + " whole prefill");
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"320-queries, colqwen3-tiny-320", "128-docs-3, colqwen3-tiny-128"})
  void sequencesOfDifferentLengthsDecodeTogetherInOneCache(String golden, String checkpoint)
      throws IOException {
    List<Qwen3VLModel.Sequence> sequences = Qwen3VLModelTest.golden(golden, checkpoint).sequences();
    try (Qwen3VLModel model = Qwen3VLModelTest.load(checkpoint, null, true);
        NDManager into = model.manager().newSubManager();
        KvCache cache = model.newCache(sequences.size())) {
      List<float[][]> full = full(model, into, sequences);
      List<Qwen3VLModel.Sequence> prompts = new ArrayList<>();
      for (Qwen3VLModel.Sequence s : sequences) {
        prompts.add(head(s, s.ids().length - STEPS));
      }
      Qwen3VLModel.Hidden prompt = model.prefill(into, prompts, cache);
      int at = 0;
      for (int s = 0; s < sequences.size(); s++) {
        int last = prompts.get(s).ids().length - 1;
        assertRow(prompt.lastHidden().get(at + last), full.get(s)[last], golden + " prompt " + s);
        at += prompts.get(s).ids().length;
        int[][] grids = prompts.get(s).images().stream().map(ProcessedImage::grid).toArray(int[][]::new);
        assertThat(cache.nextPosition(s)).as("next position of " + s).isEqualTo(Positions.text(
            prompts.get(s).ids(), model.config().imageTokenId(), grids,
            model.config().vision().mergeSize()).next());
      }
      for (int k = STEPS; k > 0; k--) {
        int[] tokens = new int[sequences.size()];
        for (int s = 0; s < tokens.length; s++) {
          tokens[s] = sequences.get(s).ids()[sequences.get(s).ids().length - k];
        }
        NDArray step = model.step(into, tokens, cache);
        for (int s = 0; s < tokens.length; s++) {
          int t = sequences.get(s).ids().length - k;
          assertRow(step.get(new NDIndex("{}", s)), full.get(s)[t], golden + " sequence " + s + " step at " + t);
        }
      }
    }
  }

  @ParameterizedTest
  @CsvSource({"320-queries, colqwen3-tiny-320"})
  void aStepMustFeedEverySequenceOfTheCache(String golden, String checkpoint) throws IOException {
    List<Qwen3VLModel.Sequence> sequences = Qwen3VLModelTest.golden(golden, checkpoint).sequences();
    try (Qwen3VLModel model = Qwen3VLModelTest.load(checkpoint, null, true);
        NDManager into = model.manager().newSubManager();
        KvCache cache = model.newCache(2)) {
      model.prefill(into, sequences.subList(0, 2), cache);
      assertThatThrownBy(() -> model.step(into, new int[] {1}, cache))
          .hasMessageContaining("the cache holds 2 sequences");
      // the failed step left the cache as it was: the next one continues
      int[] lengths = {cache.length(0), cache.length(1)};
      model.step(into, new int[] {1, 2}, cache);
      assertThat(cache.length(0)).isEqualTo(lengths[0] + 1);
      assertThat(cache.length(1)).isEqualTo(lengths[1] + 1);
      assertThatThrownBy(() -> cache.attend(0, null, null, null, 1f))
          .hasMessageContaining("outside a prefill or step");
      assertThat(cache.sequences()).isEqualTo(2);
    }
  }
}
