package dev.quire.training.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.training.EagerAttention;
import dev.quire.training.FreshAdapter;
import dev.quire.training.LoraConfig;
import dev.quire.training.TrainableColQwen3;
import dev.quire.training.TrainableColQwen3.Pass;
import dev.quire.training.data.ExampleOrder;
import dev.quire.training.data.TrainingData;
import dev.quire.training.data.TrainingExample;
import dev.quire.training.loss.ContrastiveBatch;
import dev.quire.training.loss.LateInteractionLoss;
import dev.quire.training.loss.LossConfig;
import dev.quire.training.loss.MaxSim;
import dev.quire.training.optim.AdamW;
import dev.quire.training.optim.LearningRateSchedule;
import dev.quire.training.optim.Trainer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * A fine-tuning run over a {@link TrainingData}: batches in {@link ExampleOrder}, the loss, AdamW
 * with a schedule through {@link Trainer}, atomic checkpoints in {@code out/checkpoint-<step>/}, a
 * CSV log, and resumption from the newest checkpoint that reproduces the uninterrupted run. The
 * loop lives here, apart from the model, as transformers' Trainer lives apart from its models.
 */
public final class TrainingRun {

  /** The log's columns, in order. */
  public static final String LOG_HEADER = "step,loss,lr,grad_norm,examples_per_s,ndcg@5,recall@1";
  public static final String BEST = "best";
  public static final String LOG_FILE = "log.csv";
  public static final String STATE_FILE = "run_state.json";
  private static final String CHECKPOINT = "checkpoint-";

  public enum Schedule { LINEAR, COSINE }

  public enum Loss {
    COLBERT(LossConfig.colbert()), COLBERT_PAIRWISE(LossConfig.colbertPairwise()),
    COLBERT_NEGATIVE(LossConfig.colbertNegative()), COLBERT_PAIRWISE_NEGATIVE(LossConfig.colbertPairwiseNegative());

    final LossConfig config;

    Loss(LossConfig config) {
      this.config = config;
    }
  }

  /**
   * What a run does. {@code lora} continues an existing adapter (else a fresh one from {@code
   * freshAdapter} and {@code seed}); {@code checkpointEvery} 0 saves only at the end.
   */
  public record Config(Path model, Path lora, LoraConfig freshAdapter, Path out, int steps, int batchSize,
      double learningRate, int warmup, Schedule schedule, Loss loss, double weightDecay, double maxGradNorm,
      long seed, int checkpointEvery, int evalEvery) {
    public Config {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(out, "out");
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(loss, "loss");
      if (steps < 1 || batchSize < 1 || checkpointEvery < 0 || evalEvery < 0 || warmup < 0) {
        throw new IllegalArgumentException("steps and batch size must be positive, checkpoint interval and warm-up not negative");
      }
    }

    LearningRateSchedule learningRateSchedule() {
      return switch (schedule) {
        case LINEAR -> new LearningRateSchedule.LinearWithWarmup(learningRate, warmup, steps);
        case COSINE -> new LearningRateSchedule.CosineWithWarmup(learningRate, warmup, steps, 0.5);
      };
    }
  }

  /** Retrieval on the held-out split after a step. */
  public record HeldOut(double ndcgAt5, double recallAt1) {}

  /** One optimiser step's figures, what the log and the progress bar show; {@code heldOut} null when not evaluated. */
  public record StepRecord(long step, double loss, double learningRate, double gradNorm, double examplesPerSecond,
      HeldOut heldOut) {
    String csv() {
      return String.format(Locale.ROOT, "%d,%.8g,%.8g,%.8g,%.4g,", step, loss, learningRate, gradNorm, examplesPerSecond)
          + (heldOut == null ? "," : String.format(Locale.ROOT, "%.6f,%.6f", heldOut.ndcgAt5(), heldOut.recallAt1()));
    }
  }

  /** Hears each step as it ends (a progress bar). */
  @FunctionalInterface
  public interface Listener {
    void stepped(StepRecord record, int totalSteps);
  }

  /** The figures a checkpoint folder carries next to the adapter and the trainer's state. */
  public record CheckpointState(long step, long position, long seed, int batchSize, int steps, double bestNdcgAt5) {}

  private final Config config;
  private final TrainingData data;
  private final Listener listener;
  private static final ObjectMapper JSON = new ObjectMapper();

  public TrainingRun(Config config, TrainingData data, Listener listener) {
    this.config = config;
    this.data = data;
    this.listener = listener;
    if (config.loss() == Loss.COLBERT_NEGATIVE || config.loss() == Loss.COLBERT_PAIRWISE_NEGATIVE) {
      // the loop builds in-batch batches; feeding each example's hard-negative pages is not wired
      throw new IllegalArgumentException("--loss " + config.loss().name().toLowerCase(java.util.Locale.ROOT)
          .replace('_', '-') + " needs hard-negative pages in the batches, which quire train does not"
          + " feed yet; use colbert or colbert-pairwise");
    }
    if (data.train().size() < config.batchSize()) {
      throw new IllegalArgumentException("batch size " + config.batchSize() + " is larger than the "
          + data.train().size() + " training examples");
    }
  }

