package dev.quire.cli;

import static dev.quire.cli.CliTest.quire;
import static org.assertj.core.api.Assertions.assertThat;

import dev.quire.cli.CliTest.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code quire train} killed with SIGKILL in the middle of a step, past a checkpoint, then resumed
 * with {@code --resume}: the run ends with the log and the adapter of a run that was never
 * killed, each step logged once. Both runs use gradient checkpointing with dropout on, whose
 * per-layer masks a resumed run must draw again as the first did.
 */
class TrainKillCliTest {

  private static final Path REFERENCE = Path.of("../model/src/test/resources/reference").toAbsolutePath().normalize();
  private static final String MODEL = REFERENCE.resolve("colqwen3-tiny-128").toString();
  private static final int STEPS = 10;

  @TempDir Path dir;

  private List<String> args(Path run, String... more) {
    List<String> args = new ArrayList<>(List.of("train", "--quiet", "--model", MODEL,
        "--data", "builtin:synthetic", "--documents", "4", "--held-out", "0.5", "--out", run.toString(),
        "--steps", String.valueOf(STEPS), "--batch-size", "4", "--lr", "1e-2", "--lora-rank", "4",
        "--lora-dropout", "0.1", "--seed", "5", "--checkpoint-every", "3", "--eval-every", "3",
        "--gradient-checkpointing"));    // its per-layer dropout seeds must repeat on resume too
    args.addAll(List.of(more));
    return args;
  }

  @Test
  void aRunKilledMidStepResumesToTheUninterruptedRun() throws Exception {
    Path whole = dir.resolve("whole");
    Result uninterrupted = quire(args(whole).toArray(String[]::new));
    assertThat(uninterrupted.exitCode()).as(uninterrupted.err()).isZero();

    Path killed = dir.resolve("killed");
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED",
        "--add-modules", "jdk.incubator.vector", "-cp", System.getProperty("java.class.path"), QuireCli.class.getName()));
    command.addAll(args(killed));
    Process child = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(dir.resolve("child.log").toFile()).start();
    // kill it once step 4 is logged, i.e. during step 5, past the checkpoint of step 3
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (System.nanoTime() < deadline && child.isAlive() && loggedSteps(killed) < 4) {
      Thread.sleep(20);
    }
    boolean killedMidway = child.isAlive();
    child.toHandle().destroyForcibly();       // SIGKILL
    child.waitFor();
    assertThat(killedMidway).as(Files.readString(dir.resolve("child.log"))).isTrue();
    assertThat(killed.resolve("checkpoint-" + STEPS)).doesNotExist();
    assertThat(loggedSteps(killed)).isBetween(4, STEPS - 1);

    Result resumed = quire(args(killed, "--resume", killed.toString()).toArray(String[]::new));
    assertThat(resumed.exitCode()).as(resumed.err()).isZero();

    List<String> log = Files.readAllLines(killed.resolve("log.csv"));
    assertThat(log.stream().skip(1).map(line -> line.substring(0, line.indexOf(','))))
        .as("each step logged once").containsExactly("1", "2", "3", "4", "5", "6", "7", "8", "9", "10");
    assertThat(log.stream().map(TrainKillCliTest::withoutSpeed))
        .containsExactlyElementsOf(Files.readAllLines(whole.resolve("log.csv")).stream()
            .map(TrainKillCliTest::withoutSpeed).toList());
    assertThat(Files.readAllBytes(killed.resolve("checkpoint-" + STEPS + "/adapter_model.safetensors")))
        .isEqualTo(Files.readAllBytes(whole.resolve("checkpoint-" + STEPS + "/adapter_model.safetensors")));
    assertThat(Files.readString(killed.resolve("best/best.json")))
        .isEqualTo(Files.readString(whole.resolve("best/best.json")));
    try (var entries = Files.list(killed)) {
      assertThat(entries.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith("."));
    }
  }

  private static int loggedSteps(Path run) throws IOException {
    Path log = run.resolve("log.csv");
    if (!Files.exists(log)) {
      return 0;
    }
    // complete rows only: the last may be half written
    return (int) Files.readAllLines(log).stream().skip(1).filter(line -> line.split(",", -1).length == 7).count();
  }

  /** A log row without its examples/s column (the only one timing changes). */
  private static String withoutSpeed(String line) {
    String[] cells = line.split(",", -1);
    cells[4] = "";
    return String.join(",", cells);
  }
}
