package dev.quire.training.run;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.model.qwen3vl.Qwen3VLModel;
import dev.quire.training.EagerAttention;
import dev.quire.training.FreshAdapter;
import dev.quire.training.LoraConfig;
import dev.quire.training.TrainableColQwen3;
import dev.quire.training.TrainableColQwen3.Pass;
import dev.quire.training.data.ExampleOrder;
import dev.quire.training.data.PageRef;
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

    /** Whether the loss scores each query against its own hard-negative pages besides the in-batch ones. */
    public boolean takesNegatives() {
      return this == COLBERT_NEGATIVE || this == COLBERT_PAIRWISE_NEGATIVE;
    }

    /** As {@code quire train --loss} spells it. */
    public String option() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * What a run does. {@code lora} continues an existing adapter (else a fresh one from {@code
   * freshAdapter} and {@code seed}); a step takes {@code gradAccumulation} micro-batches of {@code
   * batchSize} examples (the in-batch negatives are those of a micro-batch, as colpali-engine's
   * accumulation); {@code checkpointEvery} 0 saves only at the end; {@code negatives} is the number
   * of hard-negative pages each example brings to a loss that {@link Loss#takesNegatives() takes
   * them} (the first of its list; unused by the in-batch losses); {@code gradientCheckpointing}
   * recomputes each decoder layer in the backward pass instead of keeping its activations
   * ({@link TrainableColQwen3#gradientCheckpointing}): the same gradients, but dropout masks drawn
   * per layer, so a resumed run keeps the setting to repeat the run exactly.
   */
  public record Config(Path model, Path lora, LoraConfig freshAdapter, Path out, int steps, int batchSize,
      int gradAccumulation, double learningRate, int warmup, Schedule schedule, Loss loss, int negatives,
      double weightDecay, double maxGradNorm, long seed, int checkpointEvery, int evalEvery,
      boolean gradientCheckpointing) {

    /** Without gradient checkpointing. */
    public Config(Path model, Path lora, LoraConfig freshAdapter, Path out, int steps, int batchSize,
        int gradAccumulation, double learningRate, int warmup, Schedule schedule, Loss loss, int negatives,
        double weightDecay, double maxGradNorm, long seed, int checkpointEvery, int evalEvery) {
      this(model, lora, freshAdapter, out, steps, batchSize, gradAccumulation, learningRate, warmup, schedule, loss,
          negatives, weightDecay, maxGradNorm, seed, checkpointEvery, evalEvery, false);
    }

    public Config {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(out, "out");
      Objects.requireNonNull(schedule, "schedule");
      Objects.requireNonNull(loss, "loss");
      if (steps < 1 || batchSize < 1 || gradAccumulation < 1 || checkpointEvery < 0 || evalEvery < 0 || warmup < 0) {
        throw new IllegalArgumentException(
            "steps, batch size and accumulation must be positive, checkpoint interval and warm-up not negative");
      }
      if (loss.takesNegatives() ? negatives < 1 : negatives < 0) {
        throw new IllegalArgumentException(
            "--loss " + loss.option() + " needs at least one negative per example, not " + negatives);
      }
    }

    /** Examples an optimiser step consumes. */
    int examplesPerStep() {
      return batchSize * gradAccumulation;
    }

    /** The hard negatives a batch carries per example: 0 for the in-batch losses. */
    int negativesPerExample() {
      return loss.takesNegatives() ? negatives : 0;
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

  /**
   * One optimiser step's figures, what the log and the progress bar show: {@code loss} the mean of
   * its micro-batches' losses, {@code examples} those it consumed; {@code heldOut} null when not evaluated.
   */
  public record StepRecord(long step, double loss, double learningRate, double gradNorm, int examples,
      double examplesPerSecond, HeldOut heldOut) {
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

  /**
   * The figures a checkpoint folder carries next to the adapter and the trainer's state; {@code
   * position} is the next example's place in the order. Checkpoints written before accumulation
   * and negatives read as 1 micro-batch a step and none.
   */
  public record CheckpointState(long step, long position, long seed, int batchSize, int gradAccumulation,
      int negatives, int steps, double bestNdcgAt5) {
    public CheckpointState {
      gradAccumulation = Math.max(1, gradAccumulation);
    }
  }

  private final Config config;
  private final TrainingData data;
  private final List<TrainingExample> train;
  private final Listener listener;
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * With a loss that {@link Loss#takesNegatives() takes negatives}, the training examples with
   * fewer than {@code config.negatives()} are left out ({@link #leftOut()} says how many; mining
   * leaves a few queries short) and a run where none has enough is refused.
   */
  public TrainingRun(Config config, TrainingData data, Listener listener) {
    this.config = config;
    this.data = data;
    this.listener = listener;
    int wanted = config.negativesPerExample();
    this.train = data.train().stream().filter(e -> e.negatives().size() >= wanted).toList();
    if (train.isEmpty() && !data.train().isEmpty()) {
      throw new IllegalArgumentException("--loss " + config.loss().option() + " takes " + wanted
          + " hard negative" + (wanted == 1 ? "" : "s") + " per example, but none of the " + data.train().size()
          + " training examples has " + (wanted == 1 ? "one" : "that many") + "; add them with quire train mine,"
          + " lower --negatives, or use colbert or colbert-pairwise");
    }
    if (train.size() < config.batchSize()) {
      throw new IllegalArgumentException("batch size " + config.batchSize() + " is larger than the "
          + train.size() + " training examples" + (leftOut() > 0 ? " with " + wanted + " hard negatives" : ""));
    }
  }

  /** Training examples left out for having fewer hard negatives than the loss takes. */
  public int leftOut() {
    return data.train().size() - train.size();
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
      if (state.seed() != config.seed() || state.batchSize() != config.batchSize() || state.steps() != config.steps()
          || state.gradAccumulation() != config.gradAccumulation() || state.negatives() != config.negativesPerExample()) {
        throw new IOException(checkpoint.get() + " was written by a run of " + state.steps() + " steps, seed "
            + state.seed() + ", batch size " + state.batchSize() + ", " + state.gradAccumulation()
            + " micro-batches a step and " + state.negatives() + " negatives per example; resume with the same"
            + " --steps, --seed, --batch-size, --grad-accumulation and --negatives");
      }
      startStep = state.step();
      best = state.bestNdcgAt5();
      adapter = checkpoint.get();
    } else if (config.lora() != null) {
      adapter = config.lora();
    } else {
      adapter = initialAdapter(config.out(), config.model(), config.freshAdapter(), config.seed());
    }
    Path log = config.out().resolve(LOG_FILE);
    keepLogUpTo(log, startStep);
    recoverBest(config.out());

    LateInteractionLoss loss = new LateInteractionLoss(MaxSim.colpaliDefault(), config.loss().config);
    ExampleOrder order = new ExampleOrder(train.size(), config.seed());
    HeldOutEvaluation evaluation = new HeldOutEvaluation(data.heldOut(), config.batchSize());
    List<StepRecord> records = new ArrayList<>();
    try (ModelInputs inputs = ModelInputs.open(config.model());
        TrainableColQwen3 model = refusingVisionModules(
            TrainableColQwen3.load(config.model(), adapter, Device.cpu(), EagerAttention::causal));
        AdamW adamW = new AdamW(model.parameters(),
            AdamW.Hyperparameters.torchDefaults().withWeightDecay(config.weightDecay()), model.backbone().manager());
        BufferedWriter writer = Files.newBufferedWriter(log, StandardCharsets.UTF_8,
            StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      Trainer trainer = new Trainer(List.copyOf(model.parameters().values()), adamW,
          config.learningRateSchedule(), new Trainer.Config(config.maxGradNorm()), model.backbone().manager());
      if (checkpoint.isPresent()) {
        trainer.restore(checkpoint.get());
      }
      if (config.gradientCheckpointing()) {
        model.gradientCheckpointing(true);
        trainer.afterEachBackward(model::backwardThroughCheckpoints);
      }
      if (Files.size(log) == 0) {
        writer.write(LOG_HEADER);
        writer.newLine();
        writer.flush();
      }
      for (long step = startStep; step < stopAt; step++) {
        long started = System.nanoTime();
        List<Trainer.MicroBatch> micros = new ArrayList<>(config.gradAccumulation());
        for (Inputs micro : microBatches(order, step, inputs)) {
          micros.add(manager -> loss.loss(micro.embed(model, manager, Pass.TRAINING)));
        }
        // Dropout's masks follow DJL's seed: seeding each step from (seed, step) alone lets a
        // resumed run draw the masks the uninterrupted one drew.
        Engine.getEngine("PyTorch").setRandomSeed((int) (config.seed() * 1_000_003L + step));
        Trainer.StepReport report = trainer.step(micros);
        double seconds = (System.nanoTime() - started) / 1e9;
        long done = step + 1;
        boolean timeUp = deadline != null && !java.time.Instant.now().isBefore(deadline);
        HeldOut heldOut = null;
        if (config.evalEvery() > 0 && !evaluation.isEmpty()
            && (done % config.evalEvery() == 0 || done == config.steps() || timeUp)) {
          heldOut = evaluation.evaluate(model, inputs);
          if (heldOut.ndcgAt5() > best) {
            best = heldOut.ndcgAt5();
            saveBest(model, done, heldOut);
          }
        }
        double meanLoss = report.losses().stream().mapToDouble(Float::doubleValue).average().orElseThrow();
        StepRecord record = new StepRecord(report.step(), meanLoss, report.learningRate(), report.gradNorm(),
            config.examplesPerStep(), config.examplesPerStep() / seconds, heldOut);
        records.add(record);
        writer.write(record.csv());
        writer.newLine();
        writer.flush();
        if (listener != null) {
          listener.stepped(record, config.steps());
        }
        if ((config.checkpointEvery() > 0 && done % config.checkpointEvery() == 0) || done == stopAt || timeUp) {
          saveCheckpoint(model, trainer, done, best);
          TrainingCurves.write(config.out());
        }
        if (timeUp) {
          break;
        }
      }
    }
    return records;
  }

  /**
   * {@code out/initial-adapter}: a fresh adapter of {@code lora} drawn from {@code seed}, written
   * once (through a temporary folder, so a killed process leaves none half written) and reused.
   */
  public static Path initialAdapter(Path out, Path model, LoraConfig lora, long seed) throws IOException {
    Path adapter = out.resolve("initial-adapter");
    if (!Files.isDirectory(adapter)) {
      Files.createDirectories(out);
      Path temp = out.resolve(".initial-adapter.tmp");
      deleteTree(temp);
      FreshAdapter.write(model, lora, seed, temp);
      Files.move(temp, adapter, StandardCopyOption.ATOMIC_MOVE);
    }
    return adapter;
  }

  /** {@code model}, unless its adapter trains a module of the vision tower (closed then). */
  private static TrainableColQwen3 refusingVisionModules(TrainableColQwen3 model) {
    Optional<String> vision = model.visionModule();
    if (vision.isPresent()) {
      model.close();
      throw new IllegalArgumentException("the adapter trains " + vision.get() + " in the vision tower, whose fused"
          + " attention has no gradient through DJL: its gradients would be wrong; choose --lora-targets in the"
          + " decoder and the projection (colpali-engine's default)");
    }
    return model;
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
      return new HeldOutEvaluation(heldOut, batchSize).evaluate(trainable, inputs);
    }
  }

  /**
   * Step {@code step}'s micro-batches: micro-batch k takes the examples at positions {@code
   * step * K * B + k * B ..} of the order, so the data position advances by K * B a step.
   */
  private List<Inputs> microBatches(ExampleOrder order, long step, ModelInputs inputs) throws IOException {
    List<Inputs> micros = new ArrayList<>(config.gradAccumulation());
    for (int k = 0; k < config.gradAccumulation(); k++) {
      List<TrainingExample> batch = new ArrayList<>(config.batchSize());
      for (int i = 0; i < config.batchSize(); i++) {
        batch.add(train.get(order.at(step * config.examplesPerStep() + (long) k * config.batchSize() + i)));
      }
      micros.add(Inputs.of(batch, config.negativesPerExample(), inputs));
    }
    return micros;
  }

  /**
   * One micro-batch's model inputs: queries, their positive pages and, for the negative losses,
   * {@code perExample} hard-negative pages each (example-major), rendered as positives are.
   */
  record Inputs(List<Qwen3VLModel.Sequence> queries, List<Qwen3VLModel.Sequence> positives,
      List<Qwen3VLModel.Sequence> negatives, int perExample) {

    static Inputs of(List<TrainingExample> examples, int perExample, ModelInputs inputs) throws IOException {
      List<Qwen3VLModel.Sequence> queries = new ArrayList<>();
      List<Qwen3VLModel.Sequence> positives = new ArrayList<>();
      List<Qwen3VLModel.Sequence> negatives = new ArrayList<>();
      for (TrainingExample example : examples) {
        queries.add(inputs.query(example.query()));
        positives.add(inputs.page(example.positive()));
        for (PageRef negative : example.negatives().subList(0, perExample)) {
          negatives.add(inputs.page(negative));
        }
      }
      return new Inputs(queries, positives, negatives, perExample);
    }

    /** The embeddings as the loss takes them: negatives {@code [B, N, Ln, d]} when there are any. */
    ContrastiveBatch embed(TrainableColQwen3 model, NDManager manager, Pass pass) {
      NDArray q = model.embed(manager, queries, pass);
      NDArray d = model.embed(manager, positives, pass);
      if (perExample == 0) {
        return ContrastiveBatch.inBatch(q, d);
      }
      NDArray n = model.embed(manager, negatives, pass); // [B * N, Ln, d], padded to the longest negative
      Shape shape = n.getShape();
      return ContrastiveBatch.withNegatives(q, d, n.reshape(queries.size(), perExample, shape.get(1), shape.get(2)));
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
    ObjectNode state = JSON.valueToTree(new CheckpointState(step, step * config.examplesPerStep(), config.seed(),
        config.batchSize(), config.gradAccumulation(), config.negativesPerExample(), config.steps(), best));
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

  /**
   * Finishes a replacement of {@code best} that a kill interrupted. {@code .best.old} exists only
   * once {@code .best.tmp} is complete, so with {@code best} gone the temporary folder is the newer
   * complete adapter; without {@code .best.old} a temporary folder may be half written and goes.
   */
  static void recoverBest(Path out) throws IOException {
    Path target = out.resolve(BEST);
    Path temp = out.resolve("." + BEST + ".tmp");
    Path old = out.resolve("." + BEST + ".old");
    if (!Files.exists(target) && Files.exists(old)) {
      Files.move(Files.exists(temp) ? temp : old, target, StandardCopyOption.ATOMIC_MOVE);
    }
    deleteTree(temp);
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
