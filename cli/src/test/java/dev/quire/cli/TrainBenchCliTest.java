package dev.quire.cli;

import static dev.quire.cli.CliTest.quire;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quire train-bench}'s plumbing on the tiny fixture (the real run is a benchmark, see the
 * training README): probe steps size the schedule, a zero-minute budget stops the run after its
 * first step with an evaluation and a checkpoint, and the report, the curves and the batches for
 * colpali-engine's side are written.
 */
class TrainBenchCliTest {

  private static final Path MODEL =
      Path.of("../model/src/test/resources/reference/colqwen3-tiny-128").toAbsolutePath().normalize();

  @TempDir Path dir;

  @Test
  void sizesTheScheduleStopsAtTheDeadlineAndWritesTheReportAndCurves() throws IOException {
    Path out = dir.resolve("bench");
    Result result = quire("train-bench", "--model", MODEL.toString(), "--out", out.toString(), "--documents", "4",
        "--held-out", "0.5", "--batch-size", "4", "--lora-rank", "4", "--minutes", "0", "--eval-every", "1",
        "--export-steps", "2", "--seed", "3");
    assertThat(result.exitCode()).as(result.err()).isZero();
    System.out.print(result.out());
    assertThat(result.out()).containsPattern("probe: [\\d.]+ examples/s over 5 steps; 1 steps fit 0.0 minutes")
        .containsPattern("BM25 .* nDCG@5 [01]\\.\\d{4}").containsPattern("untrained \\(fresh adapter, B = 0\\): nDCG@5 [01]\\.\\d{4}")
        .contains("steps trained: 1 of a 1-step schedule");

    JsonNode report = new ObjectMapper().readTree(out.resolve("report.json").toFile());
    assertThat(report.get("steps_trained").asInt()).isEqualTo(1);
    assertThat(report.at("/trained_last/step").asInt()).isEqualTo(1);
    for (String figure : new String[] {"/untrained/ndcg@5", "/bm25/ndcg@5", "/trained_last/ndcg@5", "/trained_last/recall@1"}) {
      assertThat(report.at(figure).asDouble()).as(figure).isBetween(0.0, 1.0);
    }
    assertThat(Files.readString(out.resolve("report.md"))).contains("| untrained (fresh adapter, B = 0) |", "| step 1 (loss ");
    for (String png : new String[] {"loss.png", "held-out.png"}) {
      byte[] head = Arrays.copyOf(Files.readAllBytes(out.resolve(png)), 4);
      assertThat(head).as(png).isEqualTo(new byte[] {(byte) 0x89, 'P', 'N', 'G'});
    }
    assertThat(out.resolve("run/checkpoint-1/adapter_model.safetensors")).isRegularFile();
    assertThat(out.resolve("run/checkpoint-2")).doesNotExist();

    JsonNode batches = new ObjectMapper().readTree(out.resolve("python-data/batches.json").toFile());
    assertThat(batches.get("examples")).hasSize(8);
    assertThat(batches.get("lora_rank").asInt()).isEqualTo(4);
    for (JsonNode example : batches.get("examples")) {
      assertThat(out.resolve("python-data").resolve(example.get("image").asText())).isRegularFile();
    }
    assertThat(Files.readAllLines(out.resolve("python-data/queries.jsonl"))).hasSize(8)
        .allMatch(line -> line.matches("\\{\"query\":\".+\",\"file\":\"page-\\d+\\.png\",\"page\":1}"));
  }
}
