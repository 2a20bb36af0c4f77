package dev.quire.generation.bench;

import dev.quire.generation.Decoding;
import dev.quire.generation.GenerationResult;
import dev.quire.generation.LocalGenerator;
import dev.quire.generation.Prompt;
import dev.quire.generation.TokenSink;
import dev.quire.model.ComputeDevice;
import dev.quire.model.Precision;
import dev.quire.model.qwen3vl.Qwen3VLTokenizer;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import javax.imageio.ImageIO;

/**
 * The Java half of {@code tools/reference/bench_generate.py}, which runs it and transformers'
 * {@code Qwen3VLForConditionalGeneration.generate} on the same checkpoint, page and prompt with
 * the same threads and prints their ratios. Opens the checkpoint with {@link LocalGenerator} (CPU,
 * float32), builds the prompt of one user message (the page image, then the text), generates once
 * to warm up, then {@code --repeats} times greedily {@code --new-tokens} tokens with stop ids
 * disabled, keeping the best of each measure: prefill (the prompt's forward pass and the logits of
 * its last row, {@link GenerationResult.Timings#prefillNanos()}) as prompt tokens per second,
 * decoding ({@link GenerationResult.Timings#decodeNanos()}: the steps after the first token) as
 * tokens after the first per second. Prints one JSON line with those, the load time and the
 * process's peak resident memory (VmHWM of /proc/self/status, native memory and the mapped
 * checkpoint included).
 *
 * <p>Arguments: {@code --model DIR --image FILE --text TEXT --threads N --new-tokens N --repeats N}.
 */
public final class GenerateBenchmark {

  private GenerateBenchmark() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> arguments = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      arguments.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    Path model = Path.of(required(arguments, "model"));
    BufferedImage page = ImageIO.read(Path.of(required(arguments, "image")).toFile());
    String text = required(arguments, "text");
    int threads = Integer.parseInt(arguments.getOrDefault("threads", "2"));
    int newTokens = Integer.parseInt(arguments.getOrDefault("new-tokens", "32"));
    int repeats = Integer.parseInt(arguments.getOrDefault("repeats", "2"));

    long started = System.nanoTime();
    try (LocalGenerator generator = LocalGenerator.open(model,
        new LocalGenerator.Options(ComputeDevice.CPU, Precision.FLOAT32, threads))) {
      double load = seconds(started);
      List<Map<String, Object>> messages = List.of(Map.of("role", "user", "content", List.of(
          Map.of("type", "image"), Map.of("type", "text", "text", text))));
      Prompt prompt = generator.prompts().build(messages, List.of(page), Map.of());
      Decoding decoding = Decoding.greedy(newTokens, generator.generationConfig()).withoutStopIds();
      TokenSink sink = (sequence, token, piece) -> { };

      // warm-up: one whole generation (page faults of the mapping, the allocator, the JIT)
      started = System.nanoTime();
      GenerationResult warm = generator.generate(prompt, decoding, sink, () -> false);
      double warmSeconds = seconds(started);
      long prefill = Long.MAX_VALUE;
      long decode = Long.MAX_VALUE;
      double total = Double.MAX_VALUE;
      GenerationResult last = warm;
      for (int r = 0; r < repeats; r++) {
        started = System.nanoTime();
        last = generator.generate(prompt, decoding, sink, () -> false);
        total = Math.min(total, seconds(started));
        prefill = Math.min(prefill, last.timings().prefillNanos());
        decode = Math.min(decode, last.timings().decodeNanos());
      }
      int[] ids = last.tokenIds();
      if (ids.length != newTokens || !Arrays.equals(ids, warm.tokenIds())) {
        throw new IllegalStateException("expected the same " + newTokens + " ids in every run, got "
            + Arrays.toString(ids) + " and " + Arrays.toString(warm.tokenIds()));
      }
      int promptTokens = prompt.length();
      int imagePad = generator.tokenizer().tokenId(Qwen3VLTokenizer.IMAGE_PAD);
      int imageTokens = (int) Arrays.stream(prompt.ids()).filter(id -> id == imagePad).count();
      System.out.printf(Locale.ROOT,
          "{\"side\": \"java\", \"threads\": %d, \"load_seconds\": %.3f, \"warmup_seconds\": %.3f,"
              + " \"prompt_tokens\": %d, \"image_tokens\": %d, \"new_tokens\": %d, \"repeats\": %d,"
              + " \"prefill_seconds\": %.4f, \"prefill_tokens_per_second\": %.3f,"
              + " \"decode_seconds\": %.4f, \"decode_tokens_per_second\": %.4f,"
              + " \"generate_seconds\": %.4f, \"peak_rss_mb\": %.1f, \"token_ids\": [%s]}%n",
          threads, load, warmSeconds, promptTokens, imageTokens, ids.length, repeats,
          prefill / 1e9, promptTokens / (prefill / 1e9), decode / 1e9,
          (ids.length - 1) / (decode / 1e9), total, peakRssMb(),
          Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(", ")));
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
