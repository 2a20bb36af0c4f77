package dev.quire.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * Runs the JMH benchmarks (same command line as JMH's own main) with Quire's JVM flags appended to
 * every fork, then prints pages/s per core, GFLOP/s, allocation per page and each kernel's ratio
 * to the baselines measured in the same run, against the goals, and rescoring from the page store
 * against the same pages in memory.
 */
public final class BenchMain {

  /** A kernel compared with a baseline of the same benchmark class and parameters. */
  private record Comparison(String benchmark, String kernel, String baseline, double goal) {}

  private static final List<Comparison> COMPARISONS = List.of(
      new Comparison("HalfPrecisionBenchmark", "quire", "lucene", 5.0),
      new Comparison("HalfPrecisionBenchmark", "quire", "djlSgemm", 1.5),
      new Comparison("HalfPrecisionBenchmark", "quireTwoThreads", "quire", 1.9),
      new Comparison("HammingBenchmark", "quire", "scalar", 0),
      new Comparison("HammingBenchmark", "quireTwoThreads", "quire", 1.9),
      new Comparison("AsymmetricBenchmark", "quire", "scalar", 0),
      new Comparison("AsymmetricBenchmark", "quireTwoThreads", "quire", 1.9));

  /** Pages/s per core goals by benchmark, method and dim. */
  private static final Map<String, Double> PAGE_RATE_GOALS = Map.of(
      "HalfPrecisionBenchmark.quire@128", 8_000.0,
      "HalfPrecisionBenchmark.quire@320", 3_800.0,
      "HammingBenchmark.quire@128", 150_000.0,
      "AsymmetricBenchmark.quire@128", 15_000.0,
      // End to end from the LMDB store, rescoring must keep the kernels' pace.
      "StoreRescoringBenchmark.halfPrecisionStore@128", 8_000.0,
      "StoreRescoringBenchmark.hammingStore@128", 150_000.0);

  /** A benchmark reading from the page store; its baseline is the same name with InMemory for Store. */
  private static final Pattern STORE_BENCHMARK = Pattern.compile("StoreRescoringBenchmark\\.(\\w+)Store(\\w*)");

  /** The benchmark class of the instruction rates the kernels are held against. */
  private static final String LIMITS = "MachineLimitBenchmark";
  private static final String WIDTHS = "KernelWidthBenchmark";

  /** Reading through the store may cost at most this fraction of the in-memory page rate. */
  private static final double STORE_RATIO_GOAL = 0.95;

  private BenchMain() {}

  public static void main(String[] args) throws RunnerException, IOException {
    CommandLineOptions commandLine;
    try {
      commandLine = new CommandLineOptions(args);
    } catch (CommandLineOptionException e) {
      System.err.println("Error parsing command line: " + e.getMessage());
      System.exit(1);
      return;
    }
    if (commandLine.shouldHelp() || commandLine.shouldList() || commandLine.shouldListWithParams()
        || commandLine.shouldListProfilers() || commandLine.shouldListResultFormats()) {
      org.openjdk.jmh.Main.main(args);
      return;
    }
    List<String> jvmArgs = new ArrayList<>(commandLine.getJvmArgsAppend().orElse(List.of()));
    jvmArgs.addAll(quireJvmFlags());
    Options options = new OptionsBuilder().parent(commandLine)
        .jvmArgsAppend(jvmArgs.toArray(String[]::new))
        .build();
    Collection<RunResult> results = new Runner(options).run();
    System.out.print(summary(results));
  }

  /** The flags of the build's quire.jvm.flags property, filtered into a resource at build time. */
  static List<String> quireJvmFlags() throws IOException {
    try (InputStream in = BenchMain.class.getResourceAsStream("/quire-jvm.flags")) {
      if (in == null) {
        throw new IOException("resource /quire-jvm.flags is missing from the class path: build the bench module with Maven");
      }
      String flags = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return Arrays.stream(flags.split("\\s+")).filter(flag -> !flag.isEmpty()).toList();
    }
  }

  static String summary(Collection<RunResult> results) {
    StringBuilder out = new StringBuilder();
    out.append(String.format(Locale.ROOT, "%nQuire kernels: %d query tokens x %d page tokens, pages visited in scattered order"
        + " (score +- 99.9%% confidence half-width)%n", PageSet.QUERY_TOKENS, PageSet.PAGE_TOKENS));
    int width = results.stream().mapToInt(result -> name(result).length()).max().orElse(0);
    String nameColumn = "%-" + Math.max(40, width) + "s";
    out.append(String.format(Locale.ROOT, nameColumn + " %5s %7s %22s %9s %10s  %s%n",
        "benchmark", "dim", "threads", "pages/s per core", "GFLOP/s", "B/page", "goal"));
    for (RunResult result : results) {
      String name = name(result);
      if (name.startsWith(LIMITS)) {
        continue;
      }
      int dim = dim(result);
      int threads = result.getParams().getThreads();
      Result<?> primary = result.getPrimaryResult();
      double perCore = primary.getScore() / threads;
      String gflops = name.startsWith("HalfPrecisionBenchmark") || name.startsWith("StoreRescoringBenchmark.halfPrecision")
          ? String.format(Locale.ROOT, "%9.1f", perCore * PageSet.flopsPerPage(dim) / 1e9) : String.format("%9s", "-");
      String allocation = allocationPerPage(result)
          .map(bytes -> String.format(Locale.ROOT, "%10.1f", bytes)).orElse(String.format("%10s", "-"));
      Double goal = PAGE_RATE_GOALS.get(name + "@" + dim);
      String verdict = goal == null ? "" : String.format(Locale.ROOT, ">= %,.0f: %s", goal, perCore >= goal ? "met" : "NOT met");
      out.append(String.format(Locale.ROOT, nameColumn + " %5d %7d %,13.0f +- %,6.0f %s %s  %s%n",
          name, dim, threads, perCore, primary.getScoreError() / threads, gflops, allocation, verdict));
    }
    out.append(String.format("%nRatios measured in this run (total throughput; +- from the two errors)%n"));
    for (Comparison comparison : COMPARISONS) {
      for (RunResult kernel : results) {
        if (!name(kernel).equals(comparison.benchmark() + "." + comparison.kernel())) {
          continue;
        }
        for (RunResult baseline : results) {
          if (name(baseline).equals(comparison.benchmark() + "." + comparison.baseline())
              && baseline.getParams().getParam("dim").equals(kernel.getParams().getParam("dim"))) {
            double a = kernel.getPrimaryResult().getScore();
            double b = baseline.getPrimaryResult().getScore();
            double ratio = a / b;
            double error = ratio * Math.hypot(kernel.getPrimaryResult().getScoreError() / a,
                baseline.getPrimaryResult().getScoreError() / b);
            String verdict = comparison.goal() <= 0 ? ""
                : String.format(Locale.ROOT, "  goal >= %.1fx: %s", comparison.goal(), ratio >= comparison.goal() ? "met" : "NOT met");
            out.append(String.format(Locale.ROOT, "%-24s dim %3d  %s / %s = %.2fx +- %.2f%s%n",
                comparison.benchmark(), dim(kernel), comparison.kernel(), comparison.baseline(), ratio, error, verdict));
          }
        }
      }
    }
    appendStoreComparison(results, out);
    appendMachineLimits(results, out);
    appendWidths(results, out);
    return out.toString();
  }

  /** {@link KernelWidthBenchmark}: each kernel on each vector width, and its ratio to the scalar twin. */
  private static void appendWidths(Collection<RunResult> results, StringBuilder out) {
    StringBuilder lines = new StringBuilder();
    for (RunResult result : results) {
      String name = name(result);
      if (!name.startsWith(WIDTHS + ".")) {
        continue;
      }
      double rate = result.getPrimaryResult().getScore();
      String ratio = "-";
      for (RunResult scalar : results) {
        if (name(scalar).equals(name) && "scalar".equals(scalar.getParams().getParam("kernels"))
            && scalar.getParams().getParam("dim").equals(result.getParams().getParam("dim"))) {
          double b = scalar.getPrimaryResult().getScore();
          double error = rate / b * Math.hypot(result.getPrimaryResult().getScoreError() / rate,
              scalar.getPrimaryResult().getScoreError() / b);
          ratio = String.format(Locale.ROOT, "%.1fx +- %.1f", rate / b, error);
        }
      }
      lines.append(String.format(Locale.ROOT, "%-14s %5d %7s %,14.0f +- %,8.0f %16s%n",
          name.substring(WIDTHS.length() + 1), dim(result), result.getParams().getParam("kernels"),
          rate, result.getPrimaryResult().getScoreError(), ratio));
    }
    if (lines.isEmpty()) {
      return;
    }
    out.append(String.format("%nKernels on each vector width (one thread)%n"));
    out.append(String.format(Locale.ROOT, "%-14s %5s %7s %26s %16s%n", "kernel", "dim", "width", "pages/s", "vs scalar"));
    out.append(lines);
  }

  /** Each store benchmark against its in-memory twin with the same parameters and threads. */
  private static void appendStoreComparison(Collection<RunResult> results, StringBuilder out) {
    StringBuilder lines = new StringBuilder();
    for (RunResult store : results) {
      Matcher matcher = STORE_BENCHMARK.matcher(name(store));
      if (!matcher.matches()) {
        continue;
      }
      String twin = "StoreRescoringBenchmark." + matcher.group(1) + "InMemory" + matcher.group(2);
      for (RunResult memory : results) {
        if (!name(memory).equals(twin) || !memory.getParams().getParam("dim").equals(store.getParams().getParam("dim"))
            || !memory.getParams().getParam("pages").equals(store.getParams().getParam("pages"))) {
          continue;
        }
        int threads = store.getParams().getThreads();
        double a = store.getPrimaryResult().getScore();
        double b = memory.getPrimaryResult().getScore();
        double ratio = a / b;
        double error = ratio * Math.hypot(store.getPrimaryResult().getScoreError() / a,
            memory.getPrimaryResult().getScoreError() / b);
        lines.append(String.format(Locale.ROOT, "%-14s %4d %6s %7d %,10.0f +- %,6.0f %,10.0f +- %,6.0f %7.2fx +- %.2f %s %s  %s%n",
            matcher.group(1), dim(store), store.getParams().getParam("pages"), threads,
            a / threads, store.getPrimaryResult().getScoreError() / threads,
            b / threads, memory.getPrimaryResult().getScoreError() / threads, ratio, error,
            allocationPerPage(store).map(bytes -> String.format(Locale.ROOT, "%8.1f", bytes)).orElse(String.format("%8s", "-")),
            allocationPerPage(memory).map(bytes -> String.format(Locale.ROOT, "%8.1f", bytes)).orElse(String.format("%8s", "-")),
            String.format(Locale.ROOT, ">= %.2fx: %s", STORE_RATIO_GOAL, ratio >= STORE_RATIO_GOAL ? "met" : "NOT met")));
      }
    }
    if (lines.isEmpty()) {
      return;
    }
    out.append(String.format("%nRescoring from the LMDB page store against the same pages copied to native memory"
        + " (per core; B/page with -prof gc, median of the iterations)%n"));
    out.append(String.format(Locale.ROOT, "%-14s %4s %6s %7s %20s %20s %16s %8s %8s  %s%n",
        "kernel", "dim", "pages", "threads", "store pages/s", "in-memory pages/s", "store/in-memory",
        "B store", "B memory", "goal"));
    out.append(lines);
  }

  /**
   * The instruction rates of {@link MachineLimitBenchmark} measured in this run, and each
   * single-threaded kernel (and its goal) as a share of the ceiling those rates put on it.
   */
  private static void appendMachineLimits(Collection<RunResult> results, StringBuilder out) {
    Map<String, Double> rates = new java.util.HashMap<>();
    for (RunResult result : results) {
      if (name(result).startsWith(LIMITS + ".")) {
        rates.put(name(result).substring(LIMITS.length() + 1), result.getPrimaryResult().getScore());
      }
    }
    if (!rates.keySet().containsAll(List.of("fma", "vectorOp", "popcount", "permute"))) {
      return;
    }
    KernelCeiling ceiling = new KernelCeiling(rates.get("fma"), rates.get("vectorOp"), rates.get("popcount"), rates.get("permute"));
    out.append(String.format(Locale.ROOT, "%nMachine limits measured in this run, one core, 512-bit instructions on registers"
        + " (millions per second)%n  FMA %,.0f (%.1f GFLOP/s), simple vector ops %,.0f, popcounts %,.0f, permutes %,.0f%n",
        rates.get("fma") / 1e6, rates.get("fma") * 32 / 1e9, rates.get("vectorOp") / 1e6,
        rates.get("popcount") / 1e6, rates.get("permute") / 1e6));
    out.append(String.format(Locale.ROOT, "%-44s %5s %14s %14s %9s %14s%n",
        "kernel (1 thread)", "dim", "pages/s", "ceiling", "of it", "goal of it"));
    for (RunResult result : results) {
      if (result.getParams().getThreads() != 1 || result.getParams().getParam("dim") == null) {
        continue;
      }
      String name = name(result);
      int dim = dim(result);
      ceiling.pagesPerSecond(name, dim).ifPresent(most -> {
        double rate = result.getPrimaryResult().getScore();
        Double goal = PAGE_RATE_GOALS.get(name + "@" + dim);
        out.append(String.format(Locale.ROOT, "%-44s %5d %,14.0f %,14.0f %8.0f%% %14s%n", name, dim, rate, most,
            100 * rate / most, goal == null ? "-" : String.format(Locale.ROOT, "%.0f%%", 100 * goal / most)));
      });
    }
  }

  private static String name(RunResult result) {
    String benchmark = result.getParams().getBenchmark();
    int method = benchmark.lastIndexOf('.');
    int type = benchmark.lastIndexOf('.', method - 1);
    return benchmark.substring(type + 1);
  }

  private static int dim(RunResult result) {
    return Integer.parseInt(result.getParams().getParam("dim"));
  }

  /**
   * Bytes allocated per page scored, when run with {@code -prof gc}: the median over the measured
   * iterations, because a fork's last iteration also counts what the trial's tear-down allocates
   * (closing a page index allocates hundreds of kilobytes, which a slow kernel spreads over few pages).
   */
  private static Optional<Double> allocationPerPage(RunResult result) {
    double[] perIteration = result.getBenchmarkResults().stream()
        .flatMap(fork -> fork.getIterationResults().stream())
        .flatMap(iteration -> iteration.getSecondaryResults().entrySet().stream())
        .filter(entry -> entry.getKey().endsWith("gc.alloc.rate.norm"))
        .mapToDouble(entry -> entry.getValue().getScore())
        .sorted()
        .toArray();
    if (perIteration.length == 0) {
      return Optional.empty();
    }
    int middle = perIteration.length / 2;
    return Optional.of(perIteration.length % 2 == 1 ? perIteration[middle]
        : (perIteration[middle - 1] + perIteration[middle]) / 2);
  }
}
