package dev.quire.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.quire.generation.FinishReason;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatListener;
import dev.quire.generation.backend.ChatRequest;
import dev.quire.generation.backend.Generator;
import java.awt.image.BufferedImage;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A model's answers recorded in order, so an evaluation replays without the model: a JSONL file
 * of {@code {"key", "text", "finish_reason"}}, the key a SHA-256 of the request (messages, image
 * sizes, decoding settings, template options, response format; not the pixels, which font
 * rendering may change between machines). {@link #recording} wraps any generator and appends
 * what it answers; {@link #replaying} serves the answers in the same order and stops at the
 * first request whose key differs from the recorded one, naming it: a replay never answers a
 * question it was not asked. Token probabilities are not kept: replayed confidences are null.
 */
public final class RecordedAnswers {

  private static final ObjectMapper JSON = new ObjectMapper();
  /** Map.of iterates in an order salted per JVM: keys are hashed from sorted maps. */
  private static final ObjectMapper CANONICAL = new ObjectMapper()
      .enable(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS);

  private RecordedAnswers() {}

  /** The key of {@code request}. */
  public static String key(ChatRequest request) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(CANONICAL.writeValueAsBytes(request.messages()));
      for (BufferedImage image : request.images()) {
        digest.update(ByteBuffer.allocate(8).putInt(image.getWidth()).putInt(image.getHeight()).array());
      }
      digest.update(CANONICAL.writeValueAsBytes(request.settings()));
      digest.update(CANONICAL.writeValueAsBytes(request.templateOptions()));
      digest.update(request.responseFormat().type().name().getBytes(StandardCharsets.UTF_8));
      if (request.responseFormat().schema() != null) {
        digest.update(CANONICAL.writeValueAsBytes(request.responseFormat().schema()));
      }
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException | IOException e) {
      throw new IllegalStateException("hashing a request", e);
    }
  }

  /** {@code generator}, its answers appended to {@code file} as they come. */
  public static Generator recording(Generator generator, Path file) {
    return new Generator() {
      @Override
      public String name() {
        return generator.name();
      }

      @Override
      public String model() {
        return generator.model();
      }

      @Override
      public synchronized ChatCompletion complete(ChatRequest request, ChatListener listener,
          BooleanSupplier cancelled) {
        ObjectNode line = JSON.createObjectNode();
        line.put("key", key(request));
        ChatCompletion completion;
        try {
          completion = generator.complete(request, listener, cancelled);
          line.put("text", completion.text());
          line.put("finish_reason", completion.finishReason().apiName());
        } catch (IllegalArgumentException e) {
          // a request the backend refuses (a prompt over the context) is replayed as refused
          line.put("refused", e.getMessage());
          write(file, line);
          throw e;
        }
        write(file, line);
        return completion;
      }

      @Override
      public void close() {
        generator.close();
      }
    };
  }

  private static void write(Path file, ObjectNode line) {
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8,
        StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
      out.write(line.toString());
      out.write('\n');
    } catch (IOException e) {
      throw new UncheckedIOException("recording to " + file, e);
    }
  }

  /** Answers from {@code file} (written by {@link #recording}) in order, as model {@code model}. */
  public static Generator replaying(Path file, String model) throws IOException {
    List<JsonNode> answers = new java.util.ArrayList<>();
    int number = 0;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      number++;
      if (line.isBlank()) {
        continue;
      }
      JsonNode answer;
      try {
        answer = JSON.readTree(line);
      } catch (IOException e) {
        throw new IOException(file + " line " + number + " is not JSON: " + e.getMessage(), e);
      }
      if (!answer.path("key").isTextual()
          || !(answer.path("text").isTextual() || answer.path("refused").isTextual())) {
        throw new IOException(file + " line " + number + " lacks its key or text");
      }
      answers.add(answer);
    }
    java.util.concurrent.atomic.AtomicInteger next = new java.util.concurrent.atomic.AtomicInteger();
    return new Generator() {
      @Override
      public String name() {
        return "replay";
      }

      @Override
      public String model() {
        return model;
      }

      @Override
      public synchronized ChatCompletion complete(ChatRequest request, ChatListener listener,
          BooleanSupplier cancelled) {
        int at = next.getAndIncrement();
        if (at >= answers.size()) {
          throw new IllegalStateException(file + " holds " + answers.size() + " answers; request "
              + (at + 1) + " has none: record it again with these settings");
        }
        JsonNode answer = answers.get(at);
        String key = key(request);
        if (!answer.get("key").asText().equals(key)) {
          throw new IllegalStateException("request " + (at + 1) + " is not the one " + file
              + " recorded (key " + key.substring(0, 12) + "…, recorded "
              + answer.get("key").asText().substring(0, Math.min(12, answer.get("key").asText().length()))
              + "…): record it again with these settings");
        }
        if (answer.has("refused")) {
          throw new IllegalArgumentException(answer.get("refused").asText());
        }
        String text = answer.get("text").asText();
        listener.onText(text);
        FinishReason finish = FinishReason.valueOf(answer.path("finish_reason").asText("stop")
            .toUpperCase(java.util.Locale.ROOT));
        return new ChatCompletion(text, List.of(), finish, new ChatCompletion.Usage(0, 0), 0);
      }

      @Override
      public void close() {}
    };
  }
}
