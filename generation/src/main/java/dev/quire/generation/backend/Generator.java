package dev.quire.generation.backend;

import java.util.function.BooleanSupplier;

/**
 * A chat model behind one interface, whichever backend serves it: the in-process Qwen3-VL
 * ({@link LocalChatGenerator}) or, later, a remote OpenAI-compatible server. Thread-safe: a
 * backend queues or refuses what it cannot serve at once ({@link GeneratorBusyException}).
 */
public interface Generator extends AutoCloseable {

  /** The backend's name in the configuration. */
  String name();

  /** The model id clients name (the OpenAI API's {@code model}). */
  String model();

  /**
   * Answers {@code request}; {@code listener} sees the text as it is written, {@code cancelled} is
   * asked between tokens (a cancelled request returns what it has, finish reason cancelled).
   */
  ChatCompletion complete(ChatRequest request, ChatListener listener, BooleanSupplier cancelled);

  default ChatCompletion complete(ChatRequest request) {
    return complete(request, ChatListener.NONE, () -> false);
  }

  @Override
  void close();
}
