package dev.quire.training.run;

import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.model.TorchRuntime;
import dev.quire.model.qwen3vl.Fixtures;
import dev.quire.training.LoraConfig;
import dev.quire.training.data.TrainingData;
import dev.quire.training.data.TrainingSources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run stopped after two steps and resumed from its checkpoint logs the same per-step losses and
 * ends with the same adapter, byte for byte, as the run that was never stopped (dropout on).
 * The schedule decays over the four steps, so a stop that forgot it would show in the rates.
 */
class TrainingRunTest {

  @TempDir static Path dir;
  static TrainingData data;

  @BeforeAll
  static void data() throws IOException {
    TorchRuntime.init();
    data = TrainingSources.synthetic(dir.resolve("corpus"), 3, 7, 0.34);
  }

  private static TrainingRun.Config config(Path out, int steps, int checkpointEvery) {
    LoraConfig lora = new LoraConfig(4, 8, 0.1, false, new LoraConfig.Targets.Regex(LoraConfig.COLPALI_TARGETS),
        LoraConfig.Init.GAUSSIAN);
    return new TrainingRun.Config(Fixtures.path("colqwen3-tiny-128"), null, lora, out, steps, 2, 1, 5e-3, 1,
        TrainingRun.Schedule.LINEAR, TrainingRun.Loss.COLBERT, 0, 0.01, 1.0, 11, checkpointEvery, 2);
  }

  @Test
  void resumedRunEqualsTheUninterruptedOne() throws IOException {
    Path whole = dir.resolve("whole");
    List<TrainingRun.StepRecord> uninterrupted = new TrainingRun(config(whole, 4, 2), data, null).run(null);
    assertThat(uninterrupted).hasSize(4);

    Path split = dir.resolve("split");
    List<TrainingRun.StepRecord> first = new TrainingRun(config(split, 4, 2), data, null).run(null, 2);
    assertThat(TrainingRun.newestCheckpoint(split)).get().isEqualTo(split.resolve("checkpoint-2"));
    List<TrainingRun.StepRecord> rest = new TrainingRun(config(split, 4, 2), data, null).run(split);
    List<TrainingRun.StepRecord> resumed = new ArrayList<>(first);
    resumed.addAll(rest);

    assertThat(resumed.stream().map(TrainingRun.StepRecord::step)).containsExactly(1L, 2L, 3L, 4L);
    assertThat(resumed.stream().map(TrainingRun.StepRecord::loss).toList())
        .containsExactlyElementsOf(uninterrupted.stream().map(TrainingRun.StepRecord::loss).toList());
    assertThat(resumed.stream().map(TrainingRun.StepRecord::learningRate).toList())
        .containsExactlyElementsOf(uninterrupted.stream().map(TrainingRun.StepRecord::learningRate).toList());
    assertThat(Files.readAllBytes(split.resolve("checkpoint-4/adapter_model.safetensors")))
        .isEqualTo(Files.readAllBytes(whole.resolve("checkpoint-4/adapter_model.safetensors")));
    // the weights moved: an adapter equal to its start would make the comparison empty
    assertThat(Files.readAllBytes(whole.resolve("checkpoint-4/adapter_model.safetensors")))
        .isNotEqualTo(Files.readAllBytes(whole.resolve("checkpoint-2/adapter_model.safetensors")));

    List<String> log = Files.readAllLines(split.resolve(TrainingRun.LOG_FILE));
    assertThat(log.getFirst()).isEqualTo(TrainingRun.LOG_HEADER);
    assertThat(log.subList(1, log.size())).extracting(line -> line.substring(0, line.indexOf(',')))
        .containsExactly("1", "2", "3", "4");
    // evaluated at steps 2 and 4 (every 2), the same figures; best holds the adapter of the best nDCG@5
    assertThat(resumed.stream().map(r -> r.heldOut() != null).toList()).containsExactly(false, true, false, true);
    assertThat(resumed.stream().map(TrainingRun.StepRecord::heldOut).toList())
        .isEqualTo(uninterrupted.stream().map(TrainingRun.StepRecord::heldOut).toList());
    assertThat(uninterrupted.get(1).heldOut().ndcgAt5()).isBetween(0.0, 1.0);
    assertThat(log.get(2)).matches("2,.*,[01]\\.\\d+,[01]\\.\\d+");
    assertThat(log.get(1)).endsWith(",,");
    assertThat(split.resolve("best/adapter_model.safetensors")).isRegularFile();
    assertThat(split.resolve("best/best.json")).isRegularFile();
    assertThat(split.resolve(TrainingCurves.FILE)).isRegularFile();   // redrawn at each checkpoint, over both sittings
    assertThat(TrainingCurves.read(split.resolve(TrainingRun.LOG_FILE))).hasSize(4);
    try (var entries = Files.list(split)) {
      assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
    }
  }

