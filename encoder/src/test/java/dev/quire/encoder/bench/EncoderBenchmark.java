package dev.quire.encoder.bench;

import dev.quire.model.ComputeDevice;
import dev.quire.model.Precision;
import dev.quire.encoder.colqwen3.ColQwen3Encoder;
import dev.quire.encoder.colqwen3.ColQwen3Options;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * The Java half of {@code tools/reference/bench_encoder.py}, which runs it and the Hugging Face
 * reference on the same inputs with the same threads and prints their ratio. Prints one JSON
 * line: checkpoint load time (hash cached, engine started), pages/s and queries/s (wall clock and
 * per CPU second of the calling thread) over the best of the repeats after a warm-up (one pass and
 * at least five seconds), and the
 * process's peak resident memory.
 *
 * <p>Arguments: {@code --model DIR --pages DIR --queries FILE --threads N --max-visual-tokens N
 * --page-batch N --query-batch N --repeats N}.
 */
public final class EncoderBenchmark {

  private EncoderBenchmark() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> arguments = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      arguments.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path model = Path.of(required(arguments, "model"));
    List<BufferedImage> pages = new ArrayList<>();
    try (Stream<Path> files = Files.list(Path.of(required(arguments, "pages")))) {
      for (Path file : files.filter(f -> f.toString().endsWith(".png")).sorted().toList()) {
        pages.add(ImageIO.read(file.toFile()));
      }
    }
    List<String> queries = Files.readAllLines(Path.of(required(arguments, "queries"))).stream()
        .filter(line -> !line.isBlank()).toList();
    int threads = Integer.parseInt(arguments.getOrDefault("threads", "2"));
    int repeats = Integer.parseInt(arguments.getOrDefault("repeats", "3"));
    ColQwen3Options options = ColQwen3Options.defaults()
        .withDevice(ComputeDevice.CPU)
        .withThreads(threads)
        .withMaxVisualTokens(Integer.parseInt(arguments.getOrDefault("max-visual-tokens", "0")))
        .withBatchSizes(Integer.parseInt(arguments.getOrDefault("page-batch", "4")),
            Integer.parseInt(arguments.getOrDefault("query-batch", "16")));

    // the engine starts once per process, as Python imports torch before from_pretrained
    long started = System.nanoTime();
    ColQwen3Encoder.open(model, null, options).close(); // also fills the hash cache
    double firstOpen = seconds(started);
    started = System.nanoTime();
    try (ColQwen3Encoder encoder = ColQwen3Encoder.open(model, null, options)) {
      double load = seconds(started);
      // warm-up, at least one pass and a few seconds: page faults of the mapping, the
      // allocator, and the JIT, which compiles the Java side progressively
      long warmUntil = System.nanoTime() + 5_000_000_000L;
      do {
        encoder.encodePages(pages);
        encoder.encodeQueries(queries);
      } while (System.nanoTime() < warmUntil);
      ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
      double pageTime = Double.MAX_VALUE;
      double queryTime = Double.MAX_VALUE;
      double pageCpu = Double.MAX_VALUE;
      double queryCpu = Double.MAX_VALUE;
      for (int r = 0; r < repeats; r++) {
        started = System.nanoTime();
        long cpuStarted = cpu.getCurrentThreadCpuTime();
        encoder.encodePages(pages);
        pageTime = Math.min(pageTime, seconds(started));
        pageCpu = Math.min(pageCpu, (cpu.getCurrentThreadCpuTime() - cpuStarted) / 1e9);
        started = System.nanoTime();
        cpuStarted = cpu.getCurrentThreadCpuTime();
        encoder.encodeQueries(queries);
        queryTime = Math.min(queryTime, seconds(started));
        queryCpu = Math.min(queryCpu, (cpu.getCurrentThreadCpuTime() - cpuStarted) / 1e9);
      }
      // with one libtorch thread all the work runs on this thread: its CPU time ignores other load
      System.out.printf(Locale.ROOT,
          "{\"side\": \"java\", \"load_seconds\": %.3f, \"first_open_seconds\": %.3f,"
              + " \"pages_per_second\": %.3f, \"queries_per_second\": %.3f,"
              + " \"pages_per_cpu_second\": %.3f, \"queries_per_cpu_second\": %.3f,"
              + " \"peak_rss_mb\": %.1f, \"dimension\": %d}%n",
          load, firstOpen, pages.size() / pageTime, queries.size() / queryTime,
          pages.size() / pageCpu, queries.size() / queryCpu, peakRssMb(),
          encoder.info().dimension());
    }
  }

  private static String required(Map<String, String> arguments, String name) {
    String value = arguments.get(name);
    if (value == null) {
      throw new IllegalArgumentException("missing --" + name);
    }
    return value;
  }

  private static double seconds(long startedNanos) {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /** VmHWM of /proc/self/status: the peak resident set, native memory included. */
  private static double peakRssMb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
      }
    }
    return Double.NaN;
  }
}
