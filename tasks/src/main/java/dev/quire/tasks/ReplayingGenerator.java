package dev.quire.tasks;

import dev.quire.generation.FinishReason;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatListener;
import dev.quire.generation.backend.ChatRequest;
import dev.quire.generation.backend.Generator;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * A {@link Generator} that serves recorded model answers in order, for tests and for replaying
 * an evaluation without a model: clean answers and mangled ones (fences, prose, cut off), so the
 * task code's reading of real model output is exercised without running one. Requests are kept
 * for inspection.
 */
public final class ReplayingGenerator implements Generator {

  private final String name;
  private final Deque<ChatCompletion> answers;
  private final List<ChatRequest> requests = new ArrayList<>();

  public ReplayingGenerator(String name, List<String> answers) {
    this.name = name;
    this.answers = new ArrayDeque<>();
    for (String answer : answers) {
      this.answers.add(new ChatCompletion(answer, List.of(), FinishReason.STOP,
          new ChatCompletion.Usage(0, answer.length()), 0));
    }
  }

  /** Serves recorded completions whole: with their token probabilities, finish reason and usage. */
  public static ReplayingGenerator ofCompletions(String name, List<ChatCompletion> completions) {
    ReplayingGenerator generator = new ReplayingGenerator(name, List.of());
    generator.answers.addAll(completions);
    return generator;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String model() {
    return name;
  }

  public synchronized List<ChatRequest> requests() {
    return List.copyOf(requests);
  }

  @Override
  public synchronized ChatCompletion complete(ChatRequest request, ChatListener listener,
      BooleanSupplier cancelled) {
    requests.add(request);
    ChatCompletion answer = answers.poll();
    if (answer == null) {
      throw new IllegalStateException("replaying generator " + name + " has no recorded answer left");
    }
    listener.onText(answer.text());
    return answer;
  }

  @Override
  public void close() {}
}
