package dev.quire.textembedding.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.model.ComputeDevice;
import dev.quire.model.TorchRuntime;
import dev.quire.textembedding.BgeM3Model;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Passages per second of BgeM3Model (dense, sparse and ColBERT outputs), for
 * tools/reference/bench_bge_m3.py, which runs FlagEmbedding on the same folder and passages.
 * Arguments: FOLDER PASSAGES.json THREADS REPEATS BATCH. Prints one JSON line: load seconds,
 * passages/s (best of REPEATS after a warm-up) and the peak resident memory.
 */
public final class BgeM3Benchmark {

  private BgeM3Benchmark() {}

  public static void main(String[] args) throws Exception {
    Path folder = Path.of(args[0]);
    JsonNode passages = new ObjectMapper().readTree(Path.of(args[1]).toFile());
    int threads = Integer.parseInt(args[2]);
    int repeats = Integer.parseInt(args[3]);
    int batch = Integer.parseInt(args[4]);
    List<String> texts = new ArrayList<>();
    passages.forEach(p -> texts.add(p.asText()));
    TorchRuntime.threads(threads);
    long start = System.nanoTime();
    try (BgeM3Model model = BgeM3Model.open(folder, new BgeM3Model.Options(ComputeDevice.CPU, 0, batch))) {
      double load = (System.nanoTime() - start) / 1e9;
      model.encode(texts.subList(0, Math.min(batch, texts.size()))); // warm-up
      double best = Double.MAX_VALUE;
      for (int r = 0; r < repeats; r++) {
        long t0 = System.nanoTime();
        model.encode(texts);
        best = Math.min(best, (System.nanoTime() - t0) / 1e9);
      }
      System.out.printf("{\"passages\": %d, \"threads\": %d, \"load_seconds\": %.2f, \"seconds\": %.4f,"
          + " \"passages_per_second\": %.3f, \"peak_rss_mb\": %d}%n", texts.size(), threads, load, best,
          texts.size() / best, peakRssKb() / 1024);
    }
  }

  private static long peakRssKb() throws java.io.IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmHWM:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }
}
