package dev.quire.encoder.colqwen3;

import dev.quire.model.qwen3vl.ForwardTrace;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * colpali-engine's embeddings change with the padding of the batch a page lands in (a known
 * complaint); here sequences are packed, so a page or query gives the same vectors alone or in
 * any batch.
 */
class BatchInvarianceTest {

  private static ReferenceModel reference;

  @BeforeAll
  static void load() {
    reference = new ReferenceModel("colqwen3-tiny-128", null, true);
  }

  @AfterAll
  static void close() {
    reference.close();
  }

  @Test
  void aPageGivesTheSameVectorsAloneAndInAMixedBatch() {
    ColQwen3Model.Sequence page = reference.page("tiny_icon");
    float[] alone = reference.model.forward(List.of(page), ForwardTrace.NONE).get(0);
    List<float[]> batch = reference.model.forward(List.of(reference.page("large_scan"), page,
        reference.query("latency", ""), reference.page("tall_page")), ForwardTrace.NONE);
    List<float[]> reordered = reference.model.forward(List.of(page, reference.page("wide_slide")),
        ForwardTrace.NONE);
    System.out.printf("page alone vs batch: %.3g, vs reordered: %.3g%n",
        Goldens.maxGap(alone, batch.get(1)), Goldens.maxGap(alone, reordered.get(0)));
    assertThat(Goldens.maxGap(alone, batch.get(1))).isLessThan(1e-6);
    assertThat(Goldens.maxGap(alone, reordered.get(0))).isLessThan(1e-6);
  }

  @Test
  void equalPagesBatchedWithoutPaddingGiveTheirVectorsAlone() {
    // equal lengths take the unpadded batch path (no gather, no mask) in vision and text
    ColQwen3Model.Sequence page = reference.page("wide_slide");
    float[] alone = reference.model.forward(List.of(page), ForwardTrace.NONE).get(0);
    List<float[]> twice = reference.model.forward(List.of(page, page), ForwardTrace.NONE);
    assertThat(Goldens.maxGap(alone, twice.get(0))).isLessThan(1e-6);
    assertThat(Goldens.maxGap(alone, twice.get(1))).isLessThan(1e-6);
  }

  @Test
  void aQueryGivesTheSameVectorsAloneAndInABatchOfLongerOnes() {
    ColQwen3Model.Sequence query = reference.query("latency", "");
    float[] alone = reference.model.forward(List.of(query), ForwardTrace.NONE).get(0);
    List<float[]> batch = reference.model.forward(List.of(
        reference.query("Which region had the highest expenses in Q3?", ""), query,
        reference.query("年度报告的收入是多少？", "")), ForwardTrace.NONE);
    System.out.printf("query alone vs batch: %.3g%n", Goldens.maxGap(alone, batch.get(1)));
    assertThat(Goldens.maxGap(alone, batch.get(1))).isLessThan(1e-6);
  }

  @Test
  void aForwardPassLeavesNoArrayBehindInTheModelsManager() {
    NDManager manager = reference.model.backbone().manager();
    int before = manager.getManagedArrays().size();
    reference.model.forward(List.of(reference.page("tall_page"), reference.query("x", "")), ForwardTrace.NONE);
    assertThat(manager.getManagedArrays().size()).isEqualTo(before);
  }
}
