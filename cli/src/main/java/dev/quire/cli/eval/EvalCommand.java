package dev.quire.cli.eval;

import dev.quire.encoder.MultiVectorEncoder;
import dev.quire.evaluation.MetricsConfig;
import dev.quire.evaluation.benchmark.Benchmark;
import dev.quire.evaluation.benchmark.BenchmarkRunner;
import dev.quire.evaluation.benchmark.EvalReport;
import dev.quire.evaluation.benchmark.EvalSettings;
import dev.quire.evaluation.benchmark.ExpectationCheck;
import dev.quire.evaluation.benchmark.Expectations;
import dev.quire.evaluation.benchmark.ModelInfo;
import dev.quire.evaluation.benchmark.OcrMode;
import dev.quire.evaluation.benchmark.ReportWriter;
import dev.quire.evaluation.benchmark.SyntheticBenchmark;
import dev.quire.evaluation.benchmark.ViDoReBenchmark;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quire eval}: one reproducible command per evaluation. Indexes each benchmark (reusing the
 * index of an earlier run), searches its queries under every variant of the ablation, and writes
 * report.json, report.md, plots and run files; prints the comparison tables and, for the built-in
 * benchmark, checks the committed expectations. Exit codes: 0 done, 1 error, 2 bad arguments, 3 an
 * expectation failed.
 */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = {
      "Evaluate retrieval on ViDoRe datasets (v1, v2, v3 folders as downloaded from Hugging Face)",
      "or the built-in synthetic corpus: metrics as pytrec_eval computes them, latency, index size,",
      "and the ablation of BM25, float, binary, asymmetric and phased MaxSim in one run.",
      "An interrupted run resumes where it stopped."
    },
    subcommands = {MetricsCommand.class, TasksCommand.class})
public final class EvalCommand implements Callable<Integer> {

  /** Exit code when a committed expectation failed. */
  public static final int EXPECTATION_FAILED = 3;

  @Option(names = "--dataset", paramLabel = "DIR",
      description = "A ViDoRe dataset folder (huggingface-cli download --repo-type dataset NAME --local-dir DIR);"
          + " repeat for several.")
  List<Path> datasets = new ArrayList<>();

  @Option(names = "--known-item", paramLabel = "DIR",
      description = "A known-item set: PDFs under DIR/corpus and DIR/queries.jsonl, one page per query"
          + " (tools/known-item/fetch-debian-docs.sh DIR makes one from Debian's documentation); repeat for several.")
  List<Path> knownItemSets = new ArrayList<>();

  @Option(names = "--builtin", paramLabel = "NAME",
      description = "A built-in benchmark, generated with nothing to download: synthetic.")
  List<String> builtins = new ArrayList<>();

  @Option(names = "--model", paramLabel = "DIR",
      description = "Checkpoint folder of the embedding model; without it only BM25 runs.")
  Path model;

  @Option(names = "--lora", paramLabel = "DIR", description = "LoRA adapter folder for --model.")
  Path lora;

