package dev.quire.cli.eval;

import dev.quire.evaluation.tasks.TaskBenchmark;
import dev.quire.evaluation.tasks.TaskEvalReport;
import dev.quire.evaluation.tasks.TaskEvalSettings;
import dev.quire.evaluation.tasks.TaskExpectations;
import dev.quire.evaluation.tasks.TaskReportWriter;
import dev.quire.generation.backend.BackendSpec;
import dev.quire.generation.backend.Generator;
import dev.quire.generation.backend.Generators;
import dev.quire.model.ComputeDevice;
import dev.quire.samples.SyntheticCorpus;
import dev.quire.tasks.RecordedAnswers;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import me.tongfei.progressbar.ProgressBar;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code quire eval tasks}: classify, extract and ask scored against the synthetic corpus's
 * ground truth with whichever backend is given (an in-process checkpoint, an OpenAI-compatible
 * server, or answers recorded earlier), with a report, a confusion-matrix PNG, and for the
 * committed recording a check against the committed scores (exit 3 when one moved).
 */
@Command(
    name = "tasks",
    mixinStandardHelpOptions = true,
    description = {
      "Score the document tasks on the built-in synthetic corpus: classification accuracy and its",
      "confusion matrix, field-level precision and recall of extraction, and whether answers cite",
      "the page that answers the question. Backends: --model DIR, --backend-url URL, or --replay FILE."
    })
final class TasksCommand implements Callable<Integer> {

  /** The committed recording (answers of the tiny random test checkpoint) and its scores. */
  static final String BUILTIN_REPLAY = "builtin:tiny-random";

  @Option(names = "--builtin", paramLabel = "NAME", defaultValue = "synthetic",
      description = "The benchmark: synthetic (default).")
  String builtin;

