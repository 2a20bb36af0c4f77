package dev.quire.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.ChatRequest;

/**
 * One document task as generation over pages: how it asks (the request it sends a
 * {@link dev.quire.generation.backend.Generator}), what shape the answer must take (its output
 * schema, which guides the model and checks what comes back), and how an answer becomes its
 * typed result.
 *
 * @param <I> what the caller gives (pages, a question, labels)
 * @param <R> the typed result
 */
public interface TaskDefinition<I, R> {

  String name();

  /** The JSON Schema of the model's answer to {@code input}. */
  JsonNode outputSchema(I input);

  /** The chat request for {@code input}, its response format set to the output schema. */
  ChatRequest request(I input);

  /** Reads a model's answer to {@code input} against its output schema (see {@link TaskOutput#read}). */
  TaskOutput read(I input, String answer);

  /** The typed result of a read answer; {@code completion} has its tokens and timing. */
  R result(I input, TaskOutput output, ChatCompletion completion);
}