  @Option(names = "--text-model", paramLabel = "bge-small|none|DIR", defaultValue = "none",
      description = "Text embedding model for the dense, bm25-dense and bm25-dense-maxsim variants:"
          + " bge-small (shipped), a BGE-M3 folder or none (default: ${DEFAULT-VALUE}).")
  String textModel;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "quire-eval",
      description = "Reports, plots, run files and the journal that lets a run resume (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--cache", paramLabel = "DIR",
      description = "Indexes and generated corpora, kept between runs (default: $XDG_CACHE_HOME/quire/eval, else ~/.cache/quire/eval).")
  Path cache;

  @Option(names = "--queries-limit", paramLabel = "N", defaultValue = "0",
      description = "Search only the first N queries of each benchmark (0: all).")
  int queriesLimit;

  // 100 results cover the largest cutoff of the metrics (Recall@100, nDCG@100).
  @Option(names = "--k", paramLabel = "N", defaultValue = "100",
      description = "Results per query (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--depth", paramLabel = "N", defaultValue = "100",
      description = "Phased variants: float MaxSim reorders the best ceil(depth x ratio) pages by Hamming"
          + " (default: ${DEFAULT-VALUE}).")
  int depth;

  // Vespa's DocVQA comparison reranks 20; 10 and 50 bracket it.
  @Option(names = "--ratios", paramLabel = "R", split = ",", defaultValue = "0.1,0.2,0.5",
      description = "Pre-filter ratios of the phased variants (default: ${DEFAULT-VALUE}).")
  List<Double> ratios;

  @Option(names = "--variants", paramLabel = "NAME", split = ",",
      description = "Run only these variants: bm25, float, hamming, asymmetric, phased-N, hybrid (default: all).")
  List<String> variants = new ArrayList<>();

  @Option(names = "--ocr", paramLabel = "auto|on|off", defaultValue = "auto",
      description = "OCR pages without text: auto does it for ViDoRe datasets without a text column when"
          + " Tesseract is installed, never for the built-in corpus (default: ${DEFAULT-VALUE}).")
  OcrMode ocr;

  @Option(names = "--warmup", paramLabel = "N", defaultValue = "10",
      description = "Untimed searches before each variant's timed ones (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(names = "--fresh", description = "Forget the searches of earlier runs instead of resuming them.")
  boolean fresh;

  @Option(names = "--documents", paramLabel = "N",
      description = "Documents of the built-in synthetic corpus (default: "
          + SyntheticBenchmark.DEFAULT_DOCUMENTS + "; expectations hold for the default).")
  int documents = SyntheticBenchmark.DEFAULT_DOCUMENTS;

  @Option(names = "--seed", paramLabel = "N", description = "Seed of the built-in synthetic corpus (default: "
      + SyntheticBenchmark.DEFAULT_SEED + ").")
  long seed = SyntheticBenchmark.DEFAULT_SEED;

  @Option(names = "--quiet", description = "No progress bars.")
  boolean quiet;

  @Spec CommandSpec spec;

  private final EncoderLoader loader;

  /** A command that refuses {@code --model} (see {@link EncoderLoader#NONE}). */
  public EvalCommand() {
    this(EncoderLoader.NONE);
  }

  /** A command that loads {@code --model} with {@code loader}. */
  public EvalCommand(EncoderLoader loader) {
    this.loader = loader;
  }

  /** Runs the command as {@code quire eval} would; returns the exit code. */
  public static int run(PrintWriter out, PrintWriter err, EncoderLoader loader, String... args) {
    CommandLine cli = new CommandLine(new EvalCommand(loader));
    cli.setOut(out);
    cli.setErr(err);
    cli.setCaseInsensitiveEnumValuesAllowed(true);
    cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
      commandLine.getErr().println("quire eval: error: " + describe(e));
      commandLine.getErr().flush();
      return 1;
    });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  public static void main(String... args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), EncoderLoader.NONE, args));
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter stderr = spec.commandLine().getErr();
    if (datasets.isEmpty() && builtins.isEmpty() && knownItemSets.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "nothing to evaluate: give --dataset DIR, --known-item DIR or --builtin synthetic");
    }
    for (String builtin : builtins) {
      if (!builtin.equals("synthetic")) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "unknown built-in benchmark \"" + builtin + "\"; there is: synthetic");
      }
    }
    if (lora != null && model == null) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--lora " + lora + " needs --model");
    }
    Path cacheDirectory = cache != null ? cache : defaultCache(System.getenv("XDG_CACHE_HOME"), System.getProperty("user.home"));
    EvalSettings settings = new EvalSettings(out, cacheDirectory, k, depth, ratios, queriesLimit, warmup, fresh,
        variants, MetricsConfig.DEFAULT);

    List<Benchmark> benchmarks = new ArrayList<>();
    try {
      dev.quire.textembedding.TextModels.check(textModel);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--text-model: " + e.getMessage());
    }
    try (EvalProgress progress = new EvalProgress(quiet, stderr);
        MultiVectorEncoder encoder = model == null ? null : loader.load(model, lora);
        dev.quire.textembedding.TextEmbedder textEmbedder = dev.quire.textembedding.TextModels.open(textModel)) {
      ModelInfo modelInfo = encoder == null ? null
          : new ModelInfo(model, Optional.ofNullable(lora), encoder.info());
      // Unknown variant names fail here, before any indexing.
      BenchmarkRunner runner = new BenchmarkRunner(settings, encoder, modelInfo, textEmbedder, progress);
      for (String builtin : builtins) {
        progress.message("Preparing the built-in " + builtin + " corpus under " + cacheDirectory.resolve("corpora"));
        benchmarks.add(SyntheticBenchmark.prepare(cacheDirectory.resolve("corpora"), documents, seed, ocr));
      }
      for (Path dataset : datasets) {
        benchmarks.add(ViDoReBenchmark.open(dataset, null, ocr));
      }
      for (Path set : knownItemSets) {
        benchmarks.addAll(dev.quire.evaluation.benchmark.KnownItemBenchmark.open(set));
      }
      // Under the quire command the original arguments start with the subcommand's own name.
      List<String> args = spec.commandLine().getParseResult().originalArgs();
      int own = spec.parent() == null ? 0 : args.indexOf(spec.name()) + 1;
      String command = "quire eval " + String.join(" ", args.subList(own, args.size()));
      EvalReport report = runner.run(benchmarks, command);
      List<ExpectationCheck> checks = Expectations.check(report);
      report = report.withChecks(checks);
      List<Path> files = ReportWriter.write(report);

      ReportWriter.printTables(report, stdout);
      if (!checks.isEmpty()) {
        stdout.println();
        for (ExpectationCheck check : checks) {
          stdout.println(check.line());
        }
      }
      stdout.println();
      for (Path file : files) {
        stdout.println("Wrote " + file);
      }
      stdout.flush();
      return report.expectationsMet() ? 0 : EXPECTATION_FAILED;
    } finally {
      for (Benchmark benchmark : benchmarks) {
        benchmark.close();
      }
    }
  }

  /** The message a user can act on: the exception's own, or its cause's. */
  static String describe(Throwable e) {
    Throwable t = e;
    while (t.getMessage() == null && t.getCause() != null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }

  /** {@code $XDG_CACHE_HOME/quire/eval} when that is set, as the XDG base directories say; else under the home. */
  static Path defaultCache(String xdgCacheHome, String userHome) {
    Path base = xdgCacheHome != null && !xdgCacheHome.isBlank() ? Path.of(xdgCacheHome) : Path.of(userHome, ".cache");
    return base.resolve("quire").resolve("eval");
  }
}