  @Option(names = "--documents", paramLabel = "N", defaultValue = "" + TaskExpectations.DOCUMENTS,
      description = "Documents of the synthetic corpus (default: ${DEFAULT-VALUE}).")
  int documents;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "" + TaskExpectations.SEED,
      description = "Seed of the synthetic corpus (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--tasks", paramLabel = "LIST", split = ",", defaultValue = "classify,extract,ask",
      description = "Which tasks (default: ${DEFAULT-VALUE}).")
  List<String> tasks;

  @Option(names = "--questions-limit", paramLabel = "N", defaultValue = "" + TaskExpectations.QUESTIONS,
      description = "Questions asked, spread over the corpus (0: all; default: ${DEFAULT-VALUE}).")
  int questionsLimit;

  @Option(names = "--k", paramLabel = "N", defaultValue = "3",
      description = "Pages shown per question (default: ${DEFAULT-VALUE}).")
  int k;

  @Option(names = "--no-images", description = "Questions see the pages' text only.")
  boolean noImages;

  @Option(names = "--model", paramLabel = "DIR", description = "A Qwen3-VL instruct checkpoint run in process.")
  Path model;

  @Option(names = "--device", paramLabel = "auto|cpu|cuda", defaultValue = "auto",
      description = "Where --model runs (default: ${DEFAULT-VALUE}).")
  ComputeDevice device;

  @Option(names = "--backend-url", paramLabel = "URL",
      description = "An OpenAI-compatible server, e.g. http://gpu-box:8000/v1.")
  URI backendUrl;

  @Option(names = "--backend-model", paramLabel = "NAME", description = "The model --backend-url is asked for.")
  String backendModel;

  @Option(names = "--api-key-env", paramLabel = "VAR", description = "The variable holding --backend-url's key.")
  String apiKeyEnv;

  @Option(names = "--replay", paramLabel = "FILE",
      description = "Answers recorded with --record (or " + BUILTIN_REPLAY + ", the committed recording).")
  String replay;

  @Option(names = "--record", paramLabel = "FILE", description = "Record the backend's answers to FILE for --replay.")
  Path record;

  @Option(names = "--out", paramLabel = "DIR", defaultValue = "quire-eval-tasks",
      description = "report.json, report.md and confusion.png (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--quiet", description = "No progress bars.")
  boolean quiet;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (!builtin.equals("synthetic")) {
      throw new ParameterException(spec.commandLine(), "--builtin is synthetic, not " + builtin);
    }
    int backends = (model != null ? 1 : 0) + (backendUrl != null ? 1 : 0) + (replay != null ? 1 : 0);
    if (backends != 1) {
      throw new ParameterException(spec.commandLine(), "give one backend: --model DIR, --backend-url URL"
          + " (with --backend-model), or --replay FILE|" + BUILTIN_REPLAY);
    }
    if (record != null && replay != null) {
      throw new ParameterException(spec.commandLine(), "--record records a real backend, not a replay");
    }
    TaskEvalSettings settings;
    try {
      settings = new TaskEvalSettings(documents, seed, tasks, questionsLimit, k, !noImages, modelName());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    PrintWriter stdout = spec.commandLine().getOut();
    Path work = Files.createTempDirectory("quire-eval-tasks");
    try {
      Path corpus = work.resolve("corpus");
      SyntheticCorpus.generate(corpus, documents, seed);
      TaskEvalReport report;
      try (Generators generators = backendUrl != null || model != null ? Generators.open(List.of(spec())) : null;
          Generator base = generators != null ? null : RecordedAnswers.replaying(replayFile(work), modelName());
          Bars bars = new Bars(quiet)) {
        Generator generator = generators != null ? generators.forModel(null) : base;
        if (record != null) {
          Files.deleteIfExists(record);
          generator = RecordedAnswers.recording(generator, record);
        }
        report = TaskBenchmark.run(corpus, work, generator, settings, bars);
      }
      String command = "quire " + String.join(" ", spec.commandLine().getParseResult().originalArgs());
      TaskReportWriter.write(out, report, command);
      stdout.print(Files.readString(out.resolve("report.md")));
      stdout.println("Reports in " + out.toAbsolutePath());
      if (BUILTIN_REPLAY.equals(replay)) {
        List<String> failures = new ArrayList<>();
        for (String check : TaskExpectations.check(report)) {
          stdout.println(check);
          if (check.startsWith("[FAIL]")) {
            failures.add(check);
          }
        }
        stdout.flush();
        return failures.isEmpty() ? 0 : EvalCommand.EXPECTATION_FAILED;
      }
      stdout.flush();
      return 0;
    } finally {
      org.apache.lucene.util.IOUtils.rm(work);
    }
  }

  private String modelName() {
    if (model != null) {
      return String.valueOf(model.getFileName());
    }
    if (backendUrl != null) {
      return backendModel;
    }
    return BUILTIN_REPLAY.equals(replay) ? TaskExpectations.MODEL : "replay of " + replay;
  }

  private BackendSpec spec() {
    if (model != null) {
      return new BackendSpec.Local("local", model, null, device, 0, 0);
    }
    if (backendModel == null) {
      throw new ParameterException(spec.commandLine(), "--backend-url needs --backend-model NAME");
    }
    return new BackendSpec.OpenAi("remote", backendUrl, backendModel, null, apiKeyEnv, null, 4, 1, 0);
  }

  private Path replayFile(Path work) throws IOException {
    if (!BUILTIN_REPLAY.equals(replay)) {
      return Path.of(replay);
    }
    if (documents != TaskExpectations.DOCUMENTS || seed != TaskExpectations.SEED
        || questionsLimit != TaskExpectations.QUESTIONS || k != 3 || noImages
        || !tasks.equals(List.of("classify", "extract", "ask"))) {
      throw new ParameterException(spec.commandLine(), BUILTIN_REPLAY + " was recorded with the defaults"
          + " (--documents " + TaskExpectations.DOCUMENTS + " --seed " + TaskExpectations.SEED
          + " --questions-limit " + TaskExpectations.QUESTIONS + " --k 3, all tasks, images)");
    }
    Path file = work.resolve("replay.jsonl");
    try (InputStream in = TaskExpectations.replay()) {
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
    }
    return file;
  }

  /** A progress bar per task. */
  private static final class Bars implements TaskBenchmark.Listener, AutoCloseable {
    private final boolean quiet;
    private ProgressBar bar;

    Bars(boolean quiet) {
      this.quiet = quiet;
    }

    @Override
    public void started(String task, int items) {
      close();
      if (!quiet) {
        bar = dev.quire.cli.ProgressBars.builder(task.substring(0, 1).toUpperCase(Locale.ROOT) + task.substring(1),
            items, "").build();
      }
    }

    @Override
    public void done(String item) {
      if (bar != null) {
        bar.step();
        bar.setExtraMessage(item.length() <= 32 ? item : item.substring(0, 29) + "...");
      }
    }

    @Override
    public void close() {
      if (bar != null) {
        bar.close();
        bar = null;
      }
    }
  }
}
