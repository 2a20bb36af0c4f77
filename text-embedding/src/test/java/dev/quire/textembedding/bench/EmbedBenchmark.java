package dev.quire.textembedding.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.quire.textembedding.OnnxTextEmbedder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Passages per second of the shipped text embedder, for tools/reference/bench_text_embedding.py
 * (which runs the Python stack on the same passages and threads, interleaved, and prints the
 * ratio). Arguments: PASSAGES.json THREADS REPEATS. Prints one JSON line.
 */
public final class EmbedBenchmark {

  private EmbedBenchmark() {}

  public static void main(String[] args) throws Exception {
    JsonNode passages = new ObjectMapper().readTree(Path.of(args[0]).toFile());
    int threads = Integer.parseInt(args[1]);
    int repeats = Integer.parseInt(args[2]);
    List<String> texts = new ArrayList<>();
    passages.forEach(p -> texts.add(p.asText()));
    try (OnnxTextEmbedder embedder = OnnxTextEmbedder.bgeSmall(new OnnxTextEmbedder.Options(threads))) {
      embedder.embed(texts.subList(0, Math.min(16, texts.size()))); // warm-up
      double best = Double.MAX_VALUE;
      for (int r = 0; r < repeats; r++) {
        long start = System.nanoTime();
        embedder.embed(texts);
        best = Math.min(best, (System.nanoTime() - start) / 1e9);
      }
      System.out.printf("{\"passages\": %d, \"threads\": %d, \"seconds\": %.4f, \"passages_per_second\": %.2f}%n",
          texts.size(), threads, best, texts.size() / best);
    }
  }
}
