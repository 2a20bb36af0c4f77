package dev.quire.generation.backend;

import dev.quire.generation.Decoding;
import dev.quire.generation.GenerationResult;
import dev.quire.generation.LocalGenerator;
import dev.quire.generation.Prompt;
import dev.quire.generation.TokenLogprob;
import dev.quire.generation.TokenSink;
import dev.quire.generation.guided.SchemaNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The in-process Qwen3-VL as a {@link Generator}. One answer is generated at a time (on a CPU
 * one generation already uses every core); up to {@code maxQueued} more wait their turn in
 * arrival order, and beyond that a request is refused at once with {@link GeneratorBusyException}.
 */
public final class LocalChatGenerator implements Generator {

  private final String name;
  private final String model;
  private final LocalGenerator generator;
  private final int maxQueued;
  private final Semaphore turn = new Semaphore(1, true);
  private final AtomicInteger waiting = new AtomicInteger();

  public LocalChatGenerator(String name, String model, LocalGenerator generator, int maxQueued) {
    this.name = name;
    this.model = model;
    this.generator = generator;
    this.maxQueued = maxQueued;
  }

  /** Opens the checkpoint of {@code spec} (float16 on CUDA, float32 elsewhere). */
  public static LocalChatGenerator open(BackendSpec.Local spec) throws IOException {
    LocalGenerator generator = LocalGenerator.open(spec.model(),
        LocalGenerator.Options.on(spec.device(), spec.threads()));
    return new LocalChatGenerator(spec.name(), spec.modelId(), generator, spec.maxQueued());
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String model() {
    return model;
  }

  @Override
  public ChatCompletion complete(ChatRequest request, ChatListener listener,
      BooleanSupplier cancelled) {
    // the prompt is built (template, tokenizer, image processing) before waiting for the model
    Prompt prompt = generator.prompts().build(request.messages(), request.images(),
        request.templateOptions());
    Decoding decoding = Decoding.of(request.settings(), generator.generationConfig());
    SchemaNode shape = request.responseFormat().compiled();
    if (shape != null) {
      // the mask first: whatever comes after only reorders what the schema allows
      decoding = decoding.withProcessorsFirst(List.of(generator.guidedJson(shape)));
    }
    if (waiting.incrementAndGet() > maxQueued + 1) {
      waiting.decrementAndGet();
      throw new GeneratorBusyException("backend " + name + " is generating with " + maxQueued
          + " requests waiting; try again later");
    }
    long started = System.nanoTime();
    try {
      turn.acquireUninterruptibly();
      try {
        GenerationResult result = generator.generate(prompt, decoding, new TokenSink() {
          @Override
          public void accept(int sequence, int tokenId, String text) {
            if (!text.isEmpty()) {
              listener.onText(text);
            }
          }

          @Override
          public void end(int sequence, String rest) {
            if (!rest.isEmpty()) {
              listener.onText(rest);
            }
          }
        }, cancelled);
        return new ChatCompletion(result.text(), logprobs(result), result.finishReason(),
            new ChatCompletion.Usage(result.promptTokenIds().length, result.tokenIds().length),
            System.nanoTime() - started);
      } finally {
        turn.release();
      }
    } finally {
      waiting.decrementAndGet();
    }
  }

  private List<ChatLogprob> logprobs(GenerationResult result) {
    List<ChatLogprob> out = new ArrayList<>(result.tokenIds().length);
    for (int t = 0; t < result.tokenIds().length; t++) {
      List<ChatLogprob> top = new ArrayList<>();
      if (t < result.topLogprobs().size()) {
        for (TokenLogprob alternative : result.topLogprobs().get(t)) {
          top.add(token(alternative.tokenId(), alternative.logprob(), alternative.logprob(), List.of()));
        }
      }
      out.add(token(result.tokenIds()[t], result.logprobs()[t], result.drawnLogprobs()[t], top));
    }
    return out;
  }

  private ChatLogprob token(int id, double logprob, double drawn, List<ChatLogprob> top) {
    byte[] bytes = generator.tokenizer().tokenBytes(id);
    return new ChatLogprob(new String(bytes, StandardCharsets.UTF_8), bytes, logprob, drawn, top);
  }

  @Override
  public void close() {
    generator.close();
  }
}