  @Test
  void aReplacementOfBestThatAKillInterruptedIsFinishedOrUndone() throws IOException {
    Path between = dir.resolve("between");          // killed between the two renames: the new one is complete
    Files.createDirectories(between.resolve(".best.tmp"));
    Files.writeString(between.resolve(".best.tmp/best.json"), "new");
    Files.createDirectories(between.resolve(".best.old"));
    Files.writeString(between.resolve(".best.old/best.json"), "old");
    TrainingRun.recoverBest(between);
    assertThat(between.resolve("best/best.json")).hasContent("new");
    assertThat(between.resolve(".best.tmp")).doesNotExist();
    assertThat(between.resolve(".best.old")).doesNotExist();

    Path writing = dir.resolve("writing");          // killed while writing the new one: the old one stays
    Files.createDirectories(writing.resolve("best"));
    Files.writeString(writing.resolve("best/best.json"), "old");
    Files.createDirectories(writing.resolve(".best.tmp"));
    TrainingRun.recoverBest(writing);
    assertThat(writing.resolve("best/best.json")).hasContent("old");
    assertThat(writing.resolve(".best.tmp")).doesNotExist();
  }

  @Test
  void gradientCheckpointingTrainsAsThePlainPass() throws IOException {
    LoraConfig lora = new LoraConfig(4, 8, 0.0, false, new LoraConfig.Targets.Regex(LoraConfig.COLPALI_TARGETS),
        LoraConfig.Init.GAUSSIAN);
    List<List<Double>> losses = new ArrayList<>();
    for (boolean checkpointing : new boolean[] {false, true}) {
      Path out = dir.resolve("checkpointing-" + checkpointing);
      var records = new TrainingRun(new TrainingRun.Config(Fixtures.path("colqwen3-tiny-128"), null, lora, out, 3, 2, 1,
          5e-3, 0, TrainingRun.Schedule.LINEAR, TrainingRun.Loss.COLBERT, 0, 0.01, 1.0, 11, 0, 0, checkpointing), data, null)
          .run(null);
      losses.add(records.stream().map(TrainingRun.StepRecord::loss).toList());
    }
    System.out.println("losses without and with gradient checkpointing: " + losses);
    assertThat(losses.get(1)).hasSize(3);
    for (int i = 0; i < 3; i++) {
      assertThat(losses.get(1).get(i)).isCloseTo(losses.get(0).get(i), org.assertj.core.data.Offset.offset(1e-5));
    }
    assertThat(losses.get(0).get(2)).isNotEqualTo(losses.get(0).get(0));   // the steps changed the adapter
  }

  @Test
  void anAdapterOnTheVisionTowerIsRefusedBeforeAStep() {
    LoraConfig vision = new LoraConfig(2, 2, 0.0, false, new LoraConfig.Targets.Names(List.of("qkv", "q_proj")),
        LoraConfig.Init.GAUSSIAN);
    Path out = dir.resolve("vision");
    var config = new TrainingRun.Config(Fixtures.path("colqwen3-tiny-128"), null, vision, out, 2, 2, 1, 5e-3, 0,
        TrainingRun.Schedule.LINEAR, TrainingRun.Loss.COLBERT, 0, 0.01, 1.0, 11, 0, 0);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> new TrainingRun(config, data, null).run(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("vision tower").hasMessageContaining("--lora-targets");
    assertThat(out.resolve(TrainingRun.LOG_FILE)).satisfiesAnyOf(
        log -> assertThat(log).doesNotExist(), log -> assertThat(log).isEmptyFile());
  }
}
