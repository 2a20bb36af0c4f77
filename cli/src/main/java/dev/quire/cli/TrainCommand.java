package dev.quire.cli;

import dev.quire.training.LoraConfig;
import dev.quire.training.data.TrainingData;
import dev.quire.training.data.TrainingSources;
import dev.quire.training.run.TrainingRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code quire train}: fine-tunes a LoRA adapter on the model, with checkpoints to resume from. */
@Command(name = "train", description = "Fine-tune a LoRA adapter for retrieval (colpali-engine's recipe).",
    subcommands = MineCommand.class)
final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  // --model, --data and --out are required but checked in call(): picocli would demand a parent's
  // required options of `quire train mine` too
  @Option(names = "--model", paramLabel = "DIR", description = "The ColQwen3 checkpoint folder (required).")
  Path model;

  @Option(names = "--lora", paramLabel = "DIR", description = "Continue this adapter instead of a fresh one.")
  Path lora;

  @Option(names = "--data", paramLabel = "SOURCE",
      description = "What to train on (required): builtin:synthetic; queries:PAGES_DIR:QUERIES.jsonl; vidore:DIR (a ViDoRe-train Parquet table such as"
          + " vidore/colpali_train_set: query, image, optional image_filename and neg_image); or beir:DIR (corpus/, queries/,"
          + " qrels/: an example per query and relevant page)")
  String data;

  @Option(names = "--split", defaultValue = "train", paramLabel = "SPLIT",
      description = "The Parquet split vidore: and beir: read (<split>-*.parquet; default ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--documents", defaultValue = "40",
      description = "Documents builtin:synthetic generates (default ${DEFAULT-VALUE}).")
  int documents;

  @Option(names = "--held-out", defaultValue = "0.1", description = "Share of documents held out (default ${DEFAULT-VALUE}).")
  double heldOut;

  @Option(names = "--out", paramLabel = "RUN", description = "The run's folder (required).")
  Path out;

  @Option(names = "--resume", paramLabel = "RUN", description = "Continue from this run's newest checkpoint.")
  Path resume;

  @Option(names = "--steps", defaultValue = "100", description = "Optimiser steps (default ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--batch-size", defaultValue = "8",
      description = "Examples a micro-batch, the in-batch negatives of one another (default ${DEFAULT-VALUE}).")
  int batchSize;

  @Option(names = "--grad-accumulation", defaultValue = "1", paramLabel = "K",
      description = "Micro-batches a step, their gradients averaged: a step takes K x --batch-size examples"
          + " (default ${DEFAULT-VALUE}).")
  int gradAccumulation;

  @Option(names = "--lr", defaultValue = "5e-5", description = "Peak learning rate (default ${DEFAULT-VALUE}).")
  double learningRate;

  @Option(names = "--warmup", defaultValue = "0", description = "Warm-up steps (default ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--schedule", defaultValue = "linear", description = "linear or cosine (default ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--loss", defaultValue = "colbert",
      description = "colbert, colbert-pairwise, colbert-negative or colbert-pairwise-negative (default ${DEFAULT-VALUE});"
          + " the last two need --negatives hard-negative pages per training example (see quire train mine).")
  String loss;

  @Option(names = "--negatives", defaultValue = "1", paramLabel = "N",
      description = "Hard-negative pages per example for the negative losses, the first N of each example's list;"
          + " examples with fewer are left out and counted (default ${DEFAULT-VALUE}, as colpali-engine).")
  int negatives;

  @Mixin FreshAdapterOptions adapter;

  @Option(names = "--weight-decay", defaultValue = "0.0", description = "AdamW's weight decay (default ${DEFAULT-VALUE}).")
  double weightDecay;

  @Option(names = "--max-grad-norm", defaultValue = "1.0", description = "Gradient clipping, 0 for none (default ${DEFAULT-VALUE}).")
  double maxGradNorm;

  @Option(names = "--seed", defaultValue = "42", description = "Seeds the data order, split, adapter and dropout (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--checkpoint-every", defaultValue = "50", description = "Steps between checkpoints (default ${DEFAULT-VALUE}).")
  int checkpointEvery;

  @Option(names = "--stop-at", paramLabel = "STEP",
      description = "Stop after this step with a checkpoint, to continue later with --resume (default: --steps).")
  Integer stopAt;

  @Option(names = "--eval-every", defaultValue = "50",
      description = "Steps between evaluations on the held-out split, 0 for none (default ${DEFAULT-VALUE}).")
  int evalEvery;

  @Option(names = "--gradient-checkpointing",
      description = "Recompute each decoder layer in the backward pass instead of keeping its activations:"
          + " less memory, a quarter more time or so (measured on a 31 M model at batch 32: about 0.7x the memory at 0.8x the examples/s).")
  boolean gradientCheckpointing;

  @Option(names = "--quiet", description = "No progress bar.")
  boolean quiet;

  @Override
  public Integer call() throws IOException {
    List<String> missing = new ArrayList<>();
    if (model == null) {
      missing.add("--model=DIR");
    }
    if (data == null) {
      missing.add("--data=SOURCE");
    }
    if (out == null) {
      missing.add("--out=RUN");
    }
    if (!missing.isEmpty()) {
      throw new ParameterException(spec.commandLine(), "Missing required options: " + String.join(", ", missing));
    }
    PrintWriter stdout = spec.commandLine().getOut();
    TrainingData trainingData = readData();
    stdout.println("data: " + trainingData.report().summary() + "; " + trainingData.train().size()
        + " to train on, " + trainingData.heldOut().size() + " held out");
    trainingData.report().skipped().stream().limit(20).forEach(line -> stdout.println("  skipped " + line));
    stdout.flush();
    LoraConfig fresh = adapter.config();
    TrainingRun.Config config = new TrainingRun.Config(model, lora, fresh, out, steps, batchSize, gradAccumulation, learningRate, warmup,
        enumOf(TrainingRun.Schedule.class, schedule, "--schedule"), enumOf(TrainingRun.Loss.class, loss, "--loss"),
        negatives, weightDecay, maxGradNorm, seed, checkpointEvery, evalEvery, gradientCheckpointing);
    long already = resume == null ? 0 : TrainingRun.newestCheckpoint(resume).map(this::stepOf).orElse(0L);
    ProgressBar bar = quiet ? null : ProgressBars.builder("Training", steps, " steps").setInitialMax(steps).build();
    try {
      if (bar != null) {
        bar.stepTo(already);
      }
      TrainingRun run = new TrainingRun(config, trainingData, (record, total) -> {
        if (bar != null) {
          bar.stepTo(record.step());
          bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4f lr %.2e %.1f ex/s",
              record.loss(), record.learningRate(), record.examplesPerSecond())
              + (record.heldOut() == null ? "" : String.format(Locale.ROOT, " nDCG@5 %.3f", record.heldOut().ndcgAt5())));
        }
      });
      if (run.leftOut() > 0) {
        stdout.printf(Locale.ROOT, "left out %d of %d training examples with fewer than %d hard negatives%n",
            run.leftOut(), trainingData.train().size(), negatives);
        stdout.flush();
      }
      var records = run.run(resume, stopAt == null ? steps : stopAt);
      if (bar != null) {
        bar.close();
      }
      if (!records.isEmpty()) {
        var last = records.getLast();
        stdout.printf(Locale.ROOT, "trained to step %d: loss %.4f; adapter in %s%n", last.step(), last.loss(),
            out.resolve("checkpoint-" + last.step()));
        records.stream().filter(r -> r.heldOut() != null)
            .max(java.util.Comparator.comparingDouble(r -> r.heldOut().ndcgAt5()))
            .ifPresent(r -> stdout.printf(Locale.ROOT, "held out: nDCG@5 %.4f, Recall@1 %.4f at step %d (best of this sitting); best adapter in %s%n",
                r.heldOut().ndcgAt5(), r.heldOut().recallAt1(), r.step(), out.resolve(TrainingRun.BEST)));
      }
      return 0;
    } finally {
      if (bar != null) {
        bar.close();
      }
    }
  }

  private long stepOf(Path checkpoint) {
    try {
      return TrainingRun.readState(checkpoint).step();
    } catch (IOException e) {
      return 0;
    }
  }

  private TrainingData readData() throws IOException {
    if (data.equals("builtin:synthetic")) {
      return TrainingSources.synthetic(out.resolve("synthetic-corpus"), documents, seed, heldOut);
    }
    if (data.startsWith("queries:")) {
      String[] parts = data.substring("queries:".length()).split(":", 2);
      if (parts.length == 2) {
        return TrainingSources.queriesFile(Path.of(parts[0]), Path.of(parts[1]), seed, heldOut);
      }
    }
    if (data.startsWith("vidore:") && data.length() > "vidore:".length()) {
      return TrainingSources.vidore(Path.of(data.substring("vidore:".length())), split, seed, heldOut);
    }
    if (data.startsWith("beir:") && data.length() > "beir:".length()) {
      return TrainingSources.beir(Path.of(data.substring("beir:".length())), split, seed, heldOut);
    }
    throw new ParameterException(spec.commandLine(),
        "--data must be builtin:synthetic, queries:PAGES_DIR:QUERIES.jsonl, vidore:DIR or beir:DIR, not " + data);
  }

  private <E extends Enum<E>> E enumOf(Class<E> type, String value, String option) {
    try {
      return Enum.valueOf(type, value.toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), option + ": unknown value " + value);
    }
  }
}
