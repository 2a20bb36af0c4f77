package dev.quire.cli;

import static dev.quire.cli.CliTest.quire;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.cli.CliTest.Result;
import dev.quire.samples.GroundTruth;
import dev.quire.samples.GroundTruthPage;
import dev.quire.samples.SyntheticCorpus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quire train} on the tiny fixture checkpoint and a small synthetic corpus: the loss falls,
 * every step is logged, checkpoints are complete, a resumed run finishes where it would have, and
 * the adapter it writes is one {@code quire index --lora} takes.
 */
class TrainCliTest {

  private static final Path REFERENCE = Path.of("../model/src/test/resources/reference").toAbsolutePath().normalize();
  private static final String MODEL = REFERENCE.resolve("colqwen3-tiny-128").toString();
  private static final int STEPS = 8;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Result train(Path run, int steps, String... more) {
    List<String> args = new java.util.ArrayList<>(List.of("train", "--quiet", "--model", MODEL,
        "--data", "builtin:synthetic", "--documents", "4", "--held-out", "0.5", "--out", run.toString(),
        "--steps", String.valueOf(steps), "--batch-size", "4", "--lr", "1e-2", "--lora-rank", "4",
        "--lora-dropout", "0", "--seed", "3", "--checkpoint-every", "4", "--eval-every", "4"));
    args.addAll(List.of(more));
    return quire(args.toArray(String[]::new));
  }

  @Test
  void trainsLogsCheckpointsAndTheAdapterIndexes() throws IOException {
    Path run = dir.resolve("run");
    Result trained = train(run, STEPS);
    assertThat(trained.exitCode()).as(trained.err()).isZero();
    assertThat(trained.out()).containsPattern("data: \\d+ examples; skipped 0 empty queries and 0 unreadable pages")
        .contains("trained to step " + STEPS);

    List<String> log = Files.readAllLines(run.resolve("log.csv"));
    assertThat(log.getFirst()).isEqualTo("step,loss,lr,grad_norm,examples_per_s,ndcg@5,recall@1");
    assertThat(log.get(4)).matches("4,.*,[01]\\.\\d+,[01]\\.\\d+");
    assertThat(log.get(3)).endsWith(",,");
    assertThat(log).hasSize(STEPS + 1);
    double[] losses = log.stream().skip(1).mapToDouble(line -> Double.parseDouble(line.split(",")[1])).toArray();
    double first = (losses[0] + losses[1] + losses[2]) / 3;
    double last = (losses[STEPS - 3] + losses[STEPS - 2] + losses[STEPS - 1]) / 3;
    System.out.printf("quire train losses %s%n%s", java.util.Arrays.toString(losses), trained.out());
    assertThat(last).as("mean loss of the last three steps against the first three").isLessThan(first);

    for (int step : new int[] {4, 8}) {
      Path checkpoint = run.resolve("checkpoint-" + step);
      assertThat(checkpoint.resolve("adapter_model.safetensors")).isRegularFile();
      assertThat(checkpoint.resolve("adapter_config.json")).isRegularFile();
      assertThat(checkpoint.resolve("training_state.safetensors")).isRegularFile();
      assertThat(Files.readString(checkpoint.resolve("run_state.json"))).contains("\"step\" : " + step);
    }

    // stopped at 4 and resumed: the same log and the same final adapter
    Path split = dir.resolve("split");
    assertThat(train(split, STEPS, "--stop-at", "4").exitCode()).isZero();
    assertThat(split.resolve("checkpoint-8")).doesNotExist();
    Result resumed = train(split, STEPS, "--resume", split.toString());
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();
    List<String> resumedLog = Files.readAllLines(split.resolve("log.csv"));
    assertThat(resumedLog.stream().map(TrainCliTest::withoutSpeed))
        .containsExactlyElementsOf(log.stream().map(TrainCliTest::withoutSpeed).toList());
    assertThat(Files.readAllBytes(split.resolve("checkpoint-8/adapter_model.safetensors")))
        .isEqualTo(Files.readAllBytes(run.resolve("checkpoint-8/adapter_model.safetensors")));

    assertThat(trained.out()).contains("held out: nDCG@5");
    assertThat(run.resolve("best/adapter_model.safetensors")).isRegularFile();
    Result indexed = quire("index", "--quiet", "--index", dir.resolve("index").toString(), "--model", MODEL,
        "--lora", run.resolve("best").toString(), run.resolve("synthetic-corpus").toString());
    assertThat(indexed.exitCode()).as(indexed.err()).isZero();
    assertThat(indexed.out()).contains("embedded)");
  }

  @Test
  void trainsOnTheHardNegativesOfAQueriesFile() throws IOException {
    Path pages = dir.resolve("pages");
    SyntheticCorpus.generate(pages, 3, 5);
    List<GroundTruthPage> truth = GroundTruth.read(pages);
    Path plain = dir.resolve("queries.jsonl");
    Path negated = dir.resolve("queries-negatives.jsonl");
    List<String> plainLines = new ArrayList<>();
    List<String> negatedLines = new ArrayList<>();
    for (int i = 0; i < truth.size(); i++) {
      GroundTruthPage page = truth.get(i);
      GroundTruthPage other = truth.get((i + 1) % truth.size()); // another page: its questions single out only it
      for (var question : page.questions()) {
        ObjectNode row = JSON.createObjectNode().put("query", question.question()).put("file", page.document())
            .put("page", page.page());
        plainLines.add(row.toString());
        row.putArray("negatives").addObject().put("file", other.document()).put("page", other.page());
        negatedLines.add(row.toString());
      }
    }
    Files.write(plain, plainLines);
    Files.write(negated, negatedLines);

    Path refusedRun = dir.resolve("refused");
    Result refused = trainOn(pages, plain, refusedRun, "--loss", "colbert-negative");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).containsPattern("takes 1 hard negative per example, but (\\d+) of the \\1 training examples have fewer")
        .contains("quire train mine");
    assertThat(refusedRun.resolve("log.csv")).doesNotExist();

    Path run = dir.resolve("negatives");
    Result trained = trainOn(pages, negated, run, "--loss", "colbert-negative", "--grad-accumulation", "2");
    assertThat(trained.exitCode()).as(trained.err()).isZero();
    assertThat(trained.out()).contains("trained to step 2");
    List<String> log = Files.readAllLines(run.resolve("log.csv"));
    assertThat(log).hasSize(3);
    assertThat(log.subList(1, 3)).allSatisfy(row -> assertThat(Double.parseDouble(row.split(",")[1])).isFinite().isPositive());
    // two steps of two micro-batches of two examples
    String state = Files.readString(run.resolve("checkpoint-2/run_state.json"));
    assertThat(state).contains("\"position\" : 8", "\"gradAccumulation\" : 2", "\"negatives\" : 1");
  }

  /** Two steps of batch 2 on a queries file. */
  static Result trainOn(Path pages, Path queries, Path run, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--quiet", "--model", MODEL,
        "--data", "queries:" + pages + ":" + queries, "--held-out", "0.3", "--out", run.toString(),
        "--steps", "2", "--batch-size", "2", "--lr", "1e-2", "--lora-rank", "4", "--lora-dropout", "0",
        "--seed", "3", "--checkpoint-every", "0", "--eval-every", "0"));
    args.addAll(List.of(more));
    return quire(args.toArray(String[]::new));
  }

  /** A log row without its examples/s column (the only one timing changes). */
  private static String withoutSpeed(String line) {
    String[] cells = line.split(",", -1);
    cells[4] = "";
    return String.join(",", cells);
  }
}