  /** The newest complete checkpoint in {@code run}, if any (a folder appears only once complete). */
  public static Optional<Path> newestCheckpoint(Path run) throws IOException {
    if (!Files.isDirectory(run)) {
      return Optional.empty();
    }
    try (Stream<Path> entries = Files.list(run)) {
      return entries.filter(p -> p.getFileName().toString().matches(CHECKPOINT + "\\d+")
              && Files.isRegularFile(p.resolve(STATE_FILE)))
          .max(Comparator.comparingLong(p -> Long.parseLong(p.getFileName().toString().substring(CHECKPOINT.length()))));
    }
  }

  public static CheckpointState readState(Path checkpoint) throws IOException {
    return JSON.readValue(checkpoint.resolve(STATE_FILE).toFile(), CheckpointState.class);
  }

  /**
   * Trains {@code config.steps()} steps, or what remains of them after {@code resumeFrom}'s newest
   * checkpoint; the per-step records of the steps it ran.
   */
  public List<StepRecord> run(Path resumeFrom) throws IOException {
    return run(resumeFrom, config.steps());
  }

  /**
   * As {@link #run(Path)} but stops after step {@code stopAt} with a checkpoint there (a run split
   * over several sittings); the schedule still spans {@code config.steps()}.
   */
  public List<StepRecord> run(Path resumeFrom, int stopAt) throws IOException {
    return run(resumeFrom, stopAt, null);
  }

  /**
   * As {@link #run(Path, int)} but also stops, evaluated and with a checkpoint, after the step
   * during which {@code deadline} (null for none) passed: a run on a time budget (the benchmark's
   * {@code --minutes}), whose schedule still spans {@code config.steps()}.
   */
  public List<StepRecord> run(Path resumeFrom, int stopAt, java.time.Instant deadline) throws IOException {
    if (stopAt < 1 || stopAt > config.steps()) {
      throw new IllegalArgumentException("stop step " + stopAt + " is not in 1.." + config.steps());
    }
    Files.createDirectories(config.out());
    Optional<Path> checkpoint = resumeFrom == null ? Optional.empty() : newestCheckpoint(resumeFrom);
    if (resumeFrom != null && checkpoint.isEmpty()) {
      throw new IOException("no complete checkpoint in " + resumeFrom);
    }
    long startStep = 0;
    double best = -1;
    Path adapter;
    if (checkpoint.isPresent()) {
      CheckpointState state = readState(checkpoint.get());
      if (state.seed() != config.seed() || state.batchSize() != config.batchSize() || state.steps() != config.steps()) {
        throw new IOException(checkpoint.get() + " was written by a run of " + state.steps() + " steps, seed "
            + state.seed() + " and batch size " + state.batchSize() + "; resume with the same --steps, --seed and --batch-size");
      }
      startStep = state.step();
      best = state.bestNdcgAt5();
      adapter = checkpoint.get();
    } else if (config.lora() != null) {
      adapter = config.lora();
    } else {
      adapter = config.out().resolve("initial-adapter");
      if (!Files.isDirectory(adapter)) {
        Path temp = config.out().resolve(".initial-adapter.tmp");
        deleteTree(temp);
        FreshAdapter.write(config.model(), config.freshAdapter(), config.seed(), temp);
        Files.move(temp, adapter, StandardCopyOption.ATOMIC_MOVE);
      }
    }
    Path log = config.out().resolve(LOG_FILE);
    keepLogUpTo(log, startStep);

    LateInteractionLoss loss = new LateInteractionLoss(MaxSim.colpaliDefault(), config.loss().config);
    ExampleOrder order = new ExampleOrder(data.train().size(), config.seed());
    HeldOutEvaluation evaluation = new HeldOutEvaluation(data.heldOut(), config.batchSize());
    List<StepRecord> records = new ArrayList<>();
    try (ModelInputs inputs = ModelInputs.open(config.model());
        TrainableColQwen3 model = TrainableColQwen3.load(config.model(), adapter, Device.cpu(), EagerAttention::causal);
        AdamW adamW = new AdamW(model.parameters(),
            AdamW.Hyperparameters.torchDefaults().withWeightDecay(config.weightDecay()), model.backbone().manager());
        BufferedWriter writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      Trainer trainer = new Trainer(List.copyOf(model.parameters().values()), adamW,
          config.learningRateSchedule(), new Trainer.Config(config.maxGradNorm()), model.backbone().manager());
      if (checkpoint.isPresent()) {
        trainer.restore(checkpoint.get());
      }
      if (Files.size(log) == 0) {
        writer.write(LOG_HEADER);
        writer.newLine();
        writer.flush();
      }
      for (long step = startStep; step < stopAt; step++) {
        long started = System.nanoTime();
        List<TrainingExample> batch = new ArrayList<>(config.batchSize());
        for (int i = 0; i < config.batchSize(); i++) {
          batch.add(data.train().get(order.at(step * config.batchSize() + i)));
        }
        var queries = batch.stream().map(e -> inputs.query(e.query())).toList();
        var pages = new ArrayList<dev.quire.model.qwen3vl.Qwen3VLModel.Sequence>();
        for (TrainingExample example : batch) {
          pages.add(inputs.page(example.positive()));
        }
        // Dropout's masks follow DJL's seed: seeding each step from (seed, step) alone lets a
        // resumed run draw the masks the uninterrupted one drew.
        Engine.getEngine("PyTorch").setRandomSeed((int) (config.seed() * 1_000_003L + step));
        Trainer.StepReport report = trainer.step(List.of(manager -> {
          NDArray q = model.embed(manager, queries, Pass.TRAINING);
          NDArray d = model.embed(manager, pages, Pass.TRAINING);
          return loss.loss(ContrastiveBatch.inBatch(q, d));
        }));
        double seconds = (System.nanoTime() - started) / 1e9;
        long done = step + 1;
        boolean timeUp = deadline != null && !java.time.Instant.now().isBefore(deadline);
        HeldOut heldOut = null;
        if (config.evalEvery() > 0 && !evaluation.isEmpty()
            && (done % config.evalEvery() == 0 || done == config.steps() || timeUp)) {
          HeldOutEvaluation.Result result = evaluation.evaluate(model, inputs);
          heldOut = new HeldOut(result.ndcgAt5(), result.recallAt1());
          if (heldOut.ndcgAt5() > best) {
            best = heldOut.ndcgAt5();
            saveBest(model, done, heldOut);
          }
        }
        StepRecord record = new StepRecord(report.step(), report.losses().getFirst(), report.learningRate(),
            report.gradNorm(), config.batchSize() / seconds, heldOut);
        records.add(record);
        writer.write(record.csv());
        writer.newLine();
        writer.flush();
        if (listener != null) {
          listener.stepped(record, config.steps());
        }
        if ((config.checkpointEvery() > 0 && done % config.checkpointEvery() == 0) || done == stopAt || timeUp) {
          saveCheckpoint(model, trainer, done, best);
        }
        if (timeUp) {
          break;
        }
      }
    }
    return records;
  }

