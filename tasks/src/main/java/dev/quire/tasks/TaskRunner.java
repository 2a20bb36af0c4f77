package dev.quire.tasks;

import dev.quire.generation.backend.ChatCompletion;
import dev.quire.generation.backend.Generator;

/** Runs a task on a generator: its request, the model's answer, read and typed. */
public final class TaskRunner {

  private TaskRunner() {}

  /**
   * The task's result for {@code input} from {@code generator}.
   *
   * @throws dev.quire.tasks.output.UnparseableOutputException when the answer holds no value
   */
  public static <I, R> R run(TaskDefinition<I, R> task, Generator generator, I input) {
    ChatCompletion completion = generator.complete(task.request(input));
    return task.result(input, task.read(input, completion.text()), completion);
  }
}
