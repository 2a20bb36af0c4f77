package dev.quire.training.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.training.EagerAttention;
import dev.quire.training.LoraConfig;
import dev.quire.training.TrainableColQwen3;
import dev.quire.training.TrainableColQwen3.Pass;
import dev.quire.training.data.ExampleOrder;
import dev.quire.training.data.PageRef;
import dev.quire.training.data.TrainingData;
import dev.quire.training.data.TrainingExample;
import dev.quire.training.data.TrainingSources;
import dev.quire.training.loss.ContrastiveBatch;
import dev.quire.training.loss.LateInteractionLoss;
import dev.quire.training.loss.LossConfig;
import dev.quire.training.loss.MaxSim;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run with a hard-negative loss feeds each example's negative pages: its first step's loss is
 * ColbertNegativeCELoss computed directly on the same examples' embeddings (queries, positives,
 * negatives) with the adapter the run started from, and not the in-batch loss of those embeddings.
 */
class TrainingRunNegativesTest {

  @TempDir static Path dir;
  static TrainingData plain;
  static TrainingData withNegatives;

  @BeforeAll
  static void data() throws IOException {
    TorchRuntime.init();
    plain = TrainingSources.synthetic(dir.resolve("corpus"), 3, 7, 0.34);
    // each example's negative: the next example's positive page that is not its own
    List<TrainingExample> train = plain.train();
    List<TrainingExample> negated = new ArrayList<>();
    for (int i = 0; i < train.size(); i++) {
      TrainingExample e = train.get(i);
      PageRef negative = null;
      for (int j = 1; negative == null && j < train.size(); j++) {
        PageRef candidate = train.get((i + j) % train.size()).positive();
        negative = candidate.equals(e.positive()) ? null : candidate;
      }
      negated.add(new TrainingExample(e.id(), e.query(), e.positive(), List.of(negative)));
    }
    withNegatives = new TrainingData(negated, plain.heldOut(), plain.report());
  }

  private static TrainingRun.Config config(Path out, int negatives) {
    LoraConfig lora = new LoraConfig(4, 8, 0.0, false, new LoraConfig.Targets.Regex(LoraConfig.COLPALI_TARGETS),
        LoraConfig.Init.GAUSSIAN);
    return new TrainingRun.Config(Fixtures.path("colqwen3-tiny-128"), null, lora, out, 2, 2, 1, 5e-3, 0,
        TrainingRun.Schedule.LINEAR, TrainingRun.Loss.COLBERT_NEGATIVE, negatives, 0.0, 1.0, 11, 0, 0);
  }

  @Test
  void theFirstStepsLossIsTheNegativeLossOfTheBatchsEmbeddings() throws IOException {
    Path out = dir.resolve("run");
    List<TrainingRun.StepRecord> records = new TrainingRun(config(out, 1), withNegatives, null).run(null);
    assertThat(records).hasSize(2);
    assertThat(records).allSatisfy(r -> assertThat(r.loss()).isFinite().isPositive());

    ExampleOrder order = new ExampleOrder(withNegatives.train().size(), 11);
    List<TrainingExample> first = List.of(withNegatives.train().get(order.at(0)), withNegatives.train().get(order.at(1)));
    double negativeLoss;
    double inBatchLoss;
    try (ModelInputs inputs = ModelInputs.open(Fixtures.path("colqwen3-tiny-128"));
        TrainableColQwen3 model = TrainableColQwen3.load(Fixtures.path("colqwen3-tiny-128"),
            out.resolve("initial-adapter"), Device.cpu(), EagerAttention::causal);
        NDManager manager = model.backbone().manager().newSubManager()) {
      TrainingRun.Inputs batch = TrainingRun.Inputs.of(first, 1, inputs);
      assertThat(batch.negatives()).hasSize(2);
      // dropout 0: the evaluation pass is the training pass
      ContrastiveBatch embedded = batch.embed(model, manager, Pass.EVALUATION);
      assertThat(embedded.negatives()).get().extracting(n -> n.getShape().get(0), n -> n.getShape().get(1))
          .containsExactly(2L, 1L);
      negativeLoss = new LateInteractionLoss(MaxSim.colpaliDefault(), LossConfig.colbertNegative())
          .loss(embedded).getFloat();
      inBatchLoss = new LateInteractionLoss(MaxSim.colpaliDefault(), LossConfig.colbert())
          .loss(ContrastiveBatch.inBatch(embedded.queries(), embedded.positives())).getFloat();
    }
    System.out.printf("negative loss: run %.8f, direct %.8f, in-batch %.8f%n", records.getFirst().loss(),
        negativeLoss, inBatchLoss);
    assertThat(records.getFirst().loss()).isCloseTo(negativeLoss, org.assertj.core.data.Percentage.withPercentage(1e-3));
    assertThat(Math.abs(negativeLoss - inBatchLoss)).as("the negatives change the loss").isGreaterThan(1e-3);
  }

  @Test
  void examplesWithoutEnoughNegativesAreLeftOutAndARunWithNoneIsRefused() {
    Path out = dir.resolve("refused");
    assertThatThrownBy(() -> new TrainingRun(config(out, 1), plain, null))
        .hasMessageContaining("takes 1 hard negative per example, but none of the " + plain.train().size());
    assertThatThrownBy(() -> new TrainingRun(config(out, 2), withNegatives, null))
        .hasMessageContaining("takes 2 hard negatives per example");
    assertThat(out).doesNotExist();

    List<TrainingExample> mixed = new ArrayList<>(withNegatives.train());
    TrainingExample first = mixed.getFirst();
    mixed.set(0, new TrainingExample(first.id(), first.query(), first.positive(), List.of()));
    TrainingRun run = new TrainingRun(config(out, 1), new TrainingData(mixed, plain.heldOut(), plain.report()), null);
    assertThat(run.leftOut()).isEqualTo(1);
    assertThat(new TrainingRun(config(out, 1), withNegatives, null).leftOut()).isZero();
  }
}