  /**
   * The held-out figures of {@code adapter} on {@code model} as {@code --eval-every} measures them
   * (evaluation pass, MaxSim over the held-out pages): e.g. a fresh adapter, B = 0, for the
   * untrained model's figure.
   */
  public static HeldOut evaluate(Path model, Path adapter, java.util.List<TrainingExample> heldOut, int batchSize)
      throws IOException {
    try (ModelInputs inputs = ModelInputs.open(model);
        TrainableColQwen3 trainable = TrainableColQwen3.load(model, adapter, Device.cpu(), EagerAttention::causal)) {
      HeldOutEvaluation.Result result = new HeldOutEvaluation(heldOut, batchSize).evaluate(trainable, inputs);
      return new HeldOut(result.ndcgAt5(), result.recallAt1());
    }
  }

  /**
   * Writes the adapter, the trainer's state and the run's position into a temporary folder and
   * renames it into place: a killed process leaves no {@code checkpoint-<step>} half written.
   */
  private void saveCheckpoint(TrainableColQwen3 model, Trainer trainer, long step, double best) throws IOException {
    Path target = config.out().resolve(CHECKPOINT + step);
    Path temp = config.out().resolve("." + CHECKPOINT + step + ".tmp");
    deleteTree(temp);
    model.saveAdapter(temp);
    trainer.save(temp);
    ObjectNode state = JSON.valueToTree(new CheckpointState(step, step * config.batchSize(), config.seed(), config.batchSize(), config.steps(), best));
    Files.writeString(temp.resolve(STATE_FILE), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(state));
    deleteTree(target);
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Replaces {@code out/best} by the adapter as it stands, through a temporary folder as checkpoints. */
  private void saveBest(TrainableColQwen3 model, long step, HeldOut heldOut) throws IOException {
    Path target = config.out().resolve(BEST);
    Path temp = config.out().resolve("." + BEST + ".tmp");
    Path old = config.out().resolve("." + BEST + ".old");
    deleteTree(temp);
    deleteTree(old);
    model.saveAdapter(temp);
    ObjectNode figures = JSON.createObjectNode().put("step", step).put("ndcg@5", heldOut.ndcgAt5())
        .put("recall@1", heldOut.recallAt1());
    Files.writeString(temp.resolve("best.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsString(figures));
    if (Files.exists(target)) {
      Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    deleteTree(old);
  }

  /** Drops the log's rows after {@code step} (written by a run killed after its last checkpoint). */
  private static void keepLogUpTo(Path log, long step) throws IOException {
    if (!Files.exists(log)) {
      return;
    }
    List<String> kept = new ArrayList<>();
    for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
      if (line.startsWith("step") || (!line.isBlank() && Long.parseLong(line.substring(0, line.indexOf(','))) <= step)) {
        kept.add(line);
      }
    }
    Path temp = log.resolveSibling(LOG_FILE + ".tmp");
    Files.write(temp, kept, StandardCharsets.UTF_8);
    Files.move(temp, log, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  static void deleteTree(Path folder) throws IOException {
    if (!Files.exists(folder)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(folder)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
