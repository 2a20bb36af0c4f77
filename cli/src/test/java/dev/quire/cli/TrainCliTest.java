package dev.quire.cli;

import static dev.quire.cli.CliTest.quire;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
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
    Path plain = dir.resolve("queries.jsonl");
    Path negated = dir.resolve("queries-negatives.jsonl");
    writeQueries(pages, plain, negated);

    Path refusedRun = dir.resolve("refused");
    Result refused = trainOn(pages, plain, refusedRun, "0.3", "--loss", "colbert-negative");
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.err()).containsPattern("takes 1 hard negative per example, but none of the \\d+ training examples")
        .contains("quire train mine");
    assertThat(refusedRun.resolve("log.csv")).doesNotExist();

    Path run = dir.resolve("negatives");
    Result trained = trainOn(pages, negated, run, "0.3", "--loss", "colbert-negative", "--grad-accumulation", "2");
    assertThat(trained.exitCode()).as(trained.err()).isZero();
    assertThat(trained.out()).contains("trained to step 2");
    List<String> log = Files.readAllLines(run.resolve("log.csv"));
    assertThat(log).hasSize(3);
    assertThat(log.subList(1, 3)).allSatisfy(row -> assertThat(Double.parseDouble(row.split(",")[1])).isFinite().isPositive());
    // two steps of two micro-batches of two examples
    String state = Files.readString(run.resolve("checkpoint-2/run_state.json"));
    assertThat(state).contains("\"position\" : 8", "\"gradAccumulation\" : 2", "\"negatives\" : 1");
  }

  @Test
  void minesHardNegativesFromAnIndexAndTrainsOnThem() throws IOException {
    Path pages = dir.resolve("pages");
    Path queries = dir.resolve("queries.jsonl");
    writeQueries(pages, queries, null);
    // a second corpus in the same index, outside the pages folder: its hits cannot be negatives
    Path other = dir.resolve("other");
    SyntheticCorpus.generate(other, 2, 9);
    Path index = dir.resolve("bm25-index");
    Result indexed = quire("index", "--quiet", "--index", index.toString(), pages.toString(), other.toString());
    assertThat(indexed.exitCode()).as(indexed.err()).isZero();

    Path mined = dir.resolve("mined.jsonl");
    Result mining = quire("train", "mine", "--quiet", "--index", index.toString(), "--pages", pages.toString(),
        "--queries", queries.toString(), "--out", mined.toString());
    assertThat(mining.exitCode()).as(mining.err()).isZero();
    System.out.print(mining.out());
    List<String> in = Files.readAllLines(queries);
    List<String> out = Files.readAllLines(mined);
    assertThat(out).hasSameSizeAs(in);
    assertThat(mining.out()).contains("mined " + in.size() + " queries (bm25): ")
        .containsPattern("[1-9]\\d* hits skipped as outside");
    // BM25 finds no other page for a query whose words only its page has: those queries stay short
    int short_ = assertMined(in, out, pages, 1);
    assertThat(mining.out()).contains(short_ + " with fewer than 1 negatives");
    assertThat(short_).isLessThan(in.size() / 2);
    try (var entries = Files.list(dir)) {
      assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".tmp"));
    }

    Path run = dir.resolve("mined-run");
    Result trained = trainOn(pages, mined, run, "0", "--loss", "colbert-negative");
    assertThat(trained.exitCode()).as(trained.err()).isZero();
    if (short_ > 0) { // nothing held out: every short query is a training example
      assertThat(trained.out()).contains("left out " + short_ + " of " + in.size() + " training examples with fewer than 1");
    }
    assertThat(Files.readAllLines(run.resolve("log.csv"))).hasSize(3);

    // with the model: an index of its page embeddings, every page scored by MaxSim, so every query
    // finds as many negatives as the folder has other pages
    Path visualIndex = dir.resolve("visual-index");
    Result embedded = quire("index", "--quiet", "--index", visualIndex.toString(), "--model", MODEL, pages.toString());
    assertThat(embedded.exitCode()).as(embedded.err()).isZero();
    Path visual = dir.resolve("visual.jsonl");
    Result visualMining = quire("train", "mine", "--quiet", "--index", visualIndex.toString(), "--model", MODEL,
        "--mode", "visual", "--pages", pages.toString(), "--queries", queries.toString(), "--out", visual.toString(), "--negatives", "2");
    assertThat(visualMining.exitCode()).as(visualMining.err()).isZero();
    assertThat(visualMining.out()).contains("(visual): 0 with fewer than 2 negatives", "0 hits skipped");
    assertThat(assertMined(in, Files.readAllLines(visual), pages, 2)).isZero();

    Result noModel = quire("train", "mine", "--index", visualIndex.toString(), "--mode", "visual", "--pages",
        pages.toString(), "--queries", queries.toString(), "--out", dir.resolve("never.jsonl").toString());
    assertThat(noModel.exitCode()).isNotZero();
    assertThat(noModel.err()).contains("give --model");
  }

  @Test
  void trainStillRequiresItsOptionsAndMineHasItsOwnHelp() {
    Result missing = quire("train", "--data", "builtin:synthetic");
    assertThat(missing.exitCode()).isNotZero();
    assertThat(missing.err()).contains("Missing required options: --model=DIR, --out=RUN");
    Result help = quire("train", "mine", "--help");
    assertThat(help.exitCode()).as(help.err()).isZero();
    assertThat(help.out()).contains("--pages", "--queries", "--negatives", "--mode", "--index");
    assertThat(quire("train", "--help").out()).contains("mine", "--grad-accumulation", "--negatives");
  }

  /**
   * Each mined line is its query line with at most {@code n} negatives, distinct pages of the folder
   * and not its positive; the number of lines with fewer.
   */
  private static int assertMined(List<String> in, List<String> out, Path pages, int n) throws IOException {
    int fewer = 0;
    for (int i = 0; i < in.size(); i++) {
      JsonNode before = JSON.readTree(in.get(i));
      JsonNode after = JSON.readTree(out.get(i));
      assertThat(after.get("query")).isEqualTo(before.get("query"));
      JsonNode negatives = after.get("negatives");
      assertThat(negatives.size()).as(out.get(i)).isBetween(0, n);
      fewer += negatives.size() < n ? 1 : 0;
      java.util.Set<String> distinct = new java.util.HashSet<>();
      for (JsonNode negative : negatives) {
        assertThat(negative.get("file").asText() + "#" + negative.get("page").asInt()).as(out.get(i))
            .isNotEqualTo(before.get("file").asText() + "#" + before.get("page").asInt());
        assertThat(pages.resolve(negative.get("file").asText())).isRegularFile();
        distinct.add(negative.toString());
      }
      assertThat(distinct).hasSize(negatives.size());
    }
    return fewer;
  }

  /**
   * A synthetic corpus in {@code pages} and its questions as a queries file; with {@code negated}
   * also a copy where each query has the next page of the corpus as its negative.
   */
  private static void writeQueries(Path pages, Path plain, Path negated) throws IOException {
    SyntheticCorpus.generate(pages, 3, 5);
    List<GroundTruthPage> truth = GroundTruth.read(pages);
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
    if (negated != null) {
      Files.write(negated, negatedLines);
    }
  }

  /** Two steps of batch 2 on a queries file, a share {@code heldOut} of its documents held out. */
  static Result trainOn(Path pages, Path queries, Path run, String heldOut, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--quiet", "--model", MODEL,
        "--data", "queries:" + pages + ":" + queries, "--held-out", heldOut, "--out", run.toString(),
        "--steps", "2", "--batch-size", "2", "--lr", "1e-2", "--lora-rank", "4", "--lora-dropout", "0",
        "--seed", "3", "--checkpoint-every", "0", "--eval-every", "0"));
    args.addAll(List.of(more));
    return quire(args.toArray(String[]::new));
  }

  @Test
  void trainsOnAViDoReTableAndABeirFolder() throws IOException {
    Path vidore = Path.of("../datasets/src/test/resources/vidore").toAbsolutePath().normalize();
    Path run = dir.resolve("vidore");
    // docvqa_mini (split "test"): 7 rows with a query over 4 documents, one held out; 3 rows without a query
    Result trained = quire("train", "--quiet", "--model", MODEL, "--data", "vidore:" + vidore.resolve("v1/docvqa_mini"),
        "--split", "test", "--held-out", "0.25", "--out", run.toString(), "--steps", "2", "--batch-size", "2",
        "--lr", "1e-2", "--lora-rank", "4", "--seed", "3", "--checkpoint-every", "2", "--eval-every", "2");
    assertThat(trained.exitCode()).as(trained.err()).isZero();
    assertThat(trained.out()).contains("data: 7 examples; skipped 3 empty queries and 0 unreadable pages",
        "skipped row 1 (doc_a_p2.png): empty query", "trained to step 2", "held out: nDCG@5");
    List<String> log = Files.readAllLines(run.resolve("log.csv"));
    assertThat(log).hasSize(3);
    assertThat(log.get(2)).matches("2,.*,[01]\\.\\d+,[01]\\.\\d+");
    assertThat(run.resolve("checkpoint-2/adapter_model.safetensors")).isRegularFile();

    Path beirRun = dir.resolve("beir");
    Result beir = quire("train", "--quiet", "--model", MODEL, "--data", "beir:" + vidore.resolve("v2/esg_mini"),
        "--split", "test", "--held-out", "0", "--out", beirRun.toString(), "--steps", "1", "--batch-size", "2",
        "--lora-rank", "4", "--seed", "3", "--eval-every", "0");
    assertThat(beir.exitCode()).as(beir.err()).isZero();
    assertThat(beir.out()).contains("data: 5 examples; skipped 0 empty queries and 0 unreadable pages",
        "5 to train on, 0 held out", "trained to step 1");

    Result wrongSplit = quire("train", "--quiet", "--model", MODEL, "--data", "vidore:" + vidore.resolve("v1/docvqa_mini"),
        "--out", dir.resolve("none").toString());
    assertThat(wrongSplit.exitCode()).isNotZero();
    assertThat(wrongSplit.err()).contains("no Parquet file of split \"train\"");
  }

  /** A log row without its examples/s column (the only one timing changes). */
  private static String withoutSpeed(String line) {
    String[] cells = line.split(",", -1);
    cells[4] = "";
    return String.join(",", cells);
  }
}
